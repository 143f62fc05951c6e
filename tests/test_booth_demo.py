"""The composition root end to end: the demo booth (real hub, emulated devices, the UI).

A citizen's phone asks the hub to open the door; the hub commands the booth over its
WebSocket; the booth pulses the door relay (seen by the relay emulator on a pty) and
starts a session on screen; ending the session wipes it.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from kiosk.backend.channel import ConnectionState
from kiosk.config import load_config
from kiosk.demo import DemoBooth, demo_config, start_embedded_hub


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[Any]:
    server = start_embedded_hub(load_config(environ={}), tmp_path)
    yield server
    server.stop()


async def test_door_scan_pulses_the_relay_and_starts_a_session(
    hub: Any, tmp_path: Path, qapp: Any
) -> None:
    from kiosk.ui.booth_ui import BoothUi

    base = load_config(environ={})
    token = hub.register_booth(base.booth.id)
    config = demo_config(base, hub.url, token, tmp_path)
    sessions = tmp_path / "sessions"
    config = dataclasses.replace(
        config,
        booth=dataclasses.replace(config.booth, session_dir=str(sessions), fullscreen=False),
    )
    qapp.setQuitOnLastWindowClosed(False)  # closing the window must not stop the test's loop
    booth = DemoBooth(config)
    ui = BoothUi(config.booth, booth.collaborators())
    try:
        ui.show()
        await booth.start(ui)
        await asyncio.wait_for(booth.channel.wait_for(ConnectionState.ONLINE), 30)
        pulses = asyncio.get_running_loop().create_future()
        booth.rig.relay_model.on_request = lambda r: pulses.done() or pulses.set_result(r)

        async with httpx.AsyncClient(base_url=hub.url, timeout=30) as phone:
            reply = await phone.post(f"/api/v1/booths/{config.booth.id}/open-door", json={})
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
    finally:
        ui.close()
        await booth.stop()
