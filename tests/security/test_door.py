"""Opening a booth's door as a stranger on the network (kiosk.hub.door).

Booth ids are public: the door must open only for someone standing at it (the booth's
current door code), once, never while a citizen is inside, and not for whoever tries
fast. Each test attacks a real hub on 127.0.0.1 with a booth on its WebSocket: a fake
booth that speaks the protocol, or (the last test) the real booth app with its devices
emulated.
"""

from __future__ import annotations

import asyncio
import base64
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
from sqlalchemy import select

from kiosk.backend.backoff import Backoff
from kiosk.backend.channel import BoothChannel, ConnectionState
from kiosk.booth.door import DoorPass, SessionReport
from kiosk.config import load_config
from kiosk.core.clock import SystemClock
from kiosk.core.door_codes import door_code, window_at
from kiosk.demo.command import start_embedded_hub
from kiosk.devices.door.protocol import FlashCoil, WriteCoil
from kiosk.hub.door import DoorGuard
from kiosk.hub.models import AuditEntry
from kiosk.hub.state import load_secret
from tests.backend.real_hub import RealHub
from tests.e2e.harness import demo_booth, door_code_of, door_link_on_screen, poll, story_config
from tests.hub.conftest import Hub, WsClient, command, door_code_from, typed


def _booth(hub: Hub, booth_id: str = "b1", *, active: bool = False) -> tuple[WsClient, str]:
    """A booth on its WebSocket that has told the hub its session state, and its door
    code now (what its screen shows)."""
    ws = hub.ws("/ws/booth", hub.booth(booth_id))
    welcome = ws.wait_for(typed("welcome"))
    _say_session(ws, active)
    return ws, door_code_from(welcome)


def _say_session(ws: WsClient, active: bool) -> None:
    event_id = f"state-{time.monotonic_ns()}"
    ws.send({"type": "event", "id": event_id, "name": "session_state", "data": {"active": active}})
    assert ws.wait_for(typed("ack", id=event_id))["ok"] is True


def _no_command_reached(ws: WsClient) -> None:
    """Every frame the hub sent before this point has arrived: none was a command."""
    ws.send({"type": "ping", "ts": 42})
    ws.wait_for(typed("pong", ts=42))
    assert [f for f in ws.frames if f.get("type") == "command"] == []


def _open(hub: Hub, booth_id: str, body: dict[str, Any], **kw: Any) -> httpx.Response:
    return hub.post(kw.pop("token", None), f"/api/v1/booths/{booth_id}/open-door", body, **kw)


def _open_and_ack(hub: Hub, ws: WsClient, booth_id: str, body: dict[str, Any]) -> httpx.Response:
    """Open the door as a phone does, the booth acknowledging both commands."""
    import threading

    out: dict[str, httpx.Response] = {}
    t = threading.Thread(target=lambda: out.update(r=_open(hub, booth_id, body)))
    t.start()
    for name in ("open_door", "start_session"):
        cmd = ws.wait_for(command(name))
        ws.send({"type": "ack", "id": cmd["id"], "ok": True})
    t.join(15)
    return out["r"]


def _code_of(hub: Hub, booth_id: str, window: int) -> str:
    key = base64.urlsafe_b64decode(hub.state.door.key(booth_id))
    return door_code(key, booth_id, window)


def _book(hub: Hub, booth_id: str = "b1") -> str:
    r = hub.post(
        None,
        "/api/v1/appointments",
        {
            "service": "enterprise-deregistration",
            "booth_id": booth_id,
            "slot_at": "2099-01-02T10:00:00+08:00",
            "phone": "13900000000",
        },
    )
    assert r.status_code == 201, r.text
    return str(r.json()["citizen_token"])


def _refused(r: httpx.Response, status: int, code: str) -> None:
    assert r.status_code == status, r.text
    assert r.json()["error"]["code"] == code


def test_a_stranger_without_the_code_is_refused(hub: Hub) -> None:
    ws, _ = _booth(hub)
    _refused(_open(hub, "b1", {}), 403, "bad_door_code")
    # A citizen link (an appointment, a verified phone) says who, not where: no code, no door.
    _refused(_open(hub, "b1", {}, token=_book(hub)), 403, "bad_door_code")
    _no_command_reached(ws)


def test_stale_forged_other_booths_and_used_codes_are_refused(hub: Hub) -> None:
    ws, code = _booth(hub)
    _booth(hub, "b2")
    window = window_at(time.time(), hub.state.door.window_s)
    _refused(_open(hub, "b1", {"door_code": _code_of(hub, "b1", window - 2)}), 403, "bad_door_code")
    _refused(_open(hub, "b1", {"door_code": "A" * 12}), 403, "bad_door_code")
    forged = code[:-1] + ("x" if code[-1] != "x" else "y")  # never the real code by chance
    _refused(_open(hub, "b1", {"door_code": forged}), 403, "bad_door_code")
    other = _code_of(hub, "b2", window)
    _refused(_open(hub, "b1", {"door_code": other}), 403, "bad_door_code")
    _no_command_reached(ws)
    # The real code works once; after the citizen has left, the same code does not.
    assert _open_and_ack(hub, ws, "b1", {"door_code": code}).status_code == 200
    _say_session(ws, False)
    _refused(_open(hub, "b1", {"door_code": code}), 403, "bad_door_code")


