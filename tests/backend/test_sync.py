"""HubSync against the real hub: the booth's offline indication and catch-up, end to end."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from kiosk.backend.backoff import Backoff
from kiosk.backend.catalog_cache import CatalogCache, CatalogStatus
from kiosk.backend.channel import BoothChannel, ConnectionState
from kiosk.backend.client import HubClient
from kiosk.backend.keystore import FileKeyStore
from kiosk.backend.outbox import Outbox
from kiosk.backend.sync import HubSync
from kiosk.core.clock import FakeClock, SystemClock
from tests.backend.real_hub import RealHub

pytestmark = pytest.mark.slow  # a real hub starts (and restarts) for each test
WAIT = 20.0


class ReportedSessions:
    """Counts the calls HubSync makes to report sessions closed by a restart."""

    def __init__(self) -> None:
        self.calls: asyncio.Queue[int] = asyncio.Queue()

    async def notify_hub(self) -> int:
        self.calls.put_nowait(1)
        return 0


async def _catalog_online(heard: asyncio.Queue[CatalogStatus], online: bool) -> CatalogStatus:
    while True:
        status = await asyncio.wait_for(heard.get(), WAIT)
        if status.online is online:
            return status


async def test_the_booth_goes_offline_and_catches_up_when_the_hub_returns(
    real_hub: RealHub, tmp_path: Path
) -> None:
    token = real_hub.booth_token("booth-sync")
    booth = tmp_path / "booth"
    stopped = FakeClock()  # the outbox's own backoff never ends: only HubSync wakes it
    outbox = Outbox(booth, FileKeyStore(booth / "keys"), stopped, backoff=Backoff(60, 60))
    sessions = ReportedSessions()
    async with HubClient(real_hub.url, token, timeout_s=5) as client:
        cache = CatalogCache(client, booth, SystemClock())
        heard: asyncio.Queue[CatalogStatus] = asyncio.Queue()
        cache.add_listener(heard.put_nowait)
        channel = BoothChannel(
            f"ws://127.0.0.1:{real_hub.port}/ws/booth",
            token,
            SystemClock(),
            backoff=Backoff(0.5, 2),
        )
        sync = HubSync(channel, cache, outbox, SystemClock(), sessions=sessions)
        sync.start()
        outbox.start(client)
        channel.start()
        try:
            status = await _catalog_online(heard, True)
            assert status.has_document and cache.document is not None
            await asyncio.wait_for(sessions.calls.get(), WAIT)

            await real_hub.astop()
            await asyncio.wait_for(channel.wait_for(ConnectionState.OFFLINE), WAIT)
            await _catalog_online(heard, False)  # the banner and "last synced" agree
            outbox.enqueue(
                "walk-in", "POST", "/cases", {"service": "hpf-withdrawal-rent"}, opens_case=True
            )
            outbox.enqueue("walk-in", "PUT", "/cases/{case}/form", {"fields": {"amount": 1}})
            assert outbox.pending("walk-in") == 2

            await real_hub.astart()
            await _catalog_online(heard, True)
            await asyncio.wait_for(outbox.wait_until_empty(), WAIT)
            await asyncio.wait_for(sessions.calls.get(), WAIT)
            assert outbox.hub_case_id("walk-in") is not None
        finally:
            await channel.stop()
            await sync.stop()
            await outbox.stop()
            outbox.close()
