"""The knowledge base: answers from the official service guides, each with its source.

Files live in ``assets/kb/*.yaml`` (format in ``assets/kb/README.md``). Loading checks
every file and reports all problems at once in a :class:`KnowledgeBaseError`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kiosk.core.errors import XiaowuError
from kiosk.resources import data_path
from kiosk.speech.entities import Facets, load_facets

LANGS = ("zh_CN", "en", "zh_HK")
SYNONYMS_FILE = "synonyms.yaml"  # read by kiosk.speech.phonetics, not an entry file
ENTITIES_FILE = "entities.yaml"  # read by kiosk.speech.entities, not an entry file
READINGS_FILE = "readings.yaml"  # read by kiosk.speech.reading, not an entry file
NOT_ENTRY_FILES = (SYNONYMS_FILE, ENTITIES_FILE, READINGS_FILE)


class KnowledgeBaseError(XiaowuError):
    """The knowledge base does not validate."""

    code = "knowledge_base"

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("invalid knowledge base:\n  " + "\n  ".join(self.problems))


@dataclass(frozen=True, slots=True)
class Localized:
    """One user-facing text in the booth's three languages."""

    zh_CN: str
    en: str
    zh_HK: str

    def get(self, lang: str) -> str:
        if lang == "en":
            return self.en
        if lang == "zh_HK":
            return self.zh_HK
        return self.zh_CN


@dataclass(frozen=True, slots=True)
class Source:
    """A service guide, cited with every answer taken from it."""

    id: str
    title: Localized
    issuer: Localized
    version: str
    date: str


@dataclass(frozen=True, slots=True)
class Entry:
    """One question topic and its answer."""

    topic: str
    department: str
    service: str | None
    section: str
    questions: tuple[str, ...]
    keywords: tuple[str, ...]
    answer: Localized
    source: Source
    handoff: bool = False
    label: Localized | None = None  # a short name, offered when the clerk asks back
    # facet -> the values this entry is about (kiosk.speech.entities)
    entities: Mapping[str, tuple[str, ...]] = field(default_factory=dict, hash=False, compare=False)
    section_text: Localized | None = None  # the section in each language (catalog answers)

    def citation(self, lang: str = "zh_CN") -> str:
        """Where the answer comes from, e.g. ``《…指南》（2024.2版）二、租房提取``."""
        title = self.source.title.get(lang)
        section = self.section_text.get(lang) if self.section_text else self.section
        if lang == "en":
            return f"{title} (version {self.source.version}), {section}"
        return f"{title}（{self.source.version}版）{section}"


class KnowledgeBase:
    """All entries, looked up by topic."""

    def __init__(self, entries: Iterable[Entry], facets: Facets | None = None) -> None:
        self.entries: tuple[Entry, ...] = tuple(entries)
        self._by_topic = {e.topic: e for e in self.entries}
        self.facets = facets if facets is not None else Facets()

    def with_entries(self, more: Iterable[Entry]) -> KnowledgeBase:
        """This knowledge base and those of ``more`` entries (the catalog's answers)
        whose topics it does not hold yet."""
        new = [e for e in more if e.topic not in self._by_topic]
        return KnowledgeBase((*self.entries, *new), self.facets)

    def entry(self, topic: str) -> Entry:
        return self._by_topic[topic]

    def __contains__(self, topic: object) -> bool:
        return topic in self._by_topic

    def __len__(self) -> int:
        return len(self.entries)

    @property
    def sources(self) -> tuple[Source, ...]:
        seen: dict[str, Source] = {}
        for entry in self.entries:
            seen.setdefault(entry.source.id, entry.source)
        return tuple(seen.values())

    def service_codes(self) -> set[str]:
        return {e.service for e in self.entries if e.service}


def default_kb_path() -> Path:
    """``assets/kb`` of the repository."""
    return data_path("assets", "kb")