def test_the_door_stays_shut_while_a_session_runs(hub: Hub) -> None:
    ws, code = _booth(hub, active=True)  # a citizen touched the screen and is inside
    _refused(_open(hub, "b1", {"door_code": code}), 409, "booth_occupied")
    _no_command_reached(ws)
    # The booth says she left; a phone at the door opens it, and the session it starts
    # keeps the door shut for the next one (before the booth reports anything).
    _say_session(ws, False)
    assert _open_and_ack(hub, ws, "b1", {"door_code": code}).status_code == 200
    ws.frames.clear()
    _refused(_open(hub, "b1", {"door_code": code}), 409, "booth_occupied")
    _no_command_reached(ws)


def test_a_booth_that_refuses_mid_session_is_answered_occupied(hub: Hub) -> None:
    """The hub does not know yet (the booth has not reported since it connected): the
    booth's own refusal keeps the citizen inside, and no session is started."""
    ws = hub.ws("/ws/booth", hub.booth("b1"))
    code = door_code_from(ws.wait_for(typed("welcome")))
    import threading

    out: dict[str, httpx.Response] = {}
    t = threading.Thread(target=lambda: out.update(r=_open(hub, "b1", {"door_code": code})))
    t.start()
    cmd = ws.wait_for(command("open_door"))
    ws.send({"type": "ack", "id": cmd["id"], "ok": False, "error": "session_running"})
    t.join(15)
    _refused(out["r"], 409, "booth_occupied")
    _no_command_reached(ws)


def test_attempts_are_rate_limited_per_address_booth_and_citizen(hub: Hub) -> None:
    settings = hub.state.settings
    _, code = _booth(hub)

    def from_address(address: str, body: dict[str, Any], **kw: Any) -> httpx.Response:
        # uvicorn takes the client's address from X-Forwarded-For when the request comes
        # from its trusted proxy, 127.0.0.1 (as behind the TLS proxy of a deployment).
        return _open(hub, "b1", body, headers={"X-Forwarded-For": address}, **kw)

    # One address: guessing stops after door_per_address tries, even with the right code.
    for _ in range(settings.door_per_address):
        _refused(from_address("198.51.100.1", {"door_code": "guess-guess1"}), 403, "bad_door_code")
    limited = from_address("198.51.100.1", {"door_code": code})
    _refused(limited, 429, "too_many_requests")
    assert int(limited.headers["Retry-After"]) > 0
    # One citizen link from many addresses.
    token = _book(hub)
    for n in range(settings.door_per_citizen):
        _refused(from_address(f"198.51.100.{10 + n}", {}, token=token), 403, "bad_door_code")
    _refused(from_address("198.51.100.99", {}, token=token), 429, "too_many_requests")
    # One booth from many addresses (the attempts above count too).
    tried = settings.door_per_address + settings.door_per_citizen
    for n in range(settings.door_per_booth - tried):
        _refused(from_address(f"203.0.113.{n + 1}", {}), 403, "bad_door_code")
    _refused(from_address("203.0.113.250", {"door_code": code}), 429, "too_many_requests")


def test_every_attempt_is_audited_without_tokens_or_codes(hub: Hub) -> None:
    ws, code = _booth(hub)
    token = _book(hub)
    _open(hub, "b1", {})
    _open(hub, "nowhere", {"door_code": code})
    _open(hub, "b1", {"door_code": "A" * 12}, token=token)
    opened = _open_and_ack(hub, ws, "b1", {"door_code": code})
    assert opened.status_code == 200
    with hub.state.sessions() as db:
        rows = db.scalars(select(AuditEntry).where(AuditEntry.action == "door")).all()
        seen = [(r.actor.split(":")[0], r.subject, r.detail) for r in rows]
    assert [s[1:] for s in seen[:3]] == [
        ("booth:b1", "open_door: refused bad_door_code"),
        ("booth:nowhere", "open_door: refused booth_not_found"),
        ("booth:b1", "open_door: refused bad_door_code"),
    ]
    assert [s[0] for s in seen] == ["address", "address", "citizen", "address"]
    assert seen[3][2].startswith("open_door: opened session ")
    everything = repr(seen) + repr([(r.actor, r.detail) for r in rows])
    for secret in (code, token, opened.json()["citizen_token"]):
        assert secret not in everything


