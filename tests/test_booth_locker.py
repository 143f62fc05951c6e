"""The workflow's Locker port on the real locker bank over an emulated Kerong board.

The slot opens (the board's emulator sees the unlock), the emulated citizen posts the
envelope and closes the door, and the deposit is saved in the outbox for the hub exactly
once: saving it again (a restarted booth watching the same slot) keeps one entry.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from kiosk.backend.keystore import FileKeyStore
from kiosk.backend.outbox import Outbox
from kiosk.booth.locker import DEPOSITS_PATH, BoothLocker
from kiosk.core.clock import SystemClock
from kiosk.devices.locker.bank import LockerBank, LockerTimings
from kiosk.devices.locker.board import LockerBus
from kiosk.devices.locker.emulator import LockerModel
from kiosk.devices.locker.profiles import PROFILES
from kiosk.devices.locker.store import SlotStore
from kiosk.devices.pty_emulator import PtyEmulator

FAST = LockerTimings(open_timeout_s=1.0, left_open_alert_s=30.0, close_timeout_s=10.0, poll_s=0.02)


class Channel:
    def __init__(self) -> None:
        self.events: list[tuple[str, dict[str, Any]]] = []

    def send_event(self, name: str, data: dict[str, Any] | None = None) -> str:
        self.events.append((name, dict(data or {})))
        return str(len(self.events))


class NoAlerts:
    async def alert(self, alert: Any) -> None:
        raise AssertionError(f"unexpected locker alert {alert}")


async def test_a_deposit_opens_the_board_and_is_saved_for_the_hub_once(tmp_path: Path) -> None:
    profile = PROFILES["kerong-cu16"]
    model = LockerModel(profile)
    model.auto_close_s = 0.3  # she posts the envelope and closes the door
    emulator = PtyEmulator(model)
    await emulator.start()
    bus = await LockerBus.open(emulator.path, profile, timeout_s=0.3)
    clock = SystemClock()
    outbox = Outbox(tmp_path, FileKeyStore(tmp_path / "keys"), clock)
    try:
        bank = LockerBank(bus, SlotStore(tmp_path / "slots.json"), NoAlerts(), clock, FAST)
        channel = Channel()
        screens: list[tuple[str, str]] = []
        locker = BoothLocker(
            bank,
            outbox,
            channel,
            session_id="s1",
            case_id="case-1",
            on_change=lambda slot, state: screens.append((slot, state)),
        )
        slot = await asyncio.wait_for(locker.open_slot("case-1"), 5)
        assert model.unlocks == [int(slot)]  # the bytes reached the emulated board
        assert await asyncio.wait_for(locker.wait_closed(slot), 5) is True
        assert not model.is_open(int(slot))
        assert screens == [("", "opening"), (slot, "open"), (slot, "closed_with_item")]
        assert [name for name, _ in channel.events] == ["locker_state", "locker_state"]
        assert channel.events[-1][1] == {"slot": slot, "door": "closed", "item_present": True}
        (entry,) = outbox.entries(session_id="s1")
        assert entry.case_id == "case-1" and entry.path == DEPOSITS_PATH
        assert entry.body == {"slot": slot, "door": "closed", "item_present": True}
        # A restarted booth watches the slot again: the deposit is not saved twice.
        again = BoothLocker(bank, outbox, channel, session_id="s1", case_id="case-1")
        assert await asyncio.wait_for(again.wait_closed(slot), 5) is True
        assert len(outbox.entries(session_id="s1")) == 1
    finally:
        outbox.close()
        await bus.close()
        emulator.close()
