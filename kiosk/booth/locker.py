"""The workflow's Locker port (``kiosk.flows.ports.Locker``) on the booth's real locker bank.

Composition-root code. :class:`BoothLocker` drives a
:class:`~kiosk.devices.locker.bank.LockerBank` (the lock boards over RS-485, or their
emulator on a pty) for one service item and tells the hub what happened:

- ``open_slot(case)``: the bank gives the case a slot (recorded on disk before the
  unlock, so a restart never gives it twice) and follows the door until it shows open;
  the hub hears ``locker_state`` (door open) on the control channel.
- ``wait_closed(slot)``: the bank follows the door until it closes and reads the item
  sensor; a closed door is recorded on the hub as a locker deposit of the case
  (``POST /cases/{case}/locker-deposits``) through the outbox, so it is delivered exactly
  once even if the hub is away or the booth is killed right after. The idempotency key
  is fixed when the entry is saved; a restarted booth that watches the same slot again
  (``WatchSlot`` on resume) saves the same deposit under the same key, so the hub keeps one.

The locker screen follows along through ``on_change(slot, state)`` (``opening``,
``open``, ``closed_with_item``, ``closed_empty``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Protocol

from kiosk.backend.outbox import CASE_PLACEHOLDER
from kiosk.flows.ports import Locker

log = logging.getLogger(__name__)

DEPOSITS_PATH = f"/cases/{CASE_PLACEHOLDER}/locker-deposits"


class SlotBank(Protocol):
    """What the adapter needs of :class:`~kiosk.devices.locker.bank.LockerBank`."""

    async def open_slot(self, case_id: str) -> str: ...

    async def wait_closed(self, slot: str) -> bool: ...


class DepositOutbox(Protocol):
    """What the adapter needs of :class:`~kiosk.backend.outbox.Outbox`."""

    def enqueue(
        self,
        case_id: str,
        method: str,
        path: str,
        body: Any,
        *,
        session_id: str | None = None,
        idempotency_key: str | None = None,
    ) -> Any: ...


class EventSender(Protocol):
    """The control channel's ``send_event`` (``BoothChannel``)."""

    def send_event(self, name: str, data: dict[str, Any] | None = None) -> str: ...


def deposit_key(case_id: str, slot: str) -> str:
    """The deposit's idempotency key: one deposit per case and slot, however often saved."""
    return f"locker-deposit:{case_id}:{slot}"


class BoothLocker:
    """One service item's locker deposits, on the booth's locker bank."""

    def __init__(
        self,
        bank: SlotBank,
        outbox: DepositOutbox,
        channel: EventSender,
        *,
        session_id: str,
        case_id: str,
        on_change: Callable[[str, str], None] = lambda slot, state: None,
    ) -> None:
        self._bank = bank
        self._outbox = outbox
        self._channel = channel
        self._session_id = session_id
        self._case_id = case_id  # the booth's id of the case (the outbox maps it to the hub's)
        self._on_change = on_change

    async def open_slot(self, case_id: str) -> str:
        self._on_change("", "opening")
        slot = await self._bank.open_slot(case_id)
        log.info("locker: slot %s open for the case", slot)
        self._channel.send_event("locker_state", {"slot": slot, "door": "open"})
        self._on_change(slot, "open")
        return slot

    async def wait_closed(self, slot: str) -> bool:
        present = await self._bank.wait_closed(slot)
        self._on_change(slot, "closed_with_item" if present else "closed_empty")
        self._channel.send_event(
            "locker_state", {"slot": slot, "door": "closed", "item_present": present}
        )
        if present:
            try:
                self._outbox.enqueue(
                    self._case_id,
                    "POST",
                    DEPOSITS_PATH,
                    {"slot": slot, "door": "closed", "item_present": True},
                    session_id=self._session_id,
                    idempotency_key=deposit_key(self._case_id, slot),
                )
            except ValueError:  # saved already, before a restart: the outbox has it
                log.info("locker: the deposit in slot %s was saved already", slot)
        return present


def as_port(locker: BoothLocker) -> Locker:
    """``locker`` typed as the workflow's port (mypy checks that BoothLocker implements it)."""
    return locker
