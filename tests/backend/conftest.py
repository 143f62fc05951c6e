"""Fixtures of the backend tests: hubs on 127.0.0.1, key stores and outboxes in tmp dirs."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from kiosk.backend.client import HubClient
from kiosk.backend.keystore import FileKeyStore
from tests.backend.key_hub import KeyHub
from tests.backend.real_hub import RealHub


@pytest.fixture(autouse=True)
def _free_old_event_loops_on_the_main_thread() -> None:
    """Every asyncio test gets a new qasync loop whose QObjects (timers) end up in reference
    cycles. If Python's cyclic GC happens to free them on another thread (a hub's server
    thread), Qt crashes ("Timers cannot be stopped from another thread", then SIGSEGV:
    reproduced with 150 loops and an HTTP server thread). Collect them here, on the main
    thread, before the next test starts threads of its own."""
    gc.collect()


@pytest.fixture
def key_hub() -> Iterator[KeyHub]:
    hub = KeyHub()
    hub.start()
    yield hub
    hub.stop()


@pytest.fixture
async def key_hub_client(key_hub: KeyHub) -> AsyncIterator[HubClient]:
    async with HubClient(key_hub.url, key_hub.token, timeout_s=5) as client:
        yield client


@pytest.fixture
def keys(tmp_path: Path) -> FileKeyStore:
    return FileKeyStore(tmp_path / "keys")


@pytest.fixture
def real_hub(tmp_path: Path, catalog: Any) -> Iterator[RealHub]:
    hub = RealHub(tmp_path, catalog).start()
    yield hub
    hub.stop()
