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

The objects live in :mod:`kiosk.core.catalog_model` (form fields in
:mod:`kiosk.core.fields`), the file format in :mod:`kiosk.core.catalog_format`; this
module loads and caches, and is what the rest of kiosk imports. The modules form layers
(this one, format, model, review rules, fields) that import only downwards.
"""

from __future__ import annotations

import os
import pickle  # nosec B403 # only our own cache files, see _only_ours
import stat
from pathlib import Path

from kiosk.core.catalog_format import parse_sources, read_sources
from kiosk.core.catalog_model import (
    DOC_TYPES,
    MODES,
    STEP_KINDS,
    Catalog,
    Department,
    Material,
    Mode,
    Service,
    Step,
    content_version,
)
from kiosk.core.errors import CatalogError
from kiosk.core.fields import FIELD_KINDS, FieldKind, FormField
from kiosk.core.text import Lang, Text
from kiosk.resources import data_path

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
    "content_version",
    "default_catalog_path",
    "load_catalog",
]


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
    names = (
        "catalog.py",
        "catalog_format.py",
        "catalog_model.py",
        "review_rules.py",
        "fields.py",
        "search.py",
        "text.py",
    )
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
