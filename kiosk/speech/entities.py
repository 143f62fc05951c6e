"""The key entities of a question: the kind of withdrawal, of business, the document, the aspect.

A retriever that weighs shared words answers "离职了公积金怎么办" with the rent withdrawal,
because everything but 离职 matches. The entities make that impossible: each facet of
``assets/kb/entities.yaml`` (format in ``assets/kb/README.md``) lists its values and the
words that name them; :meth:`Facets.mentions` finds the values a question names, as written
and by toneless fuzzy pinyin (so the recognizer's 退修 still names 退休), and
:meth:`Facets.compatible` says whether an entry may answer it:

* an entry declaring other values of a facet the question names is never the answer;
* of a ``closed`` facet (the aspect), an entry declaring the facet answers a question
  naming one of the closed values only if it declares that value too;
* of a ``generic_needs_keyword`` facet, an entry without the facet answers a question that
  names a value only if the question also says one of the entry's own keywords;
* of a ``required`` facet, an entry declaring it answers only a question naming a value.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kiosk.core.text import Text
from kiosk.resources import data_path
from kiosk.speech.phonetics import normalize, syllables

ENTITIES_FILE = "entities.yaml"


@dataclass(frozen=True, slots=True)
class FacetValue:
    name: str
    label: Text
    words: tuple[str, ...]
    # the catalog services this value describes: their answers (kiosk.speech.catalog_answers)
    # declare it, so "注册公司要带什么" is never answered with a deregistration's materials
    services: tuple[str, ...] = ()
    # phrases in which a word does not name the value (几天 in 前几天 asks no time)
    not_in: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Facet:
    name: str
    question: Text
    values: dict[str, FacetValue]
    closed: frozenset[str] = frozenset()
    generic_needs_keyword: bool = False
    by_sound: bool = True  # match the words by their sound too (off: as written only)
    # an entry declaring the facet answers only a question that names one of its values
    # (the guide on a lost licence does not answer "注销要带营业执照原件吗")
    required: bool = False


Mentions = Mapping[str, frozenset[str]]  # facet -> the values the question names


def _sound(text: str) -> str:
    return " " + " ".join(syllables(text)) + " "


class Facets:
    """All facets, and the matching of their words in questions."""

    def __init__(self, facets: Mapping[str, Facet] | None = None) -> None:
        self.facets: dict[str, Facet] = dict(facets or {})
        self._words: list[tuple[str, str, str, str | None]] = []
        self._not_in: dict[tuple[str, str], tuple[str, ...]] = {}
        for facet in self.facets.values():
            for value in facet.values.values():
                if value.not_in:
                    self._not_in[(facet.name, value.name)] = tuple(
                        normalize(p) for p in value.not_in
                    )
                for word in value.words:
                    norm = word.lower() if word.isascii() else normalize(word)
                    cjk = any("\u3400" <= c <= "\u9fff" for c in norm)
                    # a sound match needs two syllables at least: one is too often a homophone
                    by_sound = facet.by_sound and cjk and len(norm) >= 2
                    sound = _sound(norm) if by_sound else None
                    self._words.append((facet.name, value.name, norm, sound))

    def mentions(self, question: str) -> dict[str, frozenset[str]]:
        """The values each facet's words name in ``question``."""
        text = normalize(question)
        spaced = question.lower()
        sound = _sound(text)
        found: dict[str, set[str]] = {}
        for facet, value, word, word_sound in self._words:
            if not word:
                continue
            said = text
            for phrase in self._not_in.get((facet, value), ()):
                said = said.replace(phrase, " ")
            if word.isascii():
                hit = re.search(rf"\b{re.escape(word)}\b", spaced) is not None
            else:
                hit = word in said or (word_sound is not None and word_sound in sound)
            if hit:
                found.setdefault(facet, set()).add(value)
        return {k: frozenset(v) for k, v in found.items()}

    def compatible(
        self,
        entities: Mapping[str, tuple[str, ...]],
        mentions: Mentions,
        says_a_keyword: bool,
        *,
        service_named: bool = False,
    ) -> bool:
        """May an entry with ``entities`` answer a question naming ``mentions``?
        ``service_named``: the question names the entry's service itself (a required facet is
        then said by the name: 居民身份证补领)."""
        for name in entities:
            facet = self.facets.get(name)
            if (
                facet is not None
                and facet.required
                and not service_named
                and not mentions.get(name)
            ):
                return False
        for name, named in mentions.items():
            facet = self.facets.get(name)
            if facet is None or not named:
                continue
            declared = entities.get(name)
            if declared is None:
                if facet.generic_needs_keyword and not says_a_keyword:
                    return False
                continue
            if facet.closed:  # only its closed values can disagree ("条件" asks no aspect)
                closed_named = named & facet.closed
                if closed_named and not closed_named <= set(declared):
                    return False
                continue
            if not named & set(declared):
                return False
        return True

    def words(self, facet: str) -> list[str]:
        """Every word that names a value of ``facet``."""
        found = self.facets.get(facet)
        return [w for v in found.values.values() for w in v.words] if found else []

    def label(self, facet: str, value: str) -> Text:
        return self.facets[facet].values[value].label

    def of_service(self, code: str) -> dict[str, tuple[str, ...]]:
        """The values each facet declares for the catalog service ``code``."""
        found: dict[str, tuple[str, ...]] = {}
        for facet in self.facets.values():
            values = tuple(v.name for v in facet.values.values() if code in v.services)
            if values:
                found[facet.name] = values
        return found

    def services(self) -> set[str]:
        """Every catalog service some value names (to check against the catalog)."""
        return {c for f in self.facets.values() for v in f.values.values() for c in v.services}


