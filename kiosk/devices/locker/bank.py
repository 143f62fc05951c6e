"""The locker bank: slots given to cases, doors followed, items confirmed, couriers served.

A deposit (:meth:`LockerBank.deposit`) goes: pick a free slot of the right size (or the
next larger size) whose door reads closed and empty, record it for the case *before*
unlocking (so no restart can give it twice), unlock, follow the door until it shows open
(unlocking once more half-way, then giving up with an alert), follow it until it shows
closed again (alerting when it is left open), and read the item sensor. A courier
pickup (:meth:`LockerBank.courier_pickup`) opens every slot holding a case the hub
listed under a pickup code, waits for the doors to close, and frees the emptied slots.

Alerts go to an :class:`AlertSink` (the composition root wires it to the hub):

``jammed``        the door still read closed after two unlocks (a jammed latch or a
                  sticky door); the slot is taken out of service until an operator clears it
``never_opened``  the door was never seen open because the board stopped answering
                  properly; the slot stays with its case (nothing is known to be wrong with it)
``left_open``     a door stayed open longer than ``left_open_alert_s``
``no_item``       a deposit door closed with the sensor saying the slot is empty
``item_left``     a pickup door closed with the sensor saying something is still inside

Every wait goes through the injected :class:`~kiosk.core.clock.Clock`.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from kiosk.core.clock import Clock
from kiosk.core.errors import DeviceError
from kiosk.devices.locker.profiles import BoardProfile
from kiosk.devices.locker.slots import DoorState, SlotState
from kiosk.devices.locker.store import SlotRecord, SlotStore

log = logging.getLogger(__name__)


class AlertKind(enum.Enum):
    JAMMED = "jammed"
    NEVER_OPENED = "never_opened"
    LEFT_OPEN = "left_open"
    NO_ITEM = "no_item"
    ITEM_LEFT = "item_left"


@dataclass(frozen=True, slots=True)
class LockerAlert:
    kind: AlertKind
    slot: int
    case_id: str
    message: str


class AlertSink(Protocol):
    """Where the bank reports trouble (the hub, through the booth's backend client)."""

    async def alert(self, alert: LockerAlert) -> None: ...


class SlotBoard(Protocol):
    """What the bank needs of the lock boards (:class:`~.board.LockerBus` has it)."""

    profile: BoardProfile

    async def unlock(self, slot: int) -> bool: ...

    async def state(self, slot: int) -> SlotState: ...

    async def states(self) -> list[SlotState]: ...

    async def close(self) -> None: ...


@dataclass(frozen=True, slots=True)
class LockerTimings:
    open_timeout_s: float = 5.0  # a door must show open this soon after the first unlock
    left_open_alert_s: float = 60.0
    close_timeout_s: float = 300.0  # then stop following the door (the alert stands)
    poll_s: float = 0.3


class LockerFull(DeviceError):
    """No free slot of that size or larger."""

    code = "locker_full"


class SlotJammed(DeviceError):
    """The slot's door did not open."""

    code = "locker_jammed"


class PickupCodeUnknown(DeviceError):
    """No parcels wait under that pickup code."""

    code = "locker_pickup_code"


# --- progress events (past tense) ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SlotAssigned:
    slot: int
    case_id: str
    size: str


@dataclass(frozen=True, slots=True)
class SlotOpened:
    slot: int


@dataclass(frozen=True, slots=True)
class SlotClosed:
    slot: int
    item: bool | None  # None: the board has no sensor


@dataclass(frozen=True, slots=True)
class SlotLeftOpen:
    slot: int


LockerEvent = SlotAssigned | SlotOpened | SlotClosed | SlotLeftOpen


@dataclass(frozen=True, slots=True)
class Deposit:
    """How a deposit ended: ``closed`` False if the door was still open when we gave up."""

    case_id: str
    slot: int
    closed: bool
    item: bool | None

    @property
    def confirmed(self) -> bool:
        """Door closed and an item inside (or no sensor to say otherwise)."""
        return self.closed and self.item is not False


@dataclass(frozen=True, slots=True)
class Pickup:
    case_id: str
    slot: int
    emptied: bool


class LockerBank:
    def __init__(
        self,
        board: SlotBoard,
        store: SlotStore,
        alerts: AlertSink,
        clock: Clock,
        timings: LockerTimings = LockerTimings(),
        on_event: Callable[[LockerEvent], None] = lambda event: None,
    ) -> None:
        self.board = board
        self.store = store
        self.alerts = alerts
        self.clock = clock
        self.timings = timings
        self.on_event = on_event
        sizes: list[str] = []
        for wiring in board.profile.slots:
            if wiring.size not in sizes:
                sizes.append(wiring.size)
        self.sizes = tuple(sizes)  # smallest first, as the profile lists them

    async def close(self) -> None:
        await self.board.close()

    # --- queries --------------------------------------------------------------------
    async def slots(self) -> list[tuple[SlotState, SlotRecord | None]]:
        """Every slot's polled state and what the bank has recorded for it."""
        records = self.store.records()
        return [(state, records.get(state.slot)) for state in await self.board.states()]

    # --- deposits -------------------------------------------------------------------
    async def assign(self, case_id: str, size: str) -> int:
        """A slot for ``case_id`` (the same one if it already has one), recorded on disk."""
        existing = self.store.slot_of(case_id)
        if existing is not None:
            return existing
        if size not in self.sizes:
            raise ValueError(f"no slot size {size!r}; the locker has {', '.join(self.sizes)}")
        taken = self.store.records()
        states = {s.slot: s for s in await self.board.states()}
        for wanted in self.sizes[self.sizes.index(size) :]:
            for wiring in self.board.profile.slots:
                state = states.get(wiring.slot)
                if (
                    wiring.size == wanted
                    and wiring.slot not in taken
                    and state is not None
                    and state.door is DoorState.CLOSED
                    and state.item is not True
                ):
                    self.store.put(wiring.slot, SlotRecord("assigned", case_id, self._now()))
                    log.info("locker: slot %d (%s) assigned", wiring.slot, wanted)
                    self.on_event(SlotAssigned(wiring.slot, case_id, wanted))
                    return wiring.slot
        raise LockerFull(f"no free locker slot of size {size} or larger")

    # --- the workflow's Locker port (kiosk.flows.ports.Locker) ---------------------------
    async def open_slot(self, case_id: str) -> str:
        """Give the case a slot of the smallest size and open it; the slot's number.

        Raises LockerFull or SlotJammed (DeviceErrors) if no slot opens.
        """
        slot = await self.assign(case_id, self.sizes[0])
        await self._open(slot, case_id)
        return str(slot)

    async def wait_closed(self, slot: str) -> bool:
        """Follow the door until it closes; whether an item is inside (True without a sensor).

        The deposit is recorded when an item is in (or cannot be told); a closed empty slot
        stays with its case and raises the ``no_item`` alert.
        """
        number = int(slot)
        record = self.store.get(number)
        case_id = record.case_id if record is not None else ""
        state = await self._follow_until_closed(number, case_id)
        return (await self._record_deposit(number, case_id, state)).confirmed

    async def deposit(self, case_id: str, size: str) -> Deposit:
        """Give ``case_id`` a slot, open it, and follow the door until the item is in."""
        slot = await self.assign(case_id, size)
        await self._open(slot, case_id)
        state = await self._follow_until_closed(slot, case_id)
        return await self._record_deposit(slot, case_id, state)

    async def _record_deposit(self, slot: int, case_id: str, state: SlotState) -> Deposit:
        if state.door is not DoorState.CLOSED:
            return Deposit(case_id, slot, closed=False, item=state.item)
        if state.item is False:
            await self._alert(AlertKind.NO_ITEM, slot, case_id, "door closed, slot empty")
        else:
            self.store.put(slot, SlotRecord("deposited", case_id, self._now()))
        return Deposit(case_id, slot, closed=True, item=state.item)

    def release(self, case_id: str) -> None:
        """Forget the slot given to ``case_id`` (a cancelled deposit: the slot is free)."""
        slot = self.store.slot_of(case_id)
        if slot is not None:
            self.store.free(slot)

    def clear_out_of_service(self, slot: int) -> None:
        """An operator fixed the door of ``slot``."""
        record = self.store.get(slot)
        if record is not None and record.status == "out_of_service":
            self.store.free(slot)

    # --- courier pickups ------------------------------------------------------------
    def authorize_pickup(self, code: str, case_ids: tuple[str, ...]) -> None:
        """The hub says the courier with ``code`` collects these cases' parcels."""
        self.store.authorize_pickup(code, case_ids)

    async def courier_pickup(self, code: str) -> list[Pickup]:
        """Open every slot held for the code's cases; free each that closes empty."""
        case_ids = self.store.pickup_cases(code)
        if case_ids is None:
            raise PickupCodeUnknown("unknown pickup code")
        records = self.store.records()
        slots = [
            (slot, r.case_id)
            for slot, r in sorted(records.items())
            if r.case_id in case_ids and r.status == "deposited"
        ]
        if not slots:
            raise PickupCodeUnknown("no parcels wait under this pickup code")
        self.store.use_pickup(code)
        opened = []
        for slot, case_id in slots:
            try:
                await self._open(slot, case_id)
            except SlotJammed:
                continue
            opened.append((slot, case_id))
        results = []
        for slot, case_id in opened:
            state = await self._follow_until_closed(slot, case_id)
            emptied = state.door is DoorState.CLOSED and state.item is not True
            if emptied:
                self.store.free(slot)
            elif state.item is True:
                await self._alert(AlertKind.ITEM_LEFT, slot, case_id, "pickup left an item")
            results.append(Pickup(case_id, slot, emptied))
        return results

    # --- following a door -----------------------------------------------------------
    async def _open(self, slot: int, case_id: str) -> None:
        t = self.timings
        start = self.clock.monotonic()
        state = SlotState(slot, DoorState.UNKNOWN, None)
        for unlock_deadline in (start + t.open_timeout_s / 2, start + t.open_timeout_s):
            await self.board.unlock(slot)
            while True:
                state = await self.board.state(slot)
                if state.door is DoorState.OPEN:
                    log.info("locker: slot %d open", slot)
                    self.on_event(SlotOpened(slot))
                    return
                if self.clock.monotonic() >= unlock_deadline:
                    break
                await self.clock.sleep(t.poll_s)
        if state.door is DoorState.UNKNOWN:
            await self._alert(
                AlertKind.NEVER_OPENED, slot, case_id, "board not answering; door not seen open"
            )
        else:
            await self._alert(AlertKind.JAMMED, slot, case_id, "door still closed after unlocks")
            self.store.put(slot, SlotRecord("out_of_service", case_id, self._now()))
        raise SlotJammed(f"locker slot {slot} did not open")

    async def _follow_until_closed(self, slot: int, case_id: str) -> SlotState:
        t = self.timings
        start = self.clock.monotonic()
        alerted = False
        while True:
            state = await self.board.state(slot)
            if state.door is DoorState.CLOSED:
                log.info("locker: slot %d closed, item %s", slot, state.item)
                self.on_event(SlotClosed(slot, state.item))
                return state
            elapsed = self.clock.monotonic() - start
            if not alerted and elapsed >= t.left_open_alert_s:
                alerted = True
                self.on_event(SlotLeftOpen(slot))
                await self._alert(AlertKind.LEFT_OPEN, slot, case_id, "door left open")
            if elapsed >= t.close_timeout_s:
                return state
            await self.clock.sleep(t.poll_s)

    async def _alert(self, kind: AlertKind, slot: int, case_id: str, message: str) -> None:
        log.warning("locker alert %s: slot %d: %s", kind.value, slot, message)
        try:
            await self.alerts.alert(LockerAlert(kind, slot, case_id, message))
        except Exception:  # an alert that cannot be sent must not lose the parcel
            log.exception("locker alert %s could not be delivered", kind.value)

    def _now(self) -> str:
        return self.clock.now().isoformat(timespec="seconds")
