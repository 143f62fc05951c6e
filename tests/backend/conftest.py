"""Fixtures of the backend tests: hubs on 127.0.0.1, key stores and outboxes in tmp dirs."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from kiosk.backend.client import HubClient
from kiosk.backend.keystore import FileKeyStore
from tests.backend.key_hub import KeyHub


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
