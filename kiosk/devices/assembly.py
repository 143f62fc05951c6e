"""Building each booth device from its slice of the configuration.

The composition root (``kiosk/__main__.py``) calls these; each returns None when the
device has no port configured (the booth then runs without it), and raises
:class:`~kiosk.core.errors.DeviceError` when a configured port cannot be opened or
:class:`~kiosk.core.errors.ConfigError` when the profile settings are wrong.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kiosk.config import DevicesConfig
from kiosk.core.clock import Clock
from kiosk.devices.door.presence import BoothPresence, NoPresenceSensor, PresenceInputs
from kiosk.devices.door.relay import Door, RelayBoard
from kiosk.devices.idcard.reader import IdCardReader
from kiosk.devices.locker.bank import AlertSink, LockerBank, LockerEvent, LockerTimings
from kiosk.devices.locker.board import LockerBus
from kiosk.devices.locker.profiles import BoardProfile, resolve_profile
from kiosk.devices.locker.store import SlotStore
from kiosk.devices.scanner.protocol import WedgeDecoder
from kiosk.devices.scanner.reader import QrScanner

SLOT_FILE = "locker-slots.json"


def locker_profile(devices: DevicesConfig) -> BoardProfile:
    return resolve_profile(
        devices.locker.profile or "kerong-cu16",
        slot_sizes=devices.locker_slot_sizes,
        closed_bit=devices.locker_closed_bit,
        item_bit=devices.locker_item_bit,
        byte_order=devices.locker_byte_order,
    )


async def open_locker_bank(
    devices: DevicesConfig,
    data_dir: Path,
    alerts: AlertSink,
    clock: Clock,
    on_event: Callable[[LockerEvent], None] = lambda event: None,
) -> LockerBank | None:
    """The locker bank, its slot records kept in ``data_dir``."""
    if not devices.locker.port:
        return None
    profile = locker_profile(devices)
    bus = await LockerBus.open(devices.locker.port, profile, baud=devices.locker.baud)
    timings = LockerTimings(
        open_timeout_s=devices.locker_open_timeout_s,
        left_open_alert_s=devices.locker_left_open_alert_s,
        close_timeout_s=devices.locker_close_timeout_s,
        poll_s=devices.locker_poll_s,
    )
    store = SlotStore(Path(data_dir) / SLOT_FILE)
    return LockerBank(bus, store, alerts, clock, timings, on_event=on_event)


async def open_door(devices: DevicesConfig, clock: Clock) -> Door | None:
    if not devices.door.port:
        return None
    relay = await RelayBoard.open(devices.door.port, devices.door.baud)
    return Door(
        relay,
        clock,
        address=devices.door_address,
        coil=devices.door_coil,
        pulse_s=devices.door_pulse_s,
        mode=devices.door_mode,
    )


def presence_sensor(devices: DevicesConfig, door: Door | None) -> BoothPresence | NoPresenceSensor:
    """The occupancy sensor (and door contact) on the door's relay board, if wired."""
    inputs = PresenceInputs(
        door_contact=devices.door_contact_input,
        door_closed_level=bool(devices.door_contact_closed_level),
        occupancy=devices.occupancy_input,
        occupied_level=bool(devices.occupancy_level),
    )
    if door is None or not inputs.wired:
        return NoPresenceSensor()
    return BoothPresence(door.relay, inputs, address=devices.door_address)


async def open_idcard_reader(devices: DevicesConfig) -> IdCardReader | None:
    if not devices.idcard.port:
        return None
    return await IdCardReader.open(devices.idcard.port, devices.idcard.baud)


async def open_qr_scanner(devices: DevicesConfig) -> QrScanner | None:
    """The serial scanner; a keyboard-wedge scanner has no port (see :func:`wedge_decoder`)."""
    if not devices.scanner.port:
        return None
    return await QrScanner.open(devices.scanner.port, devices.scanner.baud)


def wedge_decoder(devices: DevicesConfig) -> WedgeDecoder:
    """For the UI to feed key events to, telling a wedge scanner's codes from typing."""
    return WedgeDecoder(max_gap_s=devices.scanner_wedge_max_gap_s)
