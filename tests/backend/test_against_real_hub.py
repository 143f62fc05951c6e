"""The booth's backend against the real hub on 127.0.0.1: catalog, control channel, outbox.

The hub is stopped and started again on the same port while the booth runs; the booth
must notice, show it is offline, come back by itself and carry on.
"""

from __future__ import annotations

import asyncio
import base64
import time
from pathlib import Path

import httpx
import pytest

from kiosk.backend.backoff import Backoff
from kiosk.backend.catalog_cache import CatalogCache
from kiosk.backend.channel import BoothChannel, ConnectionState
from kiosk.backend.client import HubClient
from kiosk.backend.keystore import FileKeyStore
from kiosk.backend.messages import Command
from kiosk.backend.outbox import Outbox
from kiosk.core.clock import SystemClock
from kiosk.core.door_codes import door_code, window_at
from kiosk.core.errors import HubRejected, HubUnavailable
from tests.backend.real_hub import RealHub

pytestmark = pytest.mark.slow  # a real hub starts (and restarts) for each test
WAIT = 20.0


async def test_catalog_is_cached_and_served_from_disk_while_the_hub_is_down(
    real_hub: RealHub, tmp_path: Path
) -> None:
    token = real_hub.booth_token("booth-cat")
    async with HubClient(real_hub.url, token) as client:
        cache = CatalogCache(client, tmp_path / "booth", SystemClock())
        first = await cache.refresh()
        assert first.online and first.etag and cache.document is not None
        codes = {s["code"] for s in cache.document["services"]}
        assert {"enterprise-deregistration", "hpf-withdrawal-rent"} <= codes
        assert cache.catalog is not None
        assert cache.catalog.service("hpf-withdrawal-rent").department == "hpf"
        again = await cache.refresh()  # 304: same copy, fresh "last synced"
        assert again.online and again.etag == first.etag

        await real_hub.astop()
        down = await cache.refresh()
        assert not down.online and down.error == "hub_unavailable"
        assert down.last_synced == again.last_synced

    restarted_booth = CatalogCache(client, tmp_path / "booth", SystemClock())
    assert restarted_booth.document == cache.document  # a booth restarted offline still works


async def test_booth_reconnects_after_the_hub_restarts_and_commands_flow_again(
    real_hub: RealHub,
) -> None:
    token = real_hub.booth_token("booth-door")
    channel = BoothChannel(
        f"ws://127.0.0.1:{real_hub.port}/ws/booth", token, SystemClock(), backoff=Backoff(0.5, 2)
    )
    commands: asyncio.Queue[Command] = asyncio.Queue()

    async def handle(command: Command) -> None:
        commands.put_nowait(command)

    channel.on_command("open_door", handle)
    channel.on_command("start_session", handle)
    states: list[ConnectionState] = []
    channel.add_listener(lambda s: states.append(s.state))
    channel.start()
    try:
        online = await asyncio.wait_for(channel.wait_for(ConnectionState.ONLINE), WAIT)
        assert online.booth_id == "booth-door"

        async def open_door() -> None:
            # The code the booth would show, from the door key of its latest welcome.
            welcome = channel.welcome
            assert welcome is not None
            key = base64.urlsafe_b64decode(welcome.door_key)
            code = door_code(key, "booth-door", window_at(time.time(), welcome.door_window_s))
            async with httpx.AsyncClient(base_url=real_hub.url, timeout=WAIT) as phone:
                response = await phone.post(
                    "/api/v1/booths/booth-door/open-door", json={"door_code": code}
                )
            assert response.status_code == 200, response.text
            assert response.json()["opened"] is True
            assert (await commands.get()).name == "open_door"
            assert (await commands.get()).name == "start_session"

        await asyncio.wait_for(open_door(), WAIT)

        await real_hub.astop()
        offline = await asyncio.wait_for(channel.wait_for(ConnectionState.OFFLINE), WAIT)
        assert offline.retry_in_s is not None and 0.5 <= offline.retry_in_s <= 2

        await real_hub.astart()  # same port, same database
        await asyncio.wait_for(channel.wait_for(ConnectionState.ONLINE), WAIT)
        await asyncio.wait_for(open_door(), WAIT)  # commands flow again
        assert states.count(ConnectionState.ONLINE) == 2
    finally:
        await channel.stop()


async def test_request_waits_for_the_hubs_answer_to_an_event(real_hub: RealHub) -> None:
    token = real_hub.booth_token("booth-queue")
    channel = BoothChannel(f"ws://127.0.0.1:{real_hub.port}/ws/booth", token, SystemClock())
    channel.start()
    try:
        await asyncio.wait_for(channel.wait_for(ConnectionState.ONLINE), WAIT)
        entry = await channel.request("call_request", {"department": "tax"}, timeout_s=WAIT)
        assert entry["department"] == "tax" and entry["status"] == "waiting" and entry["id"]
        with pytest.raises(HubRejected) as info:
            await channel.request("call_request", {}, timeout_s=WAIT)
        assert info.value.code == "unknown_department"
    finally:
        await channel.stop()
    with pytest.raises(HubUnavailable):
        await channel.request("call_request", {"department": "tax"})


async def test_outbox_delivers_across_a_hub_restart_exactly_once(
    real_hub: RealHub, tmp_path: Path
) -> None:
    token = real_hub.booth_token("booth-out")
    booth_dir = tmp_path / "booth"
    clock = SystemClock()
    outbox = Outbox(booth_dir, FileKeyStore(booth_dir / "keys"), clock, backoff=Backoff(0.2, 1))
    heard: asyncio.Queue[bool] = asyncio.Queue()
    outbox.add_listener(lambda s: heard.put_nowait(s.hub_available))
    async with HubClient(real_hub.url, token, timeout_s=5) as client:
        outbox.enqueue(
            "walk-in-1",
            "POST",
            "/cases",
            {"service": "hpf-withdrawal-rent", "citizen": {"name": "王小明"}},
            opens_case=True,
        )
        await outbox.deliver_pending(client)
        hub_case = outbox.hub_case_id("walk-in-1")
        assert hub_case

        await real_hub.astop()
        outbox.start(client)
        for n in range(3):
            outbox.enqueue(
                "walk-in-1",
                "POST",
                "/cases/{case}/materials",
                {"code": f"m{n}", "doc_type": "id_card", "ocr_fields": {"n": n}},
            )
        outbox.enqueue("walk-in-1", "PUT", "/cases/{case}/form", {"fields": {"amount": 1500}})
        while await asyncio.wait_for(heard.get(), WAIT):
            pass  # until a delivery attempt found the hub away
        assert outbox.pending("walk-in-1") == 4  # saved, will be sent

        await real_hub.astart()
        outbox.wake()
        await asyncio.wait_for(outbox.wait_until_empty(), WAIT)
        await outbox.stop()
        case = await client.get(f"/cases/{hub_case}")
    outbox.close()
    assert [m["code"] for m in case["materials"]] == ["m0", "m1", "m2"]
    assert case["form"]["amount"] == 1500
