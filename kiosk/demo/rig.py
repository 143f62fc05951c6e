"""Every booth device emulated in this process, for ``kiosk demo`` and end-to-end tests.

:meth:`DemoRig.start` opens the four emulators on ptys and returns the devices
configuration pointing at them. The emulated citizen closes each locker door a few
seconds after it opens (putting an item in, or taking it out), and a demo ID card lies
on the reader. ``rig.scanner_model.scan(text)`` plays a QR scan.

(The booth may instead run ``kiosk emulate ...`` processes and point its configuration
at the printed paths; that keeps the emulators off the booth's event loop.)
"""

from __future__ import annotations

import dataclasses

from kiosk.config import DevicesConfig
from kiosk.devices.door.emulator import RelayModel
from kiosk.devices.idcard.emulator import IdCardModel
from kiosk.devices.locker.emulator import LockerModel
from kiosk.devices.locker.profiles import resolve_profile
from kiosk.devices.pty_emulator import PtyEmulator
from kiosk.devices.scanner.emulator import ScannerModel


class DemoRig:
    def __init__(self, devices: DevicesConfig, *, door_close_s: float = 4.0) -> None:
        profile = resolve_profile(
            devices.locker.profile or "kerong-cu16",
            slot_sizes=devices.locker_slot_sizes,
            closed_bit=devices.locker_closed_bit,
            item_bit=devices.locker_item_bit,
            byte_order=devices.locker_byte_order,
        )
        self.devices = devices
        self.locker_model = LockerModel(profile)
        self.locker_model.auto_close_s = door_close_s
        self.relay_model = RelayModel(address=devices.door_address)
        self.idcard_model = IdCardModel()
        self.idcard_model.place()
        self.scanner_model = ScannerModel()
        self.locker = PtyEmulator(self.locker_model)
        self.door = PtyEmulator(self.relay_model)
        self.idcard = PtyEmulator(self.idcard_model)
        self.scanner = PtyEmulator(self.scanner_model)

    async def start(self) -> DevicesConfig:
        """Start the emulators; the configuration with their ports filled in."""
        ports = {}
        for name in ("locker", "door", "idcard", "scanner"):
            emulator: PtyEmulator = getattr(self, name)
            ports[name] = dataclasses.replace(
                getattr(self.devices, name), port=await emulator.start()
            )
        return dataclasses.replace(self.devices, **ports)

    def close(self) -> None:
        for emulator in (self.locker, self.door, self.idcard, self.scanner):
            emulator.close()