def load_knowledge_base(path: Path | None = None) -> KnowledgeBase:
    """Read every ``*.yaml`` file under ``path`` (default: ``assets/kb``)."""
    folder = path or default_kb_path()
    files = sorted(f for f in folder.glob("*.yaml") if f.name not in NOT_ENTRY_FILES)
    problems: list[str] = []
    if not files:
        raise KnowledgeBaseError([f"{folder}: no *.yaml files"])
    facets = load_facets(folder / ENTITIES_FILE, problems)
    entries: list[Entry] = []
    topics: dict[str, str] = {}
    source_ids: dict[str, str] = {}
    for file in files:
        try:
            doc = yaml.safe_load(file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            problems.append(f"{file.name}: cannot read: {exc}")
            continue
        for entry in _parse_file(file.name, doc, problems):
            if entry.topic in topics:
                problems.append(
                    f"{file.name}: topic {entry.topic} already in {topics[entry.topic]}"
                )
                continue
            topics[entry.topic] = file.name
            entries.append(entry)
            for facet, values in entry.entities.items():
                known = facets.facets.get(facet)
                unknown = [v for v in values if known is None or v not in known.values]
                if unknown:
                    problems.append(f"{file.name}: {entry.topic}.entities.{facet}: {unknown}")
        if isinstance(doc, dict) and isinstance(doc.get("source"), dict):
            sid = str(doc["source"].get("id"))
            if sid in source_ids:
                problems.append(f"{file.name}: source id {sid} already in {source_ids[sid]}")
            source_ids[sid] = file.name
    if problems:
        raise KnowledgeBaseError(problems)
    return KnowledgeBase(entries, facets)


def _localized(where: str, value: Any, problems: list[str]) -> Localized:
    if not isinstance(value, Mapping):
        problems.append(f"{where}: must have zh_CN, en and zh_HK")
        return Localized("", "", "")
    texts = []
    for lang in LANGS:
        text = value.get(lang)
        if not isinstance(text, str) or not text.strip():
            problems.append(f"{where}.{lang}: missing")
            text = ""
        texts.append(text.strip())
    return Localized(*texts)


def _texts(where: str, value: Any, problems: list[str], *, required: bool) -> tuple[str, ...]:
    if value is None and not required:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        problems.append(f"{where}: must be a list of text")
        return ()
    if required and not value:
        problems.append(f"{where}: must not be empty")
    return tuple(value)


def _entities(where: str, value: Any, problems: list[str]) -> dict[str, tuple[str, ...]]:
    if value is None:
        return {}
    if not isinstance(value, Mapping) or not all(
        isinstance(v, list) and all(isinstance(x, str) for x in v) for v in value.values()
    ):
        problems.append(f"{where}: must map facets to lists of values")
        return {}
    return {str(k): tuple(v) for k, v in value.items()}


def _parse_file(name: str, doc: Any, problems: list[str]) -> list[Entry]:
    if not isinstance(doc, dict):
        problems.append(f"{name}: must be a mapping with source and entries")
        return []
    raw_source = doc.get("source")
    if not isinstance(raw_source, dict):
        problems.append(f"{name}: source missing")
        return []
    source = Source(
        id=str(raw_source.get("id") or ""),
        title=_localized(f"{name}: source.title", raw_source.get("title"), problems),
        issuer=_localized(f"{name}: source.issuer", raw_source.get("issuer"), problems),
        version=str(raw_source.get("version") or ""),
        date=str(raw_source.get("date") or ""),
    )
    for key in ("id", "version", "date"):
        if not getattr(source, key):
            problems.append(f"{name}: source.{key} missing")
    department = doc.get("department")
    raw_entries = doc.get("entries")
    if not isinstance(raw_entries, list) or not raw_entries:
        problems.append(f"{name}: entries missing")
        return []
    entries = []
    for i, raw in enumerate(raw_entries):
        where = f"{name}: entries[{i}]"
        if not isinstance(raw, dict):
            problems.append(f"{where}: must be a mapping")
            continue
        topic = raw.get("topic")
        if not isinstance(topic, str) or not topic:
            problems.append(f"{where}.topic: missing")
            continue
        where = f"{name}: {topic}"
        dept = raw.get("department", department)
        if not isinstance(dept, str) or not dept:
            problems.append(f"{where}.department: missing")
            dept = ""
        service = raw.get("service")
        if service is not None and not isinstance(service, str):
            problems.append(f"{where}.service: must be a service code")
            service = None
        section = raw.get("section")
        if not isinstance(section, str) or not section:
            problems.append(f"{where}.section: missing")
            section = ""
        entries.append(
            Entry(
                topic=topic,
                department=dept,
                service=service,
                section=section,
                questions=_texts(
                    f"{where}.questions", raw.get("questions"), problems, required=True
                ),
                keywords=_texts(f"{where}.keywords", raw.get("keywords"), problems, required=False),
                answer=_localized(f"{where}.answer", raw.get("answer"), problems),
                source=source,
                handoff=bool(raw.get("handoff", False)),
                label=(
                    _localized(f"{where}.label", raw["label"], problems)
                    if raw.get("label") is not None
                    else None
                ),
                entities=_entities(f"{where}.entities", raw.get("entities"), problems),
            )
        )
    return entries
