"""The locker bank end to end on emulated boards: deposits, courier pickups, alerts, restarts."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from kiosk.core.clock import FakeClock, SystemClock
from kiosk.devices.locker.bank import (
    AlertKind,
    Deposit,
    LockerAlert,
    LockerBank,
    LockerFull,
    LockerTimings,
    Pickup,
    PickupCodeUnknown,
    SlotClosed,
    SlotJammed,
    SlotOpened,
)
from kiosk.devices.locker.board import LockerBus
from kiosk.devices.locker.emulator import LockerModel
from kiosk.devices.locker.profiles import PROFILES, BoardProfile
from kiosk.devices.locker.slots import DoorState, SlotState
from kiosk.devices.locker.store import SlotStore
from kiosk.devices.pty_emulator import Fault, PtyEmulator

FAST = LockerTimings(open_timeout_s=1.0, left_open_alert_s=30.0, close_timeout_s=60.0, poll_s=0.02)


class Alerts:
    def __init__(self) -> None:
        self.received: list[LockerAlert] = []

    async def alert(self, alert: LockerAlert) -> None:
        self.received.append(alert)


@pytest.fixture
def alerts() -> Alerts:
    return Alerts()


def make_bank(
    bus: LockerBus, tmp_path: Path, alerts: Alerts, events: list | None = None
) -> LockerBank:
    return LockerBank(
        bus,
        SlotStore(tmp_path / "slots.json"),
        alerts,
        SystemClock(),
        FAST,
        on_event=(events.append if events is not None else lambda e: None),
    )


async def test_deposit_end_to_end(
    bus: LockerBus, locker_emulator: PtyEmulator, tmp_path: Path, alerts: Alerts
) -> None:
    model = locker_emulator.model
    assert isinstance(model, LockerModel)
    events: list = []
    opened = asyncio.Event()
    bank = make_bank(bus, tmp_path, alerts, events)
    bank.on_event = lambda e: (events.append(e), isinstance(e, SlotOpened) and opened.set())
    task = asyncio.create_task(bank.deposit("case-1", "M"))
    await asyncio.wait_for(opened.wait(), 5)
    slot = model.unlocks[0]
    assert bus.profile.wiring(slot).size == "M"
    assert SlotOpened(slot) in events
    model.put_item(slot)  # the citizen posts her envelope
    model.close_door(slot)
    deposit = await asyncio.wait_for(task, 5)
    has_sensor = bus.profile.item_bit is not None
    assert deposit == Deposit("case-1", slot, closed=True, item=True if has_sensor else None)
    assert deposit.confirmed
    assert events[-1] == SlotClosed(slot, deposit.item)
    assert alerts.received == []
    saved = json.loads((tmp_path / "slots.json").read_text())
    assert saved["slots"][str(slot)]["status"] == "deposited"


async def test_courier_pickup_end_to_end(
    bus: LockerBus, locker_emulator: PtyEmulator, tmp_path: Path, alerts: Alerts
) -> None:
    model = locker_emulator.model
    assert isinstance(model, LockerModel)
    model.auto_close_s = 0.6  # the emulated citizen and courier close doors themselves
    bank = make_bank(bus, tmp_path, alerts)
    first = await bank.deposit("case-1", "S")
    second = await bank.deposit("case-2", "S")
    other = await bank.deposit("case-3", "L")
    assert len({first.slot, second.slot, other.slot}) == 3
    bank.authorize_pickup("PICK-42", ("case-1", "case-2"))
    with pytest.raises(PickupCodeUnknown):
        await bank.courier_pickup("WRONG")
    model.unlocks.clear()
    pickups = await bank.courier_pickup("PICK-42")
    assert set(model.unlocks) == {first.slot, second.slot}
    assert pickups == [Pickup("case-1", first.slot, True), Pickup("case-2", second.slot, True)]
    remaining = bank.store.records()
    assert list(remaining) == [other.slot]
    with pytest.raises(PickupCodeUnknown):  # a code works once
        await bank.courier_pickup("PICK-42")
    assert alerts.received == []


async def test_assignment_survives_a_restart(
    bus: LockerBus, locker_emulator: PtyEmulator, tmp_path: Path, alerts: Alerts
) -> None:
    before = make_bank(bus, tmp_path, alerts)
    slot = await before.assign("case-1", "S")
    after = make_bank(bus, tmp_path, alerts)  # a new process reading the same data dir
    assert await after.assign("case-1", "S") == slot
    assert await after.assign("case-2", "S") != slot
    assert after.store.records()[slot].case_id == "case-1"


async def test_a_sticky_door_is_jammed_and_the_next_slot_is_used(
    bus: LockerBus, locker_emulator: PtyEmulator, tmp_path: Path, alerts: Alerts
) -> None:
    model = locker_emulator.model
    assert isinstance(model, LockerModel)
    bank = make_bank(bus, tmp_path, alerts)
    first_small = next(w.slot for w in bus.profile.slots if w.size == "S")
    model.stick(first_small)
    with pytest.raises(SlotJammed):
        await bank.deposit("case-1", "S")
    assert model.unlocks == [first_small, first_small]  # unlocked again half-way
    assert [a.kind for a in alerts.received] == [AlertKind.JAMMED]
    assert bank.store.records()[first_small].status == "out_of_service"
    model.auto_close_s = 0.6
    deposit = await bank.deposit("case-1", "S")
    assert deposit.slot != first_small


async def test_a_silent_board_means_the_door_was_never_seen_open(
    bus: LockerBus, locker_emulator: PtyEmulator, tmp_path: Path, alerts: Alerts
) -> None:
    bank = make_bank(bus, tmp_path, alerts)
    slot = await bank.assign("case-1", "S")
    locker_emulator.faults.always.add(Fault.SILENCE)
    with pytest.raises(SlotJammed):
        await bank.deposit("case-1", "S")
    assert [a.kind for a in alerts.received] == [AlertKind.NEVER_OPENED]
    assert bank.store.records()[slot].status == "assigned"  # not given to anyone else


async def test_locker_full(
    bus: LockerBus, locker_emulator: PtyEmulator, tmp_path: Path, alerts: Alerts
) -> None:
    bank = make_bank(bus, tmp_path, alerts)
    large = [w.slot for w in bus.profile.slots if w.size == "L"]
    for n in range(len(large)):
        await bank.assign(f"case-{n}", "L")
    with pytest.raises(LockerFull):
        await bank.assign("one-too-many", "L")
    with pytest.raises(ValueError):
        await bank.assign("x", "XXL")


# --- the timing logic on a FakeClock, with an in-memory board ----------------------------


class MemoryBoard:
    """Lock boards in memory: doors and items set by the test."""

    def __init__(self, profile: BoardProfile) -> None:
        self.profile = profile
        self.doors = {w.slot: DoorState.CLOSED for w in profile.slots}
        self.items = {w.slot: False for w in profile.slots}
        self.unlocked: list[int] = []
        self.polled = asyncio.Event()

    async def close(self) -> None:
        pass

    async def unlock(self, slot: int) -> bool:
        self.unlocked.append(slot)
        self.doors[slot] = DoorState.OPEN
        return True

    async def state(self, slot: int) -> SlotState:
        self.polled.set()
        return SlotState(slot, self.doors[slot], self.items[slot])

    async def states(self) -> list[SlotState]:
        return [await self.state(w.slot) for w in self.profile.slots]


async def test_left_open_and_empty_alerts_on_a_fake_clock(tmp_path: Path, alerts: Alerts) -> None:
    board = MemoryBoard(PROFILES["kerong-cu16"])
    clock = FakeClock()
    timings = LockerTimings(open_timeout_s=5, left_open_alert_s=60, close_timeout_s=300, poll_s=1)
    bank = LockerBank(board, SlotStore(tmp_path / "s.json"), alerts, clock, timings)
    task = asyncio.create_task(bank.deposit("case-1", "S"))
    while clock.monotonic() < 61:
        await _parked(clock, task)
        clock.advance(1)
    await _parked(clock, task)
    assert [a.kind for a in alerts.received] == [AlertKind.LEFT_OPEN]
    board.doors[1] = DoorState.CLOSED  # closed at last, but nothing inside
    clock.advance(1)
    deposit = await asyncio.wait_for(task, 5)
    assert deposit == Deposit("case-1", 1, closed=True, item=False)
    assert not deposit.confirmed
    assert [a.kind for a in alerts.received] == [AlertKind.LEFT_OPEN, AlertKind.NO_ITEM]
    assert bank.store.records()[1].status == "assigned"  # kept for the citizen's next try


async def test_a_door_never_closed_is_given_up_on(tmp_path: Path, alerts: Alerts) -> None:
    board = MemoryBoard(PROFILES["kerong-cu16"])
    clock = FakeClock()
    timings = LockerTimings(open_timeout_s=5, left_open_alert_s=10, close_timeout_s=20, poll_s=5)
    bank = LockerBank(board, SlotStore(tmp_path / "s.json"), alerts, clock, timings)
    task = asyncio.create_task(bank.deposit("case-1", "S"))
    while not task.done():
        await _parked(clock, task)
        clock.advance(5)
    deposit = task.result()
    assert deposit.closed is False and not deposit.confirmed
    assert [a.kind for a in alerts.received] == [AlertKind.LEFT_OPEN]


async def _parked(clock: FakeClock, task: asyncio.Task) -> None:  # type: ignore[type-arg]
    """Wait until the bank sleeps on the clock (or is done).

    FakeClock has no event for a new sleeper, so this yields loop turns until one parks.
    """
    async with asyncio.timeout(5):
        while clock.sleepers == 0 and not task.done():  # noqa: ASYNC110
            await asyncio.sleep(0)


async def test_the_workflow_ports_open_and_follow_a_slot(tmp_path: Path, alerts: Alerts) -> None:
    board = MemoryBoard(PROFILES["kerong-cu16"])
    clock = FakeClock()
    bank = LockerBank(board, SlotStore(tmp_path / "s.json"), alerts, clock, LockerTimings(poll_s=1))
    slot = await bank.open_slot("case-9")
    assert slot == "1" and board.unlocked == [1]  # the smallest size first
    waiting = asyncio.create_task(bank.wait_closed(slot))
    await _parked(clock, waiting)
    board.items[1] = True
    board.doors[1] = DoorState.CLOSED
    clock.advance(1)
    assert await asyncio.wait_for(waiting, 5) is True
    assert bank.store.records()[1].status == "deposited"
    assert alerts.received == []
