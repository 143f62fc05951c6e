"""The service catalog: departments, services, their materials, steps and forms.

The catalog is data (``assets/catalog/``, documented in its README.md): adding a
service is a catalog entry, not code. :func:`load_catalog` reads the YAML files,
validates everything and reports *every* problem at once, each with its file and key,
in one :class:`~kiosk.core.errors.CatalogError`. :meth:`Catalog.to_json` is the
document the hub serves and the booth caches; :meth:`Catalog.from_json` reads it back.

Theory of the files: ``catalog.yaml`` declares the version, the departments and three
libraries (default step names per step kind, common materials, common form fields);
``services/*.yaml`` each hold the services of one department and refer to library
entries by code, overriding what differs. Everything is resolved at load, so the
objects here are complete and the JSON document has no references left.
"""

from __future__ import annotations

import hashlib
import os
import pickle  # nosec B403 # only our own cache files, see _only_ours
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, get_args

from kiosk.core.errors import CatalogError
from kiosk.core.search import SearchIndex
from kiosk.core.text import Lang, Text
from kiosk.resources import data_path

if TYPE_CHECKING:
    from kiosk.core.review_rules import ReviewRules

__all__ = [
    "DOC_TYPES",
    "FIELD_KINDS",
    "MODES",
    "STEP_KINDS",
    "Catalog",
    "Department",
    "FieldKind",
    "FormField",
    "Lang",
    "Material",
    "Mode",
    "Service",
    "Step",
    "Text",
    "default_catalog_path",
    "load_catalog",
]

Mode = Literal["self", "clerk", "mixed"]
FieldKind = Literal[
    "text", "number", "money", "date", "choice", "id_number", "uscc", "phone", "account"
]
MODES: tuple[str, ...] = get_args(Mode)
FIELD_KINDS: tuple[str, ...] = get_args(FieldKind)
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
class FormField:
    key: str
    label: Text
    kind: FieldKind
    required: bool
    choices: tuple[tuple[str, Text], ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label.to_json(),
            "kind": self.kind,
            "required": self.required,
            "choices": [[value, label.to_json()] for value, label in self.choices],
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
    from kiosk.core.review_rules import ReviewRules

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


def default_catalog_path() -> Path:
    """``assets/catalog`` of the source tree, or ``<venv>/share/xiaowu/assets/catalog`` installed.

    Running from a checkout finds the repository's folder; an installed package (the .deb
    puts the application in a virtualenv) finds the copy installed under the
    environment's ``share``. A booth or hub configured with another folder passes it to
    :func:`load_catalog`.
    """
    return data_path("assets", "catalog")


def load_catalog(path: Path | None = None, *, cache_dir: Path | None = None) -> Catalog:
    """Read and validate the catalog at ``path`` (a directory); CatalogError lists all problems.

    With ``cache_dir``, a validated catalog with its search index is kept there, keyed by
    the digest of the files; the next start with unchanged files reads that instead of
    parsing YAML and building the index again (a few times faster for a large catalog).
    The cache is only a speed-up: a stale, foreign or unreadable one is ignored and
    replaced. Give it a directory only this user can write (the booth's state dir).
    """
    # The YAML reader is imported here so that from_json users (the booth's cache, the
    # hub) never pay for importing yaml.
    from kiosk.core.catalog_format import parse_sources, read_sources

    root = path if path is not None else default_catalog_path()
    sources, problems = read_sources(root)
    if problems:
        raise CatalogError(problems)
    key = content_version(_CACHE_FORMAT, [*sources.values(), *_code_of_the_model()])
    if cache_dir is not None:
        cached = _read_cache(cache_dir, key)
        if cached is not None:
            return cached
    departments, services, version, problems = parse_sources(sources)
    if problems:
        raise CatalogError(problems)
    catalog = Catalog(departments, services, version)
    if cache_dir is not None:
        _write_cache(cache_dir, key, catalog)
    return catalog


_CACHE_FORMAT = "catalog-cache-1"


def _code_of_the_model() -> list[bytes]:
    """The source of the modules whose objects the cache holds: new code, new cache."""
    here = Path(__file__).resolve().parent
    names = ("catalog.py", "catalog_format.py", "review_rules.py", "search.py", "text.py")
    try:
        return [(here / name).read_bytes() for name in names]
    except OSError:  # installed without sources: fall back to the format tag alone
        return []


def _cache_file(cache_dir: Path, key: str) -> Path:
    return cache_dir / f"{key.replace('+', '-')}.pickle"


def _read_cache(cache_dir: Path, key: str) -> Catalog | None:
    path = _cache_file(cache_dir, key)
    try:
        if not _only_ours(path):
            return None
        blob = path.read_bytes()
        catalog = pickle.loads(blob)  # nosec B301 # our own file, no one else may write it
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError, ValueError):
        return None
    return catalog if isinstance(catalog, Catalog) else None


def _only_ours(path: Path) -> bool:
    """Unpickling runs code: read only a cache file owned by this user that neither its
    group nor others may write (a shared or world-writable cache directory is ignored)."""
    info = path.stat()
    return info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _write_cache(cache_dir: Path, key: str, catalog: Catalog) -> None:
    target = _cache_file(cache_dir, key)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        for old in cache_dir.glob(f"{_CACHE_FORMAT}-*.pickle"):
            old.unlink(missing_ok=True)
        partial = target.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(pickle.dumps(catalog, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(partial, target)
    except OSError:
        pass  # a read-only or full disk only costs speed


def content_version(declared: str, blobs: Iterable[bytes]) -> str:
    """``declared`` plus a digest of the files, so any edit changes the version (and ETag)."""
    digest = hashlib.sha256()
    for blob in blobs:
        digest.update(hashlib.sha256(blob).digest())
    return f"{declared}+{digest.hexdigest()[:10]}"
