"""The booth's presence sensors read from the relay board's inputs, over a pty (function 02)."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator

import pytest

from kiosk.config import DevicesConfig
from kiosk.core.clock import FakeClock
from kiosk.devices.assembly import presence_sensor
from kiosk.devices.door.emulator import RelayModel
from kiosk.devices.door.presence import BoothPresence, NoPresenceSensor, PresenceInputs
from kiosk.devices.door.protocol import ReadInputs
from kiosk.devices.door.relay import Door, RelayBoard
from kiosk.devices.pty_emulator import Fault, PtyEmulator

DOOR, OCCUPANCY = 2, 3  # the terminals the booth's sensors are wired to (inputs from 0)
WIRED = PresenceInputs(door_contact=DOOR, occupancy=OCCUPANCY)


@pytest.fixture
async def board() -> AsyncIterator[tuple[PtyEmulator, RelayModel]]:
    model = RelayModel(address=1, inputs=8)
    async with PtyEmulator(model) as emulator:
        yield emulator, model


@pytest.fixture
async def relay(board: tuple[PtyEmulator, RelayModel]) -> AsyncIterator[RelayBoard]:
    emulator, _ = board
    relay = await RelayBoard.open(emulator.path, timeout_s=0.3)
    yield relay
    await relay.close()


@pytest.mark.parametrize(
    ("door_closed", "occupied", "present"),
    [(True, True, True), (True, False, False), (False, True, False), (False, False, False)],
)
async def test_present_only_when_occupied_behind_a_closed_door(
    board: tuple[PtyEmulator, RelayModel],
    relay: RelayBoard,
    door_closed: bool,
    occupied: bool,
    present: bool,
) -> None:
    emulator, model = board
    model.set_input(DOOR, door_closed)
    model.set_input(OCCUPANCY, occupied)
    assert await BoothPresence(relay, WIRED).citizen_present() is present
    # One read of the two inputs and the span between them, as real bytes on the line.
    assert model.requests == [ReadInputs(1, DOOR, OCCUPANCY - DOOR + 1)]
    assert emulator.bytes_in == 8


async def test_polarity_is_a_setting(
    board: tuple[PtyEmulator, RelayModel], relay: RelayBoard
) -> None:
    _, model = board
    inverted = PresenceInputs(
        door_contact=5, door_closed_level=False, occupancy=0, occupied_level=False
    )
    presence = BoothPresence(relay, inverted)
    model.set_input(5, False)  # a normally-closed contact: low while shut
    model.set_input(0, False)  # an occupancy sensor that pulls low while it sees someone
    assert await presence.citizen_present() is True
    model.set_input(0, True)
    assert await presence.citizen_present() is False
    assert model.requests[-1] == ReadInputs(1, 0, 6)


async def test_occupancy_alone_decides_without_a_door_contact(
    board: tuple[PtyEmulator, RelayModel], relay: RelayBoard
) -> None:
    _, model = board
    presence = BoothPresence(relay, PresenceInputs(occupancy=7))
    model.set_input(7, True)
    assert await presence.citizen_present() is True
    assert (await presence.read()).door_closed is None
    model.set_input(7, False)
    assert await presence.citizen_present() is False


@pytest.mark.parametrize("fault", [Fault.JUNK, Fault.BAD_CHECKSUM, Fault.SPLIT, Fault.SILENCE])
async def test_each_fault_once_is_recovered(
    board: tuple[PtyEmulator, RelayModel], relay: RelayBoard, fault: Fault
) -> None:
    emulator, model = board
    model.set_input(DOOR, True)
    model.set_input(OCCUPANCY, True)
    emulator.faults.inject(fault)
    assert await BoothPresence(relay, WIRED).citizen_present() is True
    assert emulator.faults.applied == [fault]


async def test_a_silent_board_is_unknown(
    board: tuple[PtyEmulator, RelayModel], relay: RelayBoard
) -> None:
    emulator, model = board
    model.set_input(OCCUPANCY, True)
    model.set_input(DOOR, True)
    emulator.faults.always.add(Fault.SILENCE)
    assert await BoothPresence(relay, WIRED).citizen_present() is None
    assert len(model.requests) == relay.retries + 1


async def test_garbage_only_is_unknown(
    board: tuple[PtyEmulator, RelayModel], relay: RelayBoard
) -> None:
    emulator, model = board
    model.set_input(OCCUPANCY, True)
    model.set_input(DOOR, True)
    emulator.faults.always.add(Fault.BAD_CHECKSUM)
    assert await BoothPresence(relay, WIRED).citizen_present() is None


async def test_a_refusal_is_unknown(
    board: tuple[PtyEmulator, RelayModel], relay: RelayBoard
) -> None:
    _, model = board
    model.set_input(OCCUPANCY, True)
    model.set_input(DOOR, True)
    model.refuse_next(2)
    assert await BoothPresence(relay, WIRED).citizen_present() is None
    # Inputs the board does not have are refused too (a wrong setting): unknown, not absent.
    assert await BoothPresence(relay, PresenceInputs(occupancy=12)).citizen_present() is None


async def test_reading_the_inputs_does_not_touch_the_strike(
    board: tuple[PtyEmulator, RelayModel], relay: RelayBoard
) -> None:
    _, model = board
    model.set_input(OCCUPANCY, True)
    await BoothPresence(relay, WIRED).citizen_present()
    await Door(relay, FakeClock()).pulse("s1")
    assert model.coils[0] is True and model.requests[0] == ReadInputs(1, DOOR, 2)


async def test_the_devices_config_wires_the_sensor(relay: RelayBoard) -> None:
    door = Door(relay, FakeClock())
    assert isinstance(presence_sensor(DevicesConfig(), door), NoPresenceSensor)  # the default
    wired = dataclasses.replace(DevicesConfig(), occupancy_input=OCCUPANCY, door_contact_input=DOOR)
    assert isinstance(presence_sensor(wired, None), NoPresenceSensor)  # no relay board
    assert await NoPresenceSensor().citizen_present() is None
    sensor = presence_sensor(wired, door)
    assert isinstance(sensor, BoothPresence)
    assert await sensor.citizen_present() is False  # every input is low on the emulator
