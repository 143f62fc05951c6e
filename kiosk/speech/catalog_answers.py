"""Answers about every catalog service, written from ``assets/catalog`` when it is loaded.

The guides in ``assets/kb`` cover the common questions of a few services; the catalog
knows every service's materials, steps, time limit and whether a clerk takes part. Rather
than copy that into the knowledge base (a second copy drifts), :func:`catalog_entries`
writes, at load, one :class:`~kiosk.speech.knowledge.Entry` per service and aspect, with
the topic ``service:<code>:<aspect>``:

=========  ==================================================================
aspect     from the catalog
=========  ==================================================================
about      name, department, summary
who        summary, identity check, self-service or with a clerk
materials  each material, the original (in the booth's locker when the service
           has a locker step) and the copies
time       ``time_limit_days`` (only when set), and the result on the phone
steps      the steps by name
clerk      ``mode`` / ``needs_clerk``: alone, with a clerk stepping in, or on video
fee        only when the catalog states a fee; it states none today, so there is none
=========  ==================================================================

Each says only what the catalog says and cites the catalog entry (its version and the
service). :class:`ServiceFinder` tells which service a question names: its name in any
of the three languages, the name without its generic ending (普通护照申领 -> 普通护照), or
one of its search keywords that no other service has.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from kiosk.core.catalog import Catalog, Service
from kiosk.speech.knowledge import Entry, Localized, Source
from kiosk.speech.phonetics import normalize, syllables

ASPECTS = ("about", "who", "materials", "time", "steps", "clerk")
TOPIC_PREFIX = "service:"

CATALOG_SOURCE_TITLE = Localized(
    zh_CN="《政务服务事项目录》",
    en="Government Service Catalogue",
    zh_HK="《政務服務事項目錄》",
)
CATALOG_ISSUER = Localized(
    zh_CN="市政务服务管理局",
    en="Municipal Government Services Administration",
    zh_HK="市政務服務管理局",
)
_ASPECT_NAMES = {
    "about": Localized("事项说明", "what it is", "事項說明"),
    "who": Localized("办理对象", "who may apply", "辦理對象"),
    "materials": Localized("申请材料", "materials", "申請材料"),
    "time": Localized("办结时限", "time limit", "辦結時限"),
    "steps": Localized("办理流程", "steps", "辦理流程"),
    "clerk": Localized("办理方式", "how it is handled", "辦理方式"),
}
# Endings that name the act, not the service: "办护照" names 普通护照申领.
_GENERIC_ENDINGS = ("申领", "申请", "登记", "开具", "打印", "核发", "办理", "认定", "预约")
_GENERIC_STARTS = ("普通", "个人", "本人")


def topic_of(code: str, aspect: str) -> str:
    return f"{TOPIC_PREFIX}{code}:{aspect}"


def parse_topic(topic: str) -> tuple[str, str] | None:
    """``(code, aspect)`` of a catalog topic, None for a guide's topic."""
    if not topic.startswith(TOPIC_PREFIX):
        return None
    code, _, aspect = topic[len(TOPIC_PREFIX) :].rpartition(":")
    return (code, aspect) if code and aspect else None


def _join(lang: str, items: list[str]) -> str:
    if lang == "en":
        return "; ".join(items)
    return "；".join(items)


def _materials(service: Service, lang: str) -> str:
    name = service.name.get(lang)
    if not service.materials:
        return {
            "zh_CN": f"办理“{name}”，目录中没有列出需要提交的材料。",
            "en": f"The catalogue lists no materials to hand in for {name}.",
            "zh_HK": f"辦理「{name}」，目錄中沒有列出需要提交的材料。",
        }[lang]
    items = []
    for m in service.materials:
        notes = []
        if m.original_required:
            if service.uses_locker:
                notes.append(
                    {
                        "zh_CN": "原件投入本亭智能柜",
                        "en": "post the original in the booth's locker",
                        "zh_HK": "原件投入本亭智能櫃",
                    }[lang]
                )
            else:
                notes.append({"zh_CN": "需原件", "en": "original needed", "zh_HK": "需原件"}[lang])
        if m.copies:
            notes.append(
                {
                    "zh_CN": f"复印件{m.copies}份",
                    "en": f"{m.copies} photocopy" + ("ies" if m.copies > 1 else ""),
                    "zh_HK": f"複印件{m.copies}份",
                }[lang]
            )
        label = m.name.get(lang)
        if notes:
            label += f" ({', '.join(notes)})" if lang == "en" else f"（{'，'.join(notes)}）"
        items.append(label)
    listed = _join(lang, items)
    return {
        "zh_CN": f"办理“{name}”需要：{listed}。",
        "en": f"For {name} bring: {listed}.",
        "zh_HK": f"辦理「{name}」需要：{listed}。",
    }[lang]


