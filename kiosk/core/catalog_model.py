"""The service catalog's objects: departments, services, their materials, steps and forms.

:mod:`kiosk.core.catalog` loads them (from the YAML files through
:mod:`kiosk.core.catalog_format`, or from a cache) and is what the rest of kiosk imports;
:meth:`Catalog.to_json` is the document the hub serves and the booth caches, and
:meth:`Catalog.from_json` reads it back. Everything is resolved at load, so the objects
here are complete and the JSON document has no references left.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, get_args

from kiosk.core.errors import CatalogError
from kiosk.core.fields import FormField
from kiosk.core.review_rules import ReviewRules
from kiosk.core.search import SearchIndex
from kiosk.core.text import Text

Mode = Literal["self", "clerk", "mixed"]
MODES: tuple[str, ...] = get_args(Mode)
STEP_KINDS: tuple[str, ...] = (
    "identify",  # who the citizen is: ID-card reader, captured ID card, appointment
    "questions",  # the digital clerk or a clerk asks what exactly is needed
    "capture",  # materials under the document camera, OCR, confirmation
    "form",  # the application form, filled by the citizen or with a clerk
    "review",  # a department decides: a clerk's approval or rules
    "locker",  # originals posted in the booth's parcel locker
    "certificate",  # a certificate or receipt issued to the citizen's phone
    "rating",  # 好差评 at the end of the item
    "consult",  # a clerk answers questions; nothing is decided
)
# The document types that OCR can read; a material with another type is photographed only.
DOC_TYPES: tuple[str, ...] = (
    "id_card",
    "business_license",
    "purchase_contract",
    "rental_contract",
)


@dataclass(frozen=True, slots=True)
class Department:
    code: str
    name: Text
    icon: str

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name.to_json(), "icon": self.icon}


@dataclass(frozen=True, slots=True)
class Material:
    code: str
    name: Text
    doc_type: str | None
    original_required: bool
    copies: int

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name.to_json(),
            "doc_type": self.doc_type,
            "original_required": self.original_required,
            "copies": self.copies,
        }


@dataclass(frozen=True, slots=True)
class Step:
    kind: str
    department: str | None
    name: Text
    rules: ReviewRules | None = None  # a review step decided by the department's rules

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "department": self.department,
            "name": self.name.to_json(),
            "rules": self.rules.to_json() if self.rules is not None else None,
        }


@dataclass(frozen=True, slots=True)
class Service:
    code: str
    name: Text
    department: str
    summary: Text
    mode: Mode
    materials: tuple[Material, ...]
    steps: tuple[Step, ...]
    needs_clerk: bool
    uses_locker: bool
    certificate: Text | None
    keywords: tuple[str, ...]
    time_limit_days: int | None
    form: tuple[FormField, ...]

    @property
    def departments(self) -> tuple[str, ...]:
        """Every department that takes part, the owner first, in order of appearance."""
        seen = [self.department]
        for step in self.steps:
            if step.department and step.department not in seen:
                seen.append(step.department)
        return tuple(seen)

    def field(self, key: str) -> FormField:
        for f in self.form:
            if f.key == key:
                return f
        raise KeyError(key)

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name.to_json(),
            "department": self.department,
            "summary": self.summary.to_json(),
            "mode": self.mode,
            "materials": [m.to_json() for m in self.materials],
            "steps": [s.to_json() for s in self.steps],
            "needs_clerk": self.needs_clerk,
            "uses_locker": self.uses_locker,
            "certificate": self.certificate.to_json() if self.certificate else None,
            "keywords": list(self.keywords),
            "time_limit_days": self.time_limit_days,
            "form": [f.to_json() for f in self.form],
        }


class Catalog:
    """Departments and services, looked up by code, searchable in three languages."""

    __slots__ = (
        "_by_dept",
        "_departments",
        "_index",
        "_services",
        "departments",
        "services",
        "version",
    )

    def __init__(
        self,
        departments: Iterable[Department],
        services: Iterable[Service],
        version: str,
    ) -> None:
        self.departments: tuple[Department, ...] = tuple(departments)
        self.services: tuple[Service, ...] = tuple(services)
        self.version = version
        self._departments = {d.code: d for d in self.departments}
        self._services = {s.code: s for s in self.services}
        self._by_dept: dict[str, list[Service]] = {d.code: [] for d in self.departments}
        for s in self.services:
            self._by_dept.setdefault(s.department, []).append(s)
        self._index = SearchIndex(self.services, self._departments)

    def department(self, code: str) -> Department:
        """The department ``code``; KeyError if there is none."""
        return self._departments[code]

    def service(self, code: str) -> Service:
        """The service ``code``; KeyError if there is none."""
        return self._services[code]

    def services_of(self, department: str) -> list[Service]:
        """The services a department owns, in catalog order."""
        return list(self._by_dept.get(department, ()))

    def search(
        self, query: str, limit: int = 50, *, department: str | None = None
    ) -> list[Service]:
        """Services matching ``query`` (Chinese, pinyin, initials, English), best first.

        ``department`` keeps only that department's services (the hub's
        ``/api/v1/services?q=...&department=...``). An empty query finds nothing.
        """
        if department is None:
            return [self.services[i] for i in self._index.search(query, limit)]
        found = (self.services[i] for i in self._index.search(query, len(self.services)))
        return [s for s in found if s.department == department][: max(limit, 0)]

    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "departments": [d.to_json() for d in self.departments],
            "services": [s.to_json() for s in self.services],
        }

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> Catalog:
        """Read a document made by :meth:`to_json`; CatalogError if it is malformed."""
        try:
            departments = [
                Department(d["code"], Text.from_json(d["name"]), d["icon"])
                for d in doc["departments"]
            ]
            services = [_service_from_json(s) for s in doc["services"]]
            return cls(departments, services, str(doc["version"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise CatalogError([f"catalog document: malformed ({exc!r})"]) from exc


def _service_from_json(s: Mapping[str, Any]) -> Service:
    mode = s["mode"]
    if mode not in MODES:
        raise ValueError(f"mode {mode!r}")
    return Service(
        code=s["code"],
        name=Text.from_json(s["name"]),
        department=s["department"],
        summary=Text.from_json(s["summary"]),
        mode=mode,
        materials=tuple(
            Material(
                m["code"],
                Text.from_json(m["name"]),
                m["doc_type"],
                bool(m["original_required"]),
                int(m["copies"]),
            )
            for m in s["materials"]
        ),
        steps=tuple(
            Step(
                st["kind"],
                st["department"],
                Text.from_json(st["name"]),
                ReviewRules.from_json(st["rules"]) if st.get("rules") else None,
            )
            for st in s["steps"]
        ),
        needs_clerk=bool(s["needs_clerk"]),
        uses_locker=bool(s["uses_locker"]),
        certificate=Text.from_json(s["certificate"]) if s["certificate"] else None,
        keywords=tuple(s["keywords"]),
        time_limit_days=s["time_limit_days"],
        form=tuple(
            FormField(
                f["key"],
                Text.from_json(f["label"]),
                f["kind"],
                bool(f["required"]),
                tuple((v, Text.from_json(t)) for v, t in f["choices"]),
            )
            for f in s["form"]
        ),
    )


def content_version(declared: str, blobs: Iterable[bytes]) -> str:
    """``declared`` plus a digest of the files, so any edit changes the version (and ETag)."""
    digest = hashlib.sha256()
    for blob in blobs:
        digest.update(hashlib.sha256(blob).digest())
    return f"{declared}+{digest.hexdigest()[:10]}"
