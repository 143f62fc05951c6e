"""The running booth's operations wiring (kiosk.booth.ops) against a real hub.

The demo booth (headless Qt UI, emulated devices on ptys) connects to a hub on 127.0.0.1;
an operator logs in to the hub's ops API and sees the booth's health there, pushes
configuration (applied and kept, or refused with its reason), and asks for a restart,
which waits for the citizen in the booth to leave. Every push is in the hub's audit log.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from kiosk import __version__
from kiosk.booth.ops import PUSHED_FILE
from kiosk.booth.root import Booth
from kiosk.config import Config
from kiosk.hub.api_ops import set_limits
from kiosk.hub.cli import DEMO_PASSWORD, seed_demo_clerks
from kiosk.hub.fleet_alerts import AlertLimits
from kiosk.hub.models import AuditEntry
from kiosk.hub.server import HubServer
from kiosk.ops.restart_policy import RESTART_EXIT_CODE
from tests.e2e.harness import demo_booth, door_code_of, door_link_on_screen, story_config
from tests.hub.conftest import hub_settings


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[Any]:
    """The demo's hub (its clerks, an admin among them) with cheap password hashing."""
    server = HubServer(hub_settings(f"sqlite:///{tmp_path / 'hub.sqlite3'}")).start()
    seed_demo_clerks(server.state, confirmed=True)  # the test's own database
    yield server
    server.stop()


class Operator:
    """The operator page's calls, made with an admin's token."""

    def __init__(self, hub: Any, booth_id: str) -> None:
        self.hub = hub
        self.booth_id = booth_id
        self.http = httpx.AsyncClient(base_url=hub.url, timeout=30)
        self.token = ""

    async def login(self) -> None:
        r = await self.http.post(
            "/api/v1/auth/login", json={"username": "admin", "password": DEMO_PASSWORD}
        )
        assert r.status_code == 200, r.text
        self.token = r.json()["token"]

    async def get(self, path: str) -> Any:
        r = await self.http.get(path, headers={"Authorization": f"Bearer {self.token}"})
        assert r.status_code == 200, r.text
        return r.json()

    async def post(self, path: str, body: Any) -> httpx.Response:
        return await self.http.post(
            path, json=body, headers={"Authorization": f"Bearer {self.token}"}
        )

    async def push(self, settings: dict[str, Any]) -> httpx.Response:
        return await self.post(f"/api/v1/ops/booths/{self.booth_id}/config", {"settings": settings})

    async def booth_view(self) -> dict[str, Any]:
        booths = (await self.get("/api/v1/ops/booths"))["booths"]
        return next(b for b in booths if b["id"] == self.booth_id)

    def audit(self) -> list[str]:
        with self.hub.state.sessions() as db:
            rows = db.scalars(
                select(AuditEntry).where(AuditEntry.subject == f"booth:{self.booth_id}")
            )
            return [f"{r.actor} {r.detail}" for r in rows]


async def eventually(probe: Callable[[], Any], timeout_s: float = 30.0) -> Any:
    """Poll an observable condition on the hub (its API) until it holds or time is up."""
    deadline = time.monotonic() + timeout_s
    while True:
        result = await probe()
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met")
        await asyncio.sleep(0.05)


@contextlib.asynccontextmanager
async def running(
    hub: Any, tmp_path: Path, qapp: Any
) -> AsyncIterator[tuple[Any, Any, Config, Operator]]:
    """The demo booth on screen, online with the hub, and a logged-in operator (not an
    async fixture, for the reason harness.demo_booth gives)."""
    config = story_config(hub, tmp_path)
    # The "booth process" here is the test run itself, which after a thousand tests of
    # the suite may hold more than a booth's 3 GiB alert; a memory alert is tested on
    # its own (tests/ops), so this booth's other health must raise none.
    set_limits(hub.state, AlertLimits(rss_bytes=1 << 40))
    async with demo_booth(config, qapp) as (booth, ui):
        operator = Operator(hub, config.booth.id)
        try:
            await operator.login()
            yield booth, ui, config, operator
        finally:
            await operator.http.aclose()


async def test_health_reaches_the_ops_api_and_pushed_config_is_applied_or_refused(
    hub: Any, tmp_path: Path, qapp: Any
) -> None:
    async with running(hub, tmp_path, qapp) as (booth, ui, config, operator):
        await health_and_config(operator, booth, ui, config)


