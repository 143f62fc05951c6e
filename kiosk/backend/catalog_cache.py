"""The booth's copy of the service catalog, kept on disk so the booth works offline.

:meth:`CatalogCache.refresh` asks the hub for the catalog document with the ETag of the
copy it holds; a new document replaces the file atomically (write, fsync, rename), a 304
only updates "last synced". When the hub cannot be reached the booth keeps working from
the file and :attr:`CatalogCache.status` says it is offline and since when it last synced.

The document is kept as the JSON the hub serves (``Catalog.to_json()``) and read with
``Catalog.from_json`` before it is accepted: a document from the hub that does not read
is refused (the booth keeps its copy; the status says ``catalog_invalid``), and a cache
file that cannot be read is set aside (``catalog.json.corrupt``) and reported, never
silently used.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from kiosk.backend.client import CatalogFetch
from kiosk.core.catalog import Catalog
from kiosk.core.clock import Clock
from kiosk.core.errors import CatalogError, HubRejected, HubUnavailable

log = logging.getLogger(__name__)

CACHE_FILE = "catalog.json"


class CatalogSource(Protocol):
    """Where fresh catalogs come from (``HubClient`` in production)."""

    async def catalog(self, etag: str | None = None) -> CatalogFetch: ...


@dataclass(frozen=True, slots=True)
class CatalogStatus:
    """What the UI shows about the catalog: online or not, and how fresh the copy is."""

    online: bool
    last_synced: dt.datetime | None  # when the hub last confirmed this copy
    etag: str | None
    has_document: bool
    error: str | None = None  # the error code of the last failed refresh


Listener = Callable[[CatalogStatus], None]


class CatalogCache:
    """The catalog document on disk in ``directory``, refreshed from a hub."""

    def __init__(self, source: CatalogSource, directory: Path, clock: Clock) -> None:
        self._source = source
        self._path = Path(directory) / CACHE_FILE
        self._clock = clock
        self._document: dict[str, Any] | None = None
        self._catalog: Catalog | None = None
        self._etag: str | None = None
        self._last_synced: dt.datetime | None = None
        self._online = False
        self._error: str | None = None
        self._listeners: list[Listener] = []
        self._load()

    @property
    def document(self) -> dict[str, Any] | None:
        """The newest catalog document the booth has, or None before the first sync."""
        return self._document

    @property
    def catalog(self) -> Catalog | None:
        """The newest catalog the booth has, read; None before the first sync."""
        return self._catalog

    @property
    def status(self) -> CatalogStatus:
        return CatalogStatus(
            online=self._online,
            last_synced=self._last_synced,
            etag=self._etag,
            has_document=self._document is not None,
            error=self._error,
        )

    def add_listener(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` with the new status after every refresh; returns a remover."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    async def refresh(self) -> CatalogStatus:
        """Ask the hub for a newer catalog; on failure keep the cached one and go offline.

        Never raises for a hub that is away or refuses: the status says so instead.
        """
        try:
            fetch = await self._source.catalog(self._etag if self._document else None)
        except (HubUnavailable, HubRejected) as exc:
            log.info("catalog refresh failed (%s); working from the cached copy", exc.code)
            self._online = False
            self._error = exc.code
        else:
            self._online = True
            self._error = None
            accepted = True
            if fetch.document is not None:
                try:
                    catalog = Catalog.from_json(fetch.document)
                except CatalogError as exc:
                    log.error("the hub's catalog does not read; keeping ours: %s", exc)
                    self._error = "catalog_invalid"
                    accepted = False
                else:
                    self._document, self._catalog = fetch.document, catalog
            if accepted:
                self._last_synced = self._clock.now()
                self._etag = fetch.etag or self._etag
            if accepted and self._document is not None:
                # Also after a 304: "last synced" changed and a restarted booth shows it.
                self._write(self._document, self._etag, self._last_synced)
        status = self.status
        for listener in list(self._listeners):
            listener(status)
        return status

    def mark_offline(self) -> None:
        """The connection to the hub was lost (told by the control channel)."""
        if self._online:
            self._online = False
            status = self.status
            for listener in list(self._listeners):
                listener(status)

    def _load(self) -> None:
        try:
            raw = self._path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return
        except OSError as exc:
            log.warning("cannot read the cached catalog: %s", exc)
            self._error = "catalog_cache_unreadable"
            return
        try:
            record = json.loads(raw)
            document = record["document"]
            if not isinstance(document, dict):
                raise TypeError("document is not an object")
            catalog = Catalog.from_json(document)
            etag = record.get("etag")
            synced = record.get("synced_at")
            self._last_synced = dt.datetime.fromisoformat(synced) if synced else None
        except (ValueError, KeyError, TypeError, CatalogError) as exc:
            corrupt = self._path.with_name(CACHE_FILE + ".corrupt")
            log.warning("the cached catalog is corrupt (%s); set aside as %s", exc, corrupt.name)
            with contextlib.suppress(OSError):
                self._path.replace(corrupt)
            self._error = "catalog_cache_corrupt"
            self._last_synced = None
            return
        self._document, self._catalog = document, catalog
        self._etag = etag if isinstance(etag, str) else None

    def _write(
        self, document: dict[str, Any], etag: str | None, synced: dt.datetime | None
    ) -> None:
        record = {
            "etag": etag,
            "synced_at": synced.isoformat() if synced else None,
            "document": document,
        }
        try:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self._path.with_name(CACHE_FILE + ".tmp")
            with open(tmp, "w", encoding="utf-8") as fh:
                json.dump(record, fh, ensure_ascii=False)
                fh.flush()
                os.fsync(fh.fileno())
            tmp.replace(self._path)
        except OSError as exc:
            # The booth keeps the new document in memory; only the disk copy is stale.
            log.warning("cannot write the catalog cache: %s", exc)
            self._error = "catalog_cache_unwritable"
