"""The health collector and reporter on fakes: FakeClock, a recording channel."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from kiosk.backend.channel import ChannelStatus, ConnectionState
from kiosk.core.clock import FakeClock
from kiosk.core.errors import HubUnavailable
from kiosk.devices.locker.bank import AlertKind, LockerAlert
from kiosk.devices.locker.slots import DoorState, SlotState
from kiosk.devices.locker.store import SlotRecord
from kiosk.ops.health import DiskHealth, HealthCollector, HealthReporter, locker_health


class Bank:
    def __init__(self, slots: list[tuple[SlotState, SlotRecord | None]]) -> None:
        self.pairs = slots

    async def slots(self) -> list[tuple[SlotState, SlotRecord | None]]:
        return self.pairs


def three_slots() -> list[tuple[SlotState, SlotRecord | None]]:
    return [
        (SlotState(1, DoorState.CLOSED, False), None),
        (SlotState(2, DoorState.CLOSED, True), SlotRecord("deposited", "c1", "t")),
        (SlotState(3, DoorState.CLOSED, False), SlotRecord("out_of_service", "c2", "t")),
    ]


@dataclass
class Channel:
    """Records events; acks requests after ``delay`` seconds of the fake clock."""

    clock: FakeClock
    online: bool = True
    delay: float = 0.0

    def __post_init__(self) -> None:
        self.events: list[tuple[str, dict[str, Any], bool]] = []
        self.requests: list[tuple[str, dict[str, Any]]] = []
        self.changed = asyncio.Condition()

    async def wait_requests(self, count: int) -> None:
        async with self.changed:
            await asyncio.wait_for(self.changed.wait_for(lambda: len(self.requests) >= count), 5)

    def send_event(
        self, name: str, data: Any = None, *, event_id: Any = None, buffer: bool = True
    ) -> str:
        self.events.append((name, dict(data or {}), buffer))
        return f"e{len(self.events)}"

    async def request(
        self, name: str, data: Any = None, *, timeout_s: float = 10.0
    ) -> dict[str, Any]:
        if not self.online:
            raise HubUnavailable("offline")
        async with self.changed:
            self.requests.append((name, dict(data or {})))
            self.changed.notify_all()
        self.clock.advance(self.delay)
        return {}


def test_locker_counts() -> None:
    health = locker_health(three_slots())
    assert (health.total, health.free, health.in_use, health.out_of_service) == (3, 1, 1, 1)


async def test_report_holds_every_source() -> None:
    clock = FakeClock()
    collector = HealthCollector(
        clock,
        version="9.9",
        devices={"door": lambda: True, "idcard": lambda: False},
        camera=lambda: False,
        microphone=lambda: True,
        locker=Bank(three_slots()),
        disk=lambda: DiskHealth(free_bytes=10, total_bytes=100),
        rss=lambda: 123_000_000,
    )
    clock.advance(42)
    collector.fault("door", "stuck", "relay silent")
    collector.error(HubUnavailable("x"))
    report = (await collector.collect()).to_json()
    assert report["version"] == "9.9" and report["uptime_s"] == 42
    devices = {d["name"]: d for d in report["devices"]}
    assert devices["door"] == {"name": "door", "present": True, "faults": ["stuck"]}
    assert devices["idcard"]["present"] is False
    assert devices["locker"]["present"] is True
    assert report["camera"] is False and report["microphone"] is True
    assert report["locker"] == {"total": 3, "free": 1, "in_use": 1, "out_of_service": 1}
    assert report["disk"] == {"free_bytes": 10, "total_bytes": 100}
    assert report["rss_bytes"] == 123_000_000
    assert report["last_error"] == "hub_unavailable"
    collector.clear("door", "stuck")
    assert {d.name: d.faults for d in (await collector.collect()).devices}["door"] == ()


def test_reconnects_counted_from_status() -> None:
    clock = FakeClock()
    collector = HealthCollector(clock)

    def status(state: ConnectionState) -> ChannelStatus:
        return ChannelStatus(state, clock.now())

    for state in (
        ConnectionState.RECONNECTING,
        ConnectionState.ONLINE,  # first connection: not a reconnect
        ConnectionState.OFFLINE,
        ConnectionState.RECONNECTING,
        ConnectionState.ONLINE,
        ConnectionState.OFFLINE,
        ConnectionState.ONLINE,
    ):
        collector.channel_status(status(state))
    assert collector._reconnects == 2 and collector._online


async def test_reporter_measures_round_trip_and_skips_offline() -> None:
    clock = FakeClock()
    channel = Channel(clock, delay=0.25)
    reporter = HealthReporter(HealthCollector(clock, rss=lambda: 1), channel, clock, period_s=30)
    assert await reporter.report_now() is not None
    second = await reporter.report_now()
    assert second is not None and second.network.rtt_ms == 250.0
    channel.online = False
    assert await reporter.report_now() is None
    assert (reporter.sent, reporter.skipped) == (2, 1)


async def test_reporter_runs_every_period() -> None:
    clock = FakeClock()
    channel = Channel(clock)
    reporter = HealthReporter(HealthCollector(clock, rss=lambda: 1), channel, clock, period_s=30)
    reporter.start()
    for expected in (1, 2, 3):
        await channel.wait_requests(expected)
        while clock.sleepers == 0:  # noqa: ASYNC110 - FakeClock has no event for a sleeper
            await asyncio.sleep(0)
        clock.advance(30)
    await reporter.stop()
    assert [name for name, _ in channel.requests][:3] == ["health"] * 3


async def test_locker_alert_becomes_device_fault_and_fresh_report() -> None:
    clock = FakeClock()
    channel = Channel(clock)
    reporter = HealthReporter(HealthCollector(clock, rss=lambda: 1), channel, clock)
    await reporter.alert(LockerAlert(AlertKind.JAMMED, 4, "case-9", "door still closed"))
    name, data, buffered = channel.events[0]
    assert name == "device_fault" and buffered
    assert data["device"] == "locker" and data["kind"] == "jammed" and data["slot"] == 4
    assert data["case_id"] == "case-9"
    await channel.wait_requests(1)
    devices = {d["name"]: d for d in channel.requests[0][1]["devices"]}
    assert devices["locker"]["faults"] == ["jammed"]
    await reporter.stop()
