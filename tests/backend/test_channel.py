"""BoothChannel against a protocol-speaking WebSocket server on 127.0.0.1."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from kiosk.backend.backoff import Backoff
from kiosk.backend.channel import BoothChannel, ConnectionState
from kiosk.backend.messages import Command
from kiosk.core.clock import SystemClock
from kiosk.core.errors import DeviceTimeout, HubUnavailable
from tests.backend.wire_hub import WireHub

WAIT = 10.0  # seconds: a deadline for events, never a pause


@pytest.fixture
async def hub() -> AsyncIterator[WireHub]:
    server = WireHub()
    await server.start()
    yield server
    await server.stop()


def _channel(hub: WireHub, token: str | None = None, **kw: object) -> BoothChannel:
    return BoothChannel(
        hub.url,
        token if token is not None else hub.token,
        SystemClock(),
        backoff=Backoff(0.05, 0.2),
        **kw,  # type: ignore[arg-type]
    )


async def _online(channel: BoothChannel) -> None:
    await asyncio.wait_for(channel.wait_for(ConnectionState.ONLINE), WAIT)


async def test_authenticates_answers_pings_and_sends_events(hub: WireHub) -> None:
    channel = _channel(hub)
    channel.start()
    try:
        await _online(channel)
        assert channel.status.booth_id == "booth-7"
        await hub.send({"type": "ping", "ts": 123.5})
        pong = await asyncio.wait_for(hub.next_frame("pong"), WAIT)
        assert pong["ts"] == 123.5
        event_id = channel.send_event("door_opened", {"door": "main"})
        event = await asyncio.wait_for(hub.next_frame("event"), WAIT)
        assert event == {
            "type": "event",
            "id": event_id,
            "name": "door_opened",
            "data": {"door": "main"},
        }
    finally:
        await channel.stop()


async def test_a_wrong_token_is_reported_as_unauthorized(hub: WireHub) -> None:
    channel = _channel(hub, token="stolen")
    channel.start()
    try:
        status = await asyncio.wait_for(channel.wait_for(ConnectionState.OFFLINE), WAIT)
        assert status.reason == "unauthorized" and hub.refused >= 1
    finally:
        await channel.stop()


async def test_commands_reach_handlers_and_are_acknowledged(hub: WireHub) -> None:
    channel = _channel(hub)
    opened: list[dict[str, object]] = []

    async def open_door(command: Command) -> None:
        opened.append(command.data)

    async def jammed(command: Command) -> None:
        raise DeviceTimeout("the locker board did not answer")

    async def broken(command: Command) -> None:
        raise KeyError("bug")

    channel.on_command("open_door", open_door)
    channel.on_command("push", jammed)
    channel.on_command("queue", broken)
    channel.start()
    try:
        await _online(channel)
        cid = await hub.command("open_door", {"pulse_s": 3})
        assert await asyncio.wait_for(hub.next_frame("ack"), WAIT) == {
            "type": "ack",
            "id": cid,
            "ok": True,
        }
        assert opened == [{"pulse_s": 3}]

        cid = await hub.command("push", {"kind": "open_slot"})
        ack = await asyncio.wait_for(hub.next_frame("ack"), WAIT)
        assert ack == {"type": "ack", "id": cid, "ok": False, "error": "device_timeout"}

        cid = await hub.command("queue", {})
        ack = await asyncio.wait_for(hub.next_frame("ack"), WAIT)
        assert ack["id"] == cid and ack["error"] == "internal"

        cid = await hub.command("restart", {})
        ack = await asyncio.wait_for(hub.next_frame("ack"), WAIT)
        assert ack["id"] == cid and ack["error"] == "unknown_command"
    finally:
        await channel.stop()


async def test_a_repeated_command_is_acknowledged_but_not_run_twice(hub: WireHub) -> None:
    channel = _channel(hub)
    runs: list[str] = []

    async def open_door(command: Command) -> None:
        runs.append(command.id)

    channel.on_command("open_door", open_door)
    channel.start()
    try:
        await _online(channel)
        frame = {"type": "command", "id": "c-1", "name": "open_door", "data": {}}
        await hub.send(frame)
        await asyncio.wait_for(hub.next_frame("ack"), WAIT)
        await hub.send(frame)
        ack = await asyncio.wait_for(hub.next_frame("ack"), WAIT)
        assert ack == {"type": "ack", "id": "c-1", "ok": True} and runs == ["c-1"]
    finally:
        await channel.stop()


async def test_ordered_commands_run_in_arrival_order(hub: WireHub) -> None:
    channel = _channel(hub)
    order: list[str] = []
    release = asyncio.Event()

    async def start_session(command: Command) -> None:
        await release.wait()  # slow: the push behind it must wait
        order.append("start_session")

    async def push(command: Command) -> None:
        order.append("push")

    async def signal(command: Command) -> None:
        order.append("signal")
        release.set()

    channel.on_command("start_session", start_session)
    channel.on_command("push", push)
    channel.on_command("signal", signal, ordered=False)
    channel.start()
    try:
        await _online(channel)
        await hub.command("start_session")
        await hub.command("push")
        await hub.command("signal")  # unordered: overtakes the two waiting ones
        for _ in range(3):
            await asyncio.wait_for(hub.next_frame("ack"), WAIT)
        assert order == ["signal", "start_session", "push"]
    finally:
        await channel.stop()


async def test_garbage_from_the_hub_is_ignored(hub: WireHub) -> None:
    channel = _channel(hub)
    channel.start()
    try:
        await _online(channel)
        await hub.send_raw("{not json")
        await hub.send({"type": "command", "name": "open_door"})  # no id
        await hub.send({"type": "ping", "ts": 1})
        assert (await asyncio.wait_for(hub.next_frame("pong"), WAIT))["ts"] == 1
        assert channel.status.online
    finally:
        await channel.stop()


async def test_a_silent_hub_is_declared_dead_and_the_booth_reconnects() -> None:
    hub = WireHub(heartbeat_s=0.05)
    await hub.start()
    channel = _channel(hub)
    reasons: list[str | None] = []
    channel.add_listener(lambda s: reasons.append(s.reason))
    channel.start()
    try:
        await _online(channel)
        await asyncio.wait_for(hub.connected.get(), WAIT)
        await asyncio.wait_for(hub.next_frame("ping"), WAIT)  # the booth's own heartbeat
        hub.silent = True
        await asyncio.wait_for(channel.wait_for(ConnectionState.OFFLINE), WAIT)
        assert "hub_silent" in reasons
        hub.silent = False
        await _online(channel)
    finally:
        await channel.stop()
        await hub.stop()


async def test_hub_restart_on_the_same_port_events_wait_and_commands_flow_again(
    hub: WireHub,
) -> None:
    channel = _channel(hub)
    seen: list[str] = []

    async def push(command: Command) -> None:
        seen.append(command.data["kind"])

    channel.on_command("push", push)
    channel.start()
    try:
        await _online(channel)
        await hub.stop()
        await asyncio.wait_for(channel.wait_for(ConnectionState.OFFLINE), WAIT)
        with pytest.raises(HubUnavailable):
            channel.send_event("signal", {"kind": "candidate"}, buffer=False)
        kept = channel.send_event("locker_state", {"slot": 3, "door": "closed"})
        assert channel.buffered == 1

        await hub.start()  # same port
        await _online(channel)
        event = await asyncio.wait_for(hub.next_frame("event"), WAIT)
        assert event["id"] == kept and event["name"] == "locker_state"

        cid = await hub.command("push", {"kind": "show_form"})
        ack = await asyncio.wait_for(hub.next_frame("ack"), WAIT)
        assert ack["id"] == cid and ack["ok"] and seen == ["show_form"]
    finally:
        await channel.stop()
