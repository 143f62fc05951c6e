"""The composition root end to end: the demo booth (real hub, emulated devices, the UI).

A citizen's phone asks the hub to open the door; the hub commands the booth over its
WebSocket; the booth pulses the door relay (seen by the relay emulator on a pty) and
starts a session on screen; ending the session wipes it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from kiosk.config import load_config
from kiosk.demo.command import start_embedded_hub
from tests.e2e.harness import demo_booth, door_code_of, door_link_on_screen, story_config


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[Any]:
    server = start_embedded_hub(load_config(environ={}), tmp_path)
    yield server
    server.stop()


async def test_door_scan_pulses_the_relay_and_starts_a_session(
    hub: Any, tmp_path: Path, qapp: Any
) -> None:
    config = story_config(hub, tmp_path)
    sessions = tmp_path / "sessions"
    async with demo_booth(config, qapp) as (booth, ui):
        pulses = asyncio.get_running_loop().create_future()
        booth.rig.relay_model.on_request = lambda r: pulses.done() or pulses.set_result(r)

        link = await door_link_on_screen(ui)  # her phone scans the QR code on the screen
        async with httpx.AsyncClient(base_url=hub.url, timeout=30) as phone:
            reply = await phone.post(
                f"/api/v1/booths/{config.booth.id}/open-door", json=door_code_of(link)
            )
        assert reply.status_code == 200, reply.text
        assert reply.json()["opened"] is True

        request = await asyncio.wait_for(pulses, 10)
        assert request.coil == config.devices.door_coil
        assert ui.session is not None, "the door scan should start a session on screen"
        session_dir = ui.session.directory
        ui.session.put("id_card.jpg", b"\xff\xd8" + bytes(300_000))
        assert any(session_dir.iterdir())

        ui.end_session("done")
        assert not session_dir.exists()
        assert not any(sessions.iterdir())
