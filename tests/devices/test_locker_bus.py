"""The locker bus driver against emulated boards on a pty, with every fault type."""

from __future__ import annotations

import pytest

from kiosk.core.errors import DeviceTimeout, ProtocolViolation
from kiosk.devices.locker.board import LockerBus
from kiosk.devices.locker.emulator import LockerModel
from kiosk.devices.locker.slots import DoorState, SlotState
from kiosk.devices.pty_emulator import Fault, PtyEmulator


def model_of(emulator: PtyEmulator) -> LockerModel:
    assert isinstance(emulator.model, LockerModel)
    return emulator.model


async def test_states_follow_the_emulated_doors_and_items(
    bus: LockerBus, locker_emulator: PtyEmulator
) -> None:
    model = model_of(locker_emulator)
    model.open_door(2)
    model.put_item(3)
    states = await bus.states()
    assert len(states) == len(bus.profile.slots)
    assert states[1].door is DoorState.OPEN
    assert states[0].door is DoorState.CLOSED
    if bus.profile.item_bit is None:
        assert states[2].item is None
    else:
        assert states[2] == SlotState(3, DoorState.CLOSED, True)
        assert states[0].item is False


async def test_unlock_opens_the_door_seen_by_polling(
    bus: LockerBus, locker_emulator: PtyEmulator
) -> None:
    model = model_of(locker_emulator)
    last = len(bus.profile.slots)
    acknowledged = await bus.unlock(last)
    assert acknowledged is bus.profile.answers_unlock
    await locker_emulator.wait_for(lambda: model.unlocks == [last])
    assert (await bus.state(last)).door is DoorState.OPEN
    assert (await bus.state(1)).door is DoorState.CLOSED


@pytest.mark.parametrize(
    "fault", [Fault.JUNK, Fault.BAD_CHECKSUM, Fault.SILENCE, Fault.SPLIT, Fault.MERGED]
)
async def test_a_single_fault_is_recovered(
    bus: LockerBus, locker_emulator: PtyEmulator, fault: Fault
) -> None:
    model = model_of(locker_emulator)
    model.open_door(1)
    locker_emulator.faults.inject(fault)
    state = await bus.state(1)
    assert state.door is DoorState.OPEN
    assert locker_emulator.faults.applied == [fault]


async def test_a_silent_board_is_reported_unknown_then_a_timeout(
    bus: LockerBus, locker_emulator: PtyEmulator
) -> None:
    locker_emulator.faults.always.add(Fault.SILENCE)
    states = await bus.states()
    assert {s.door for s in states} == {DoorState.UNKNOWN}
    with pytest.raises(DeviceTimeout):
        await bus.read_board(bus.profile.boards[0])


async def test_a_board_that_only_sends_garbage_is_a_bad_reply(
    bus: LockerBus, locker_emulator: PtyEmulator
) -> None:
    locker_emulator.faults.always.add(Fault.BAD_CHECKSUM)
    with pytest.raises(ProtocolViolation, match="bad reply"):
        await bus.read_board(bus.profile.boards[0])
    assert bus.violations >= 1 + bus.retries


async def test_a_sticky_door_stays_closed_after_unlock(
    bus: LockerBus, locker_emulator: PtyEmulator
) -> None:
    model = model_of(locker_emulator)
    model.stick(4)
    await bus.unlock(4)
    await locker_emulator.wait_for(lambda: model.unlocks == [4])
    assert (await bus.state(4)).door is DoorState.CLOSED