async def health_and_config(operator: Operator, booth: Any, ui: Any, config: Config) -> None:
    # -- health, sent by the running booth on its own -----------------------------
    async def reported() -> Any:
        view = await operator.booth_view()
        return view if view["online"] and view["health"] else None

    view = await eventually(reported)
    health = view["health"]
    assert health["version"] == __version__
    assert health["uptime_s"] >= 0
    devices = {d["name"]: d for d in health["devices"]}
    assert devices["door"]["present"] is True
    assert devices["locker"]["present"] is True
    assert devices["idcard"]["present"] is True and devices["scanner"]["present"] is True
    slots = len(booth.rig.locker_model.profile.slots)
    assert health["locker"] == {
        "total": slots,
        "free": slots,
        "in_use": 0,
        "out_of_service": 0,
    }
    assert health["camera"] is True and health["microphone"] is True  # synthetic
    assert 0 < health["disk"]["free_bytes"] <= health["disk"]["total_bytes"]
    assert health["rss_bytes"] > 50 << 20
    assert health["network"]["online"] is True
    assert view["alerts"] == []

    # -- a good push: applied at once, kept on disk, acknowledged ------------------
    reply = await operator.push({"ops.health_period_s": 5, "booth.idle_timeout_s": 90})
    assert reply.status_code == 200, reply.text
    assert reply.json()["ok"] is True
    assert booth.config.ops.health_period_s == 5.0
    assert booth.ops.reporter.period_s == 5.0
    assert ui.config.idle_timeout_s == 90.0  # the next session's idle time
    assert booth.ops.exit_code is None  # live keys: no restart needed
    assert (booth.data / PUSHED_FILE).exists()

    # -- bad pushes: refused with their reason, nothing changes --------------------
    for settings, status, reason in (
        ({"ops.health_period_s": "soon"}, 409, "config_bad_value"),  # the booth's refusal
        ({"booth.language": "fr"}, 409, "config_bad_value"),
        ({"booth.no_such_key": 1}, 422, "config_locked_key"),  # the hub's: not pushable
        ({"hub.token": "stolen"}, 422, "config_locked_key"),
    ):
        reply = await operator.push(settings)
        assert reply.status_code == status, reply.text
        assert reply.json()["error"]["details"]["reason"] == reason, reply.text
    assert booth.config.ops.health_period_s == 5.0
    assert booth.config.booth.language == config.booth.language

    # -- the kept settings survive a restart: a new process reads them -------------
    again = Booth(config)
    try:
        assert again.config.ops.health_period_s == 5.0
        assert again.config.booth.idle_timeout_s == 90.0
        assert again.config.hub.token == config.hub.token
    finally:
        await again.client.aclose()

    # -- the hub's audit log holds every push and its outcome ----------------------
    audit = operator.audit()
    assert any("config" in a and a.endswith("-> ok") for a in audit), audit
    for reason in ("config_bad_value", "config_locked_key"):
        assert any(a.endswith(f"-> {reason}") for a in audit), audit


async def test_operator_restart_waits_for_the_citizen_to_leave(
    hub: Any, tmp_path: Path, qapp: Any
) -> None:
    async with running(hub, tmp_path, qapp) as (booth, ui, config, operator):
        await restart_after_the_session(operator, booth, ui, config)


async def restart_after_the_session(
    operator: Operator, booth: Any, ui: Any, config: Config
) -> None:
    quit_called = asyncio.Event()
    booth.ops.quit = quit_called.set  # in run_booth: the app quits, main returns the code
    link = await door_link_on_screen(ui)  # her phone scans the QR code on the screen
    async with httpx.AsyncClient(base_url=operator.hub.url, timeout=30) as phone:
        reply = await phone.post(
            f"/api/v1/booths/{config.booth.id}/open-door", json=door_code_of(link)
        )
    assert reply.status_code == 200, reply.text
    assert ui.session is not None  # a citizen is inside

    reply = await operator.post(
        f"/api/v1/ops/booths/{config.booth.id}/restart", {"reason": "nightly"}
    )
    assert reply.status_code == 200, reply.text
    assert booth.ops.policy.pending is not None
    assert booth.ops.exit_code is None and not quit_called.is_set()
    # The booth still serves while it waits: another command is acknowledged.
    reply = await operator.push({"ops.health_period_s": 30})
    assert reply.status_code == 200, reply.text
    assert not quit_called.is_set()

    ui.end_session("done")  # the citizen leaves
    await asyncio.wait_for(quit_called.wait(), 10)
    assert booth.ops.exit_code == RESTART_EXIT_CODE
    assert booth.ops.policy.decision is not None
    assert booth.ops.policy.decision.reason.startswith("operator")
    assert any("restart reason=nightly -> ok" in a for a in operator.audit())
