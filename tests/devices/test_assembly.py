"""Devices built from configuration, against the in-process demo rig."""

from __future__ import annotations

import asyncio
from pathlib import Path

from kiosk.config import DevicesConfig
from kiosk.core.clock import FakeClock, SystemClock
from kiosk.demo.rig import DemoRig
from kiosk.devices.assembly import (
    open_door,
    open_idcard_reader,
    open_locker_bank,
    open_qr_scanner,
    wedge_decoder,
)
from kiosk.devices.locker.bank import LockerAlert


class NoAlerts:
    async def alert(self, alert: LockerAlert) -> None:
        raise AssertionError(f"unexpected alert {alert}")


async def test_without_ports_there_are_no_devices(tmp_path: Path) -> None:
    devices = DevicesConfig()
    assert await open_locker_bank(devices, tmp_path, NoAlerts(), SystemClock()) is None
    assert await open_door(devices, SystemClock()) is None
    assert await open_idcard_reader(devices) is None
    assert await open_qr_scanner(devices) is None
    assert wedge_decoder(devices).max_gap_s == devices.scanner_wedge_max_gap_s


async def test_every_device_works_on_the_demo_rig(tmp_path: Path) -> None:
    rig = DemoRig(DevicesConfig(locker_poll_s=0.02), door_close_s=0.6)
    devices = await rig.start()
    try:
        bank = await open_locker_bank(devices, tmp_path, NoAlerts(), SystemClock())
        door = await open_door(devices, FakeClock())
        reader = await open_idcard_reader(devices)
        scanner = await open_qr_scanner(devices)
        assert bank and door and reader and scanner
        deposit = await asyncio.wait_for(bank.deposit("case-1", "M"), 10)
        assert deposit.confirmed and deposit.item is True
        assert (tmp_path / "locker-slots.json").exists()
        await door.pulse("session-1")
        assert rig.relay_model.coils[0] is True
        card = await reader.read_card()
        assert card is not None and card.text.name == "张晓屋"
        rig.scanner_model.scan("XW:demo-booth-01")
        assert await asyncio.wait_for(scanner.next_scan(), 5) == "XW:demo-booth-01"
        for closeable in (bank, door.relay, reader, scanner):
            await closeable.close()
    finally:
        rig.close()
