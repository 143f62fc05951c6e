"""The ID-card reader against an emulated GA 467 reader on a pty."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from kiosk.core.errors import DeviceTimeout, ProtocolViolation
from kiosk.devices.idcard.emulator import DEMO_CARD, DEMO_PHOTO, IdCardModel
from kiosk.devices.idcard.protocol import FIND_CARD, READ_BASIC, SELECT_CARD
from kiosk.devices.idcard.reader import IdCard, IdCardReader
from kiosk.devices.pty_emulator import Fault, PtyEmulator


@pytest.fixture
async def idcard_emulator() -> AsyncIterator[PtyEmulator]:
    async with PtyEmulator(IdCardModel()) as emulator:
        yield emulator


@pytest.fixture
async def reader(idcard_emulator: PtyEmulator) -> AsyncIterator[IdCardReader]:
    reader = await IdCardReader.open(idcard_emulator.path, timeout_s=0.3)
    yield reader
    await reader.close()


def model_of(emulator: PtyEmulator) -> IdCardModel:
    assert isinstance(emulator.model, IdCardModel)
    return emulator.model


async def test_no_card_is_none(reader: IdCardReader) -> None:
    assert await reader.read_card() is None


async def test_a_placed_card_is_read_whole(
    reader: IdCardReader, idcard_emulator: PtyEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    model_of(idcard_emulator).place()
    card = await reader.read_card()
    assert card == IdCard(DEMO_CARD, DEMO_PHOTO)
    assert model_of(idcard_emulator).commands == [FIND_CARD, SELECT_CARD, READ_BASIC]
    assert DEMO_CARD.id_number not in repr(card)
    assert DEMO_CARD.id_number not in caplog.text
    assert DEMO_CARD.id_number.encode("utf-16-le").hex(" ") not in caplog.text


@pytest.mark.parametrize("fault", list(Fault))
async def test_each_fault_once_is_recovered(
    reader: IdCardReader, idcard_emulator: PtyEmulator, fault: Fault
) -> None:
    model_of(idcard_emulator).place()
    idcard_emulator.faults.inject(fault)
    card = await reader.read_card()
    assert card is not None and card.text == DEMO_CARD
    assert idcard_emulator.faults.applied == [fault]


async def test_a_dead_reader_times_out(reader: IdCardReader, idcard_emulator: PtyEmulator) -> None:
    idcard_emulator.faults.always.add(Fault.SILENCE)
    with pytest.raises(DeviceTimeout):
        await reader.read_card()


async def test_garbage_only_is_a_bad_reply(
    reader: IdCardReader, idcard_emulator: PtyEmulator
) -> None:
    idcard_emulator.faults.always.add(Fault.BAD_CHECKSUM)
    with pytest.raises(ProtocolViolation, match="bad reply"):
        await reader.read_card()


async def test_identity_port_waits_for_a_card(
    reader: IdCardReader, idcard_emulator: PtyEmulator
) -> None:
    import asyncio

    from kiosk.core.clock import FakeClock
    from kiosk.devices.idcard.identity import CardIdentityReader

    clock = FakeClock()
    task = asyncio.create_task(CardIdentityReader(reader, clock).read())
    model = model_of(idcard_emulator)
    await idcard_emulator.wait_for(lambda: len(model.commands) >= 1)  # looked, no card yet
    model.place()
    async with asyncio.timeout(5):
        while not task.done():
            clock.advance(1)
            await asyncio.sleep(0.01)
    identity = task.result()
    assert identity is not None and identity.name == "张晓屋"
    assert DEMO_CARD.id_number not in repr(identity)
