"""The door relay driver and Door against an emulated Modbus relay board on a pty."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from kiosk.core.clock import FakeClock
from kiosk.core.errors import DeviceTimeout, ProtocolViolation
from kiosk.devices.door.emulator import RelayModel
from kiosk.devices.door.protocol import FlashCoil, WriteCoil
from kiosk.devices.door.relay import Door, RelayBoard, RelayRefused
from kiosk.devices.pty_emulator import Fault, PtyEmulator


@pytest.fixture
async def relay_emulator() -> AsyncIterator[PtyEmulator]:
    async with PtyEmulator(RelayModel(address=1)) as emulator:
        yield emulator


@pytest.fixture
async def relay(relay_emulator: PtyEmulator) -> AsyncIterator[RelayBoard]:
    board = await RelayBoard.open(relay_emulator.path, timeout_s=0.3)
    yield board
    await board.close()


def model_of(emulator: PtyEmulator) -> RelayModel:
    assert isinstance(emulator.model, RelayModel)
    return emulator.model


async def test_flash_pulse_is_one_request_and_the_board_switches_off(
    relay: RelayBoard, relay_emulator: PtyEmulator
) -> None:
    model = model_of(relay_emulator)
    door = Door(relay, FakeClock(), pulse_s=0.2, mode="flash")
    pulsed = await door.pulse("session-7")
    assert (pulsed.session_id, pulsed.seconds) == ("session-7", 0.2)
    assert model.requests == [FlashCoil(1, 0, 2)]
    assert model.coils[0] is True
    await relay_emulator.wait_for(lambda: model.coils[0] is False)


async def test_on_off_pulse_waits_on_the_clock(
    relay: RelayBoard, relay_emulator: PtyEmulator
) -> None:
    model = model_of(relay_emulator)
    clock = FakeClock()
    door = Door(relay, clock, coil=2, pulse_s=3.0, mode="on-off")
    task = asyncio.create_task(door.pulse("s-1"))
    await relay_emulator.wait_for(lambda: model.coils[2] is True)
    async with asyncio.timeout(5):
        while clock.sleepers == 0:  # noqa: ASYNC110 - FakeClock has no event for a sleeper
            await asyncio.sleep(0)
    clock.advance(3.0)
    await asyncio.wait_for(task, 5)
    assert model.coils[2] is False
    assert model.requests == [WriteCoil(1, 2, True), WriteCoil(1, 2, False)]


async def test_pulse_is_logged_with_its_session(
    relay: RelayBoard, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="kiosk.devices.door.relay")
    await Door(relay, FakeClock()).pulse("session-42")
    assert any("session-42" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("fault", list(Fault))
async def test_each_fault_once_is_recovered(
    relay: RelayBoard, relay_emulator: PtyEmulator, fault: Fault
) -> None:
    relay_emulator.faults.inject(fault)
    await relay.write(WriteCoil(1, 1, True))
    assert model_of(relay_emulator).coils[1] is True
    assert relay_emulator.faults.applied == [fault]


async def test_a_dead_board_times_out(relay: RelayBoard, relay_emulator: PtyEmulator) -> None:
    relay_emulator.faults.always.add(Fault.SILENCE)
    with pytest.raises(DeviceTimeout):
        await relay.write(WriteCoil(1, 1, True))


async def test_garbage_only_is_a_bad_reply(relay: RelayBoard, relay_emulator: PtyEmulator) -> None:
    relay_emulator.faults.always.add(Fault.BAD_CHECKSUM)
    with pytest.raises(ProtocolViolation, match="bad reply"):
        await relay.write(WriteCoil(1, 1, True))


async def test_a_refusal_is_reported(relay: RelayBoard, relay_emulator: PtyEmulator) -> None:
    model_of(relay_emulator).refuse_next(4)
    with pytest.raises(RelayRefused, match="code 4"):
        await Door(relay, FakeClock()).pulse("s")


async def test_door_port_unlock_logs_the_current_session(
    relay: RelayBoard, relay_emulator: PtyEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="kiosk.devices.door.relay")
    door = Door(relay, FakeClock(), session=lambda: "session-99")
    await door.unlock(1.5)
    assert model_of(relay_emulator).requests == [FlashCoil(1, 0, 15)]
    assert any("session-99" in r.getMessage() for r in caplog.records)
