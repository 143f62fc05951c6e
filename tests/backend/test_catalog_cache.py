"""CatalogCache: the booth keeps the catalog on disk and works from it while offline."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kiosk.backend.catalog_cache import CACHE_FILE, CatalogCache, CatalogStatus
from kiosk.backend.client import CatalogFetch
from kiosk.core.catalog import load_catalog
from kiosk.core.clock import FakeClock
from kiosk.core.errors import HubUnavailable

DOC_V1: dict[str, Any] = {**load_catalog().to_json(), "version": "1"}
DOC_V2: dict[str, Any] = {**DOC_V1, "version": "2", "services": DOC_V1["services"][:3]}


class ScriptedHub:
    """A catalog source that serves a document with an ETag, or is away."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.away = False
        self.etags_seen: list[str | None] = []

    @property
    def etag(self) -> str:
        return f'"{self.document["version"]}"'

    async def catalog(self, etag: str | None = None) -> CatalogFetch:
        self.etags_seen.append(etag)
        if self.away:
            raise HubUnavailable("down")
        if etag == self.etag:
            return CatalogFetch(document=None, etag=etag)
        return CatalogFetch(document=self.document, etag=self.etag)


async def test_first_sync_stores_the_document_and_a_restart_reads_it(tmp_path: Path) -> None:
    clock = FakeClock()
    hub = ScriptedHub(DOC_V1)
    cache = CatalogCache(hub, tmp_path, clock)
    assert cache.document is None and not cache.status.online
    status = await cache.refresh()
    assert status.online and status.last_synced == clock.now() and cache.document == DOC_V1

    hub.away = True
    clock.advance(3600)
    restarted = CatalogCache(hub, tmp_path, clock)
    assert restarted.document == DOC_V1
    assert restarted.status.last_synced == status.last_synced
    status = await restarted.refresh()
    assert not status.online and status.error == "hub_unavailable"
    assert restarted.document == DOC_V1  # still works from the cache


async def test_etag_avoids_downloads_and_a_new_version_replaces_the_copy(tmp_path: Path) -> None:
    clock = FakeClock()
    hub = ScriptedHub(DOC_V1)
    cache = CatalogCache(hub, tmp_path, clock)
    await cache.refresh()
    clock.advance(60)
    status = await cache.refresh()
    assert hub.etags_seen == [None, '"1"']
    assert status.online and status.last_synced == clock.now()

    hub.document = DOC_V2
    await cache.refresh()
    assert cache.document == DOC_V2 and cache.status.etag == '"2"'
    assert cache.catalog is not None and len(cache.catalog.services) == 3
    on_disk = json.loads((tmp_path / CACHE_FILE).read_text(encoding="utf-8"))
    assert on_disk["document"] == DOC_V2 and on_disk["etag"] == '"2"'


async def test_listeners_hear_online_and_offline(tmp_path: Path) -> None:
    hub = ScriptedHub(DOC_V1)
    cache = CatalogCache(hub, tmp_path, FakeClock())
    heard: list[CatalogStatus] = []
    remove = cache.add_listener(heard.append)
    await cache.refresh()
    hub.away = True
    await cache.refresh()
    remove()
    await cache.refresh()
    assert [s.online for s in heard] == [True, False]


def test_a_corrupt_cache_file_is_set_aside_and_reported(tmp_path: Path) -> None:
    (tmp_path / CACHE_FILE).write_text('{"document": [1, 2', encoding="utf-8")
    cache = CatalogCache(ScriptedHub(DOC_V1), tmp_path, FakeClock())
    assert cache.document is None
    assert cache.status.error == "catalog_cache_corrupt"
    assert (tmp_path / (CACHE_FILE + ".corrupt")).exists()
    assert not (tmp_path / CACHE_FILE).exists()


async def test_a_catalog_from_the_hub_that_does_not_read_is_refused(tmp_path: Path) -> None:
    hub = ScriptedHub(DOC_V1)
    cache = CatalogCache(hub, tmp_path, FakeClock())
    await cache.refresh()
    hub.document = {"version": "3", "departments": [{"code": "tax"}], "services": []}
    status = await cache.refresh()
    assert status.error == "catalog_invalid" and status.etag == '"1"'
    assert cache.document == DOC_V1
    assert CatalogCache(hub, tmp_path, FakeClock()).document == DOC_V1  # not on disk either