def load_facets(path: Path | None = None, problems: list[str] | None = None) -> Facets:
    """The facets of ``assets/kb/entities.yaml`` (an empty set when the file is missing)."""
    file = path or data_path("assets", "kb", ENTITIES_FILE)
    report = problems if problems is not None else []
    if not file.exists():
        return Facets()
    try:
        doc = yaml.safe_load(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        report.append(f"{file.name}: cannot read: {exc}")
        return Facets()
    facets: dict[str, Facet] = {}
    raw_facets = doc.get("facets") if isinstance(doc, dict) else None
    if not isinstance(raw_facets, dict):
        report.append(f"{file.name}: facets missing")
        return Facets()
    for name, raw in raw_facets.items():
        where = f"{file.name}: {name}"
        if not isinstance(raw, dict) or not isinstance(raw.get("values"), dict):
            report.append(f"{where}: must have values")
            continue
        values = {}
        for value, spec in raw["values"].items():
            if not isinstance(spec, dict):
                report.append(f"{where}.{value}: must be a mapping")
                continue
            values[str(value)] = FacetValue(
                str(value),
                _text(f"{where}.{value}.label", spec.get("label"), report),
                tuple(str(w) for w in spec.get("words") or ()),
                tuple(str(c) for c in spec.get("services") or ()),
                tuple(str(p) for p in spec.get("not_in") or ()),
            )
        closed = raw.get("closed") or []
        if not isinstance(closed, list) or not set(map(str, closed)) <= set(values):
            report.append(f"{where}.closed: must list values of the facet")
            closed = []
        facets[str(name)] = Facet(
            str(name),
            _text(f"{where}.question", raw.get("question"), report),
            values,
            frozenset(map(str, closed)),
            bool(raw.get("generic_needs_keyword", False)),
            bool(raw.get("by_sound", True)),
            bool(raw.get("required", False)),
        )
    return Facets(facets)


def _text(where: str, value: Any, problems: list[str]) -> Text:
    if not isinstance(value, dict) or not all(
        isinstance(value.get(k), str) and value.get(k) for k in ("zh_CN", "en", "zh_HK")
    ):
        problems.append(f"{where}: must have zh_CN, en and zh_HK")
        return Text("", "", "")
    return Text(value["zh_CN"], value["en"], value["zh_HK"])
