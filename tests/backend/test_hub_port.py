"""BoothHub, the workflow's Hub port, against the real hub: a walk-in's case end to end."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from kiosk.backend.channel import BoothChannel, ConnectionState
from kiosk.backend.client import HubClient
from kiosk.backend.hub_port import BoothHub, as_port
from kiosk.backend.keystore import FileKeyStore
from kiosk.backend.outbox import Outbox
from kiosk.core.clock import SystemClock
from kiosk.core.rating import Level, Rating
from kiosk.flows.messages import SubmitCase
from tests.backend.real_hub import RealHub
from tests.hub.conftest import image_bytes

pytestmark = pytest.mark.slow  # a real hub starts (and restarts) for each test
WAIT = 20.0
# Real JPEGs: the hub checks an upload is the image it says it is (kiosk.hub.images).
PHOTOS = (image_bytes("JPEG", (40, 30)), image_bytes("JPEG", (30, 40)))


async def test_a_walk_in_case_reaches_the_hub_with_materials_form_and_rating(
    real_hub: RealHub, tmp_path: Path
) -> None:
    token = real_hub.booth_token("booth-port")
    outbox = Outbox(tmp_path, FileKeyStore(tmp_path / "keys"), SystemClock())
    channel = BoothChannel(f"ws://127.0.0.1:{real_hub.port}/ws/booth", token, SystemClock())
    vault = {"img-1": PHOTOS[0], "img-2": PHOTOS[1]}
    hub = BoothHub(outbox, channel, images=vault.__getitem__, session_id="sess-1")
    port = as_port(hub)

    # Everything below is saved while no connection to the hub exists at all.
    hub.open_case("walk-in-7", "hpf-withdrawal-rent", name="钱七", phone="13800000000")
    await port.send_field("walk-in-7", "amount", "1800")
    await port.submit(
        SubmitCase(
            "walk-in-7",
            "hpf-withdrawal-rent",
            "hpf",
            3,
            (("amount", "1800"), ("account", "6222020200001234567")),
            (("id_card", "img-1"), ("rental_contract", "img-2")),
        )
    )
    await port.send_rating(Rating("walk-in-7", "hpf-withdrawal-rent", Level.SATISFIED))
    await port.finish("walk-in-7", "done")
    assert hub.pending("walk-in-7") == 6

    channel.start()
    try:
        async with HubClient(real_hub.url, token) as client:
            assert await outbox.deliver_pending(client)
            assert outbox.set_aside() == []
            hub_case = outbox.hub_case_id("walk-in-7")
            case = await client.get(f"/cases/{hub_case}")
            await asyncio.wait_for(channel.wait_for(ConnectionState.ONLINE), WAIT)
            await asyncio.wait_for(port.call_clerk("hpf"), WAIT)
        assert hub.last_queue_entry is not None
        assert hub.last_queue_entry["case_id"] == hub_case
    finally:
        await channel.stop()
        outbox.close()
    assert [m["code"] for m in case["materials"]] == ["id_card", "rental_contract"]
    assert case["form"]["amount"] == "1800"
    assert case["ratings"] == [{"target": "service", "clerk_id": None, "level": 4}]
