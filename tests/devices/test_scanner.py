"""The serial QR scanner against an emulated scanner on a pty."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from kiosk.devices.pty_emulator import Fault, PtyEmulator
from kiosk.devices.scanner.emulator import ScannerModel
from kiosk.devices.scanner.reader import QrScanner


@pytest.fixture
async def scanner_emulator() -> AsyncIterator[PtyEmulator]:
    async with PtyEmulator(ScannerModel()) as emulator:
        yield emulator


@pytest.fixture
async def scanner(scanner_emulator: PtyEmulator) -> AsyncIterator[QrScanner]:
    scanner = await QrScanner.open(scanner_emulator.path)
    yield scanner
    await scanner.close()


def model_of(emulator: PtyEmulator) -> ScannerModel:
    assert isinstance(emulator.model, ScannerModel)
    return emulator.model


async def test_scans_arrive_in_order(scanner: QrScanner, scanner_emulator: PtyEmulator) -> None:
    model = model_of(scanner_emulator)
    model.scan("https://hub.example/b/demo-booth-01?t=abc")
    model.scan("二维码")
    assert await asyncio.wait_for(scanner.next_scan(), 5) == (
        "https://hub.example/b/demo-booth-01?t=abc"
    )
    assert await asyncio.wait_for(scanner.next_scan(), 5) == "二维码"


async def test_trigger_commands_reach_the_scanner(
    scanner: QrScanner, scanner_emulator: PtyEmulator
) -> None:
    await scanner.trigger()
    await scanner.trigger(on=False)
    model = model_of(scanner_emulator)
    await scanner_emulator.wait_for(lambda: model.received == b"\x16T\r\x16U\r")


@pytest.mark.parametrize("fault", [Fault.SPLIT, Fault.MERGED])
async def test_split_and_merged_codes_are_whole(
    scanner: QrScanner, scanner_emulator: PtyEmulator, fault: Fault
) -> None:
    scanner_emulator.faults.inject(fault)
    model = model_of(scanner_emulator)
    model.scan("FIRST-CODE")
    model.scan("SECOND")
    assert await asyncio.wait_for(scanner.next_scan(), 5) == "FIRST-CODE"
    assert await asyncio.wait_for(scanner.next_scan(), 5) == "SECOND"


@pytest.mark.parametrize("fault", [Fault.JUNK, Fault.BAD_CHECKSUM, Fault.SILENCE])
async def test_a_misread_is_dropped_and_the_next_scan_comes_through(
    scanner: QrScanner, scanner_emulator: PtyEmulator, fault: Fault
) -> None:
    scanner_emulator.faults.inject(fault)
    model = model_of(scanner_emulator)
    model.scan("LOST")
    model.scan("NEXT")
    assert await asyncio.wait_for(scanner.next_scan(), 5) == "NEXT"
    assert scanner.violations == (0 if fault is Fault.SILENCE else 1)