def _time(service: Service, lang: str) -> str:
    name = service.name.get(lang)
    days = service.time_limit_days
    assert days is not None
    if days == 0:
        limit = {"zh_CN": "当场办结", "en": "it is done on the spot", "zh_HK": "當場辦結"}[lang]
    else:
        limit = {
            "zh_CN": f"承诺在{days}个工作日内办结",
            "en": f"it is done within {days} working day" + ("s" if days > 1 else ""),
            "zh_HK": f"承諾在{days}個工作日內辦結",
        }[lang]
    result = ""
    if service.certificate is not None:
        cert = service.certificate.get(lang)
        result = {
            "zh_CN": f"，办结后“{cert}”发送到您的手机",
            "en": f"; then the {cert[0].lower() + cert[1:]} is sent to your phone",
            "zh_HK": f"，辦結後「{cert}」發送到您的手機",
        }[lang]
    return {
        "zh_CN": f"“{name}”{limit}{result}。",
        "en": f"{name}: {limit}{result}.",
        "zh_HK": f"「{name}」{limit}{result}。",
    }[lang]


def _clerk(service: Service, lang: str) -> str:
    name = service.name.get(lang)
    if service.mode == "self" and not service.needs_clerk:
        how = {
            "zh_CN": "可以在本亭自助办理，不需要工作人员",
            "en": "can be done on your own at this booth, without a clerk",
            "zh_HK": "可以在本亭自助辦理，不需要工作人員",
        }
    elif service.mode == "mixed":
        how = {
            "zh_CN": "在本亭自助办理，需要时工作人员会视频连线协助",
            "en": "is done on your own at this booth; a clerk joins on video when needed",
            "zh_HK": "在本亭自助辦理，需要時工作人員會視像連線協助",
        }
    else:
        how = {
            "zh_CN": "需要与工作人员视频连线办理，请点“人工服务”",
            "en": 'is done with a clerk on a video call; tap "Clerk"',
            "zh_HK": "需要與工作人員視像連線辦理，請點「人工服務」",
        }
    if lang == "en":
        return f"{name} {how['en']}."
    quote = "“{}”" if lang == "zh_CN" else "「{}」"
    return quote.format(name) + how[lang] + "。"


def _steps(service: Service, lang: str) -> str:
    name = service.name.get(lang)
    steps = [s.name.get(lang) for s in service.steps]
    if lang == "en":
        return (
            f"The steps of {name}: " + "; ".join(f"{i}. {s}" for i, s in enumerate(steps, 1)) + "."
        )
    listed = "；".join(f"{i}.{s}" for i, s in enumerate(steps, 1))
    quote = "“{}”" if lang == "zh_CN" else "「{}」"
    return (
        quote.format(name) + ("的办理步骤：" if lang == "zh_CN" else "的辦理步驟：") + listed + "。"
    )


def _about(service: Service, catalog: Catalog, lang: str) -> str:
    name = service.name.get(lang)
    dept = catalog.department(service.department).name.get(lang)
    summary = service.summary.get(lang)
    if lang == "en":
        return f"{name} ({dept}): {summary}"
    quote = "“{}”" if lang == "zh_CN" else "「{}」"
    return f"{quote.format(name)}（{dept}）：{summary}"


def _who(service: Service, lang: str) -> str:
    summary = service.summary.get(lang)
    identify = any(s.kind == "identify" for s in service.steps)
    if not identify:
        return summary
    check = {
        "zh_CN": "办理时先核验身份（刷身份证）。",
        "en": " Your identity is checked first (ID card).",
        "zh_HK": "辦理時先核驗身份（刷身份證）。",
    }[lang]
    return summary + check


def _answer(service: Service, catalog: Catalog, aspect: str) -> Localized:
    def text(lang: str) -> str:
        if aspect == "materials":
            return _materials(service, lang)
        if aspect == "time":
            return _time(service, lang)
        if aspect == "clerk":
            return _clerk(service, lang)
        if aspect == "steps":
            return _steps(service, lang)
        if aspect == "who":
            return _who(service, lang)
        return _about(service, catalog, lang)

    return Localized(text("zh_CN"), text("en"), text("zh_HK"))


