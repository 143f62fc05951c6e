"""Fixtures of the operations tests: a real hub on 127.0.0.1 with an operator account.

Tests here run on a plain asyncio loop (like tests/devices): they open locker emulators
on ptys, which crashed the interpreter now and then under the qasync loop.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from kiosk.devices.locker.board import LockerBus
from kiosk.devices.locker.emulator import LockerModel
from kiosk.devices.locker.profiles import PROFILES
from kiosk.devices.pty_emulator import PtyEmulator
from kiosk.hub.api_accounts import create_clerk, register_booth
from kiosk.hub.server import HubServer
from tests.hub.conftest import PASSWORD, hub_settings


def pytest_asyncio_loop_factories(config, item):  # type: ignore[no-untyped-def]
    import asyncio

    return {"asyncio": asyncio.new_event_loop}


class OpsHub:
    """A running hub, an operator's HTTP client, and booth registration."""

    def __init__(self, server: HubServer) -> None:
        self.server = server
        self.url = server.url
        self.ws_url = server.ws_url
        self.http = httpx.Client(base_url=server.url, timeout=15.0)
        self.token = self.login("operator", roles=("operator",), scope="*")

    @property
    def state(self) -> Any:
        return self.server.state

    def login(self, username: str, roles: tuple[str, ...], scope: str = "") -> str:
        with self.state.db() as db:
            create_clerk(
                db,
                self.state.passwords,
                username,
                PASSWORD,
                f"{username} 同志",
                "tax",
                list(roles),
                operator_scope=scope,
            )
        r = self.http.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
        assert r.status_code == 200, r.text
        return str(r.json()["token"])

    def booth(self, booth_id: str) -> str:
        with self.state.db() as db:
            return str(register_booth(db, booth_id, f"晓屋 {booth_id}"))

    def get(self, path: str, token: str | None = None) -> httpx.Response:
        return self.http.get(path, headers={"Authorization": f"Bearer {token or self.token}"})

    def post(self, path: str, body: Any = None, token: str | None = None) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token or self.token}"}
        return self.http.post(path, json=body if body is not None else {}, headers=headers)


@pytest.fixture
def ops_hub(tmp_path: Path, catalog: Any) -> Iterator[OpsHub]:
    server = HubServer(hub_settings(f"sqlite:///{tmp_path}/hub.sqlite3"), catalog=catalog).start()
    hub = OpsHub(server)
    try:
        yield hub
    finally:
        hub.http.close()
        server.stop()


@pytest.fixture
async def stuck_locker(tmp_path: Path) -> Any:
    profile = PROFILES["kerong-cu16"]
    model = LockerModel(profile)
    for wiring in profile.slots:
        model.stick(wiring.slot)  # every door stays shut when unlocked: a jammed latch
    emulator = PtyEmulator(model)
    bus = await LockerBus.open(await emulator.start(), profile, timeout_s=0.3)
    yield model, bus
    await bus.close()
    emulator.close()