async def test_the_booth_itself_refuses_to_open_mid_session(tmp_path: Path, qapp: Any) -> None:
    """The real booth: its screen shows the door code, the hub learns its session state
    from it, and when the hub does not know (a restarted or another hub process), the
    booth refuses ``open_door`` itself and the citizen inside stays where she is."""
    hub = start_embedded_hub(load_config(environ={}), tmp_path)
    try:
        config = story_config(hub, tmp_path)
        async with demo_booth(config, qapp) as (booth, ui):
            booth_id = config.booth.id
            link = hub.state.switchboard.links[f"booth:{booth_id}"]
            await poll(lambda: link.in_session is False, "the booth saying it is free")
            body = door_code_of(await door_link_on_screen(ui))
            async with httpx.AsyncClient(base_url=hub.url, timeout=30) as phone:
                first = await phone.post(f"/api/v1/booths/{booth_id}/open-door", json=body)
                assert first.status_code == 200, first.text
                inside = ui.session
                assert inside is not None
                await poll(lambda: link.in_session is True, "the booth saying a session runs")
                assert ui.window.screens["attract"].door_qr.text == ""  # no code mid-session
                pulses = _pulses(booth)

                # A hub process that has not heard from the booth (restarted, or another
                # process of the same hub): neither its session state nor the used codes.
                link.in_session = None
                state = hub.state
                state.door = DoorGuard(
                    load_secret(state.sessions, state.settings.secret_key),
                    state.clock,
                    state.settings,
                )
                second = await phone.post(f"/api/v1/booths/{booth_id}/open-door", json=body)
            _refused(second, 409, "booth_occupied")
            assert ui.session is inside  # not thrown back to the start
            assert _pulses(booth) == pulses  # the strike stayed still
            ui.end_session("done")
            await poll(lambda: link.in_session is False, "the booth saying it is free again")
    finally:
        hub.stop()


def _pulses(booth: Any) -> int:
    """Strike pulses the door relay's emulator has seen."""
    requests = booth.rig.relay_model.requests
    return sum(isinstance(r, FlashCoil | WriteCoil) for r in requests)


class _Signal:
    def __init__(self) -> None:
        self._slots: list[Any] = []

    def connect(self, slot: Any) -> None:
        self._slots.append(slot)

    def emit(self, value: Any) -> None:
        for slot in self._slots:
            slot(value)


class _Screen:
    """What the booth's session report reads of its UI: the session, and its signal."""

    def __init__(self) -> None:
        self.session: Any = None
        self.bridge = SimpleNamespace(session_changed=_Signal())

    def set_session(self, session_id: str | None) -> None:
        self.session = SimpleNamespace(session_id=session_id) if session_id else None
        self.bridge.session_changed.emit(session_id is not None)


async def test_a_restarted_hub_knows_at_once_that_the_booth_is_occupied(
    tmp_path: Path, catalog: Any
) -> None:
    """The booth's own hub link (channel, door pass, session report) against a real hub
    that restarts while a citizen is inside: the new hub process learns the session at
    the booth's welcome and keeps the door shut; once she leaves, the door opens."""
    hub = RealHub(tmp_path, catalog).start()
    clock = SystemClock()
    channel = BoothChannel(
        f"ws://127.0.0.1:{hub.port}/ws/booth", hub.booth_token("b1"), clock, backoff=Backoff(0.2, 1)
    )
    door, report, screen = DoorPass(clock), SessionReport(channel), _Screen()

    def on_status(status: Any) -> None:  # as kiosk.booth.root.Booth wires them
        if status.online and channel.welcome is not None:
            door.welcomed(channel.welcome)
        door.channel_status(status)
        report.channel_status(status)

    commands: list[str] = []

    async def obey(command: Any) -> None:
        commands.append(command.name)

    channel.add_listener(on_status)
    channel.on_command("open_door", obey)
    channel.on_command("start_session", obey)
    report.attach(screen)
    channel.start()

    def booth_link() -> Any:
        assert hub.server is not None
        return hub.server.state.switchboard.links.get("booth:b1")

    try:
        await asyncio.wait_for(channel.wait_for(ConnectionState.ONLINE), 20)
        screen.set_session("s1")  # a citizen touched the screen and is inside
        await poll(
            lambda: getattr(booth_link(), "in_session", None) is True, "the session reported"
        )
        await hub.astop()
        await asyncio.wait_for(channel.wait_for(ConnectionState.OFFLINE), 20)
        await hub.astart()  # same port, same database, nothing of the old process
        await asyncio.wait_for(channel.wait_for(ConnectionState.ONLINE), 20)
        await poll(lambda: getattr(booth_link(), "in_session", None) is True, "the state again")
        async with httpx.AsyncClient(base_url=hub.url, timeout=30) as phone:
            body = door_code_of(door.link())
            refused = await phone.post("/api/v1/booths/b1/open-door", json=body)
            _refused(refused, 409, "booth_occupied")
            assert commands == []
            screen.set_session(None)  # she leaves
            await poll(lambda: booth_link().in_session is False, "the booth free again")
            opened = await phone.post("/api/v1/booths/b1/open-door", json=body)
        assert opened.status_code == 200, opened.text
        assert commands == ["open_door", "start_session"]
    finally:
        await channel.stop()
        await hub.astop()