def catalog_entries(
    catalog: Catalog,
    facets_of: Callable[[str], dict[str, tuple[str, ...]]] = lambda _code: {},
) -> list[Entry]:
    """One entry per service and aspect the catalog holds facts for; ``facets_of`` gives
    the key entities a service's entries declare besides their aspect (its kind of
    business act, of home...: :meth:`kiosk.speech.entities.Facets.of_service`)."""
    source = Source(
        id="service-catalog",
        title=CATALOG_SOURCE_TITLE,
        issuer=CATALOG_ISSUER,
        version=catalog.version,
        date="",
    )
    entries = []
    for service in catalog.services:
        for aspect in ASPECTS:
            if aspect == "time" and service.time_limit_days is None:
                continue  # the catalog promises no time: say nothing
            aspect_name = _ASPECT_NAMES[aspect]
            section = Localized(
                zh_CN=f"{service.name.zh_CN}（{service.code}）·{aspect_name.zh_CN}",
                en=f"{service.name.en} ({service.code}), {aspect_name.en}",
                zh_HK=f"{service.name.zh_HK}（{service.code}）·{aspect_name.zh_HK}",
            )
            entries.append(
                Entry(
                    topic=topic_of(service.code, aspect),
                    department=service.department,
                    service=service.code,
                    section=section.zh_CN,
                    questions=(),
                    keywords=(),
                    answer=_answer(service, catalog, aspect),
                    source=source,
                    handoff=False,
                    label=Localized(
                        zh_CN=f"{service.name.zh_CN}：{aspect_name.zh_CN}",
                        en=f"{service.name.en}: {aspect_name.en}",
                        zh_HK=f"{service.name.zh_HK}：{aspect_name.zh_HK}",
                    ),
                    entities={**facets_of(service.code), "aspect": (aspect,)},
                    section_text=section,
                )
            )
    return entries


@dataclass(frozen=True, slots=True)
class ServiceMatch:
    """A service named in a question, and how it was named."""

    code: str
    length: int  # characters of the longest name matched
    full_name: bool  # its whole catalog name was said
    name: str = ""  # the name as matched (normalised), to read the rest of the question

    def rest(self, question: str) -> str:
        """``question`` without the service's name (费用 in 医疗费用报销 asks no fee)."""
        return _norm(question).replace(self.name, " ", 1) if self.name else question


def _sound(text: str) -> str:
    return " " + " ".join(syllables(text)) + " "


class ServiceFinder:
    """Which catalog service a question names, by name, short name or its own keyword."""

    def __init__(self, catalog: Catalog, entity_words: Iterable[str] = ()) -> None:
        # a kind of withdrawal (买房) is an entity of the question, not a service's name
        not_names = {_norm(w) for w in entity_words}
        keyword_owners: dict[str, set[str]] = {}
        for service in catalog.services:
            for word in service.keywords:
                keyword_owners.setdefault(_norm(word), set()).add(service.code)
        # (code, name, is the full name, sound of a Chinese name)
        self._names: list[tuple[str, str, bool, str | None]] = []
        for service in catalog.services:
            names: dict[str, bool] = {}
            for lang in ("zh_CN", "zh_HK", "en"):
                names[_norm(service.name.get(lang))] = True
            core = service.name.zh_CN
            for ending in _GENERIC_ENDINGS:
                if core.endswith(ending) and len(core) - len(ending) >= 2:
                    core = core[: -len(ending)]
            for start in _GENERIC_STARTS:
                if core.startswith(start) and len(core) - len(start) >= 2:
                    core = core[len(start) :]
            names.setdefault(_norm(core), False)
            for word in service.keywords:
                norm = _norm(word)
                if len(keyword_owners[norm]) == 1 and len(norm) >= 2 and norm not in not_names:
                    names.setdefault(norm, False)
            for name, full in names.items():
                cjk = not name.isascii()
                sound = _sound(name) if cjk and len(name) >= 3 else None
                self._names.append((service.code, name, full, sound))

    def find(self, question: str) -> list[ServiceMatch]:
        """The services named in ``question``, the longest naming first (ties kept)."""
        text = _norm(question)
        sound = _sound(normalize(question))
        best: dict[str, ServiceMatch] = {}
        for code, name, full, name_sound in self._names:
            if name.isascii():
                hit = re.search(rf"\b{re.escape(name)}\b", text) is not None
            else:
                hit = name in text or (name_sound is not None and name_sound in sound)
            if not hit:
                continue
            match = ServiceMatch(code, len(name), full, name if name in text else "")
            old = best.get(code)
            key = (match.length, match.full_name, bool(match.name))  # as written wins
            if old is None or key > (old.length, old.full_name, bool(old.name)):
                best[code] = match
        return sorted(best.values(), key=lambda m: (m.full_name, m.length), reverse=True)


def _norm(text: str) -> str:
    """Lower case; Chinese without spaces or punctuation; English words single-spaced."""
    if text.isascii():
        return " ".join(re.findall(r"[a-z0-9']+", text.lower()))
    return normalize(text)
