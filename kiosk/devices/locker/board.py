"""The locker's RS-485 bus: unlock a slot, read every slot's door and item.

:class:`LockerBus` runs one request at a time over a :class:`SerialLink` with the
profile's protocol: it forgets stale input, sends, reads until a reply that answers the
request arrives, skips junk and bad frames on the way (resynchronising), and retries a
request that got no good answer. A board that stays silent makes its slots ``UNKNOWN``
in :meth:`LockerBus.states`; :meth:`LockerBus.read_board` raises instead.

An unlock is only ever a request: whether the door opened is for the polled state to say
(firmware differs in whether it answers an unlock at all).
"""

from __future__ import annotations

import asyncio
import logging

from kiosk.core.errors import DeviceError, DeviceTimeout, ProtocolViolation
from kiosk.devices.locker.profiles import BoardProfile
from kiosk.devices.locker.protocol import (
    NEED_DATA,
    EightAMaster,
    KerongMaster,
    QueryState,
    Reply,
    StateReported,
    Unlock,
    UnlockAnswered,
)
from kiosk.devices.locker.slots import DoorState, SlotState
from kiosk.devices.serial_link import SerialLink

log = logging.getLogger(__name__)


class LockerBus:
    """The lock boards of one locker, behind one serial port."""

    def __init__(
        self,
        link: SerialLink,
        profile: BoardProfile,
        *,
        timeout_s: float = 0.5,
        retries: int = 2,
    ) -> None:
        self.link = link
        self.profile = profile
        self.timeout_s = timeout_s
        self.retries = retries
        self._lock = asyncio.Lock()
        self.violations = 0  # bad frames seen, for diagnostics

    @classmethod
    async def open(
        cls, port: str, profile: BoardProfile, *, baud: int = 0, **kwargs: float
    ) -> LockerBus:
        link = await SerialLink.open(port, baud or profile.baud, gap_s=profile.gap_s)
        return cls(link, profile, **kwargs)  # type: ignore[arg-type]

    async def close(self) -> None:
        await self.link.close()

    def _parser(self) -> KerongMaster | EightAMaster:
        if self.profile.protocol == "kerong":
            return KerongMaster(self.profile.state_bytes)
        profile = self.profile
        return EightAMaster(profile.state_bytes * (1 if profile.item_bit is None else 2))

    async def _exchange(self, command: Unlock | QueryState, *, tries: int) -> Reply:
        """Send ``command`` and return the reply that answers it, retrying ``tries`` times."""
        async with self._lock:
            failure: DeviceError = DeviceTimeout()
            for attempt in range(1, tries + 1):
                self.link.discard_input()
                parser = self._parser()
                await self.link.write(parser.send(command))
                try:
                    return await self._reply_to(command, parser)
                except DeviceError as exc:
                    failure = exc
                    log.warning("locker %s: %s (try %d of %d)", self.link.port, exc, attempt, tries)
            raise failure

    async def _reply_to(
        self, command: Unlock | QueryState, parser: KerongMaster | EightAMaster
    ) -> Reply:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout_s
        violation: ProtocolViolation | None = None
        while (remaining := deadline - loop.time()) > 0:
            if isinstance(parser, EightAMaster):
                data = await self.link.read_burst(remaining, self.profile.gap_s)
            else:
                data = await self.link.read(remaining)
            if not data:
                break
            parser.receive_data(data)
            if isinstance(parser, EightAMaster):
                parser.receive_gap()
            while True:
                try:
                    event = parser.next_event()
                except ProtocolViolation as exc:
                    self.violations += 1
                    violation = exc
                    log.debug("locker %s: %s", self.link.port, exc)
                    continue
                if event is NEED_DATA:
                    break
                if _answers(command, event):
                    if isinstance(event, StateReported):
                        try:
                            self.profile.split(event)
                        except ProtocolViolation as exc:
                            violation = exc
                            continue
                    return event
                log.debug("locker %s: ignored %r", self.link.port, event)
            if isinstance(parser, EightAMaster) and parser.pending is None:
                parser.pending = command  # keep listening for the real answer
        if violation is not None:
            raise ProtocolViolation(f"bad reply from the locker board: {violation}")
        raise DeviceTimeout(f"no reply from locker board {command.board} on {self.link.port}")

    async def read_board(self, board: int) -> StateReported:
        """The raw state of one board; raises DeviceTimeout or ProtocolViolation."""
        reply = await self._exchange(QueryState(board), tries=1 + self.retries)
        assert isinstance(reply, StateReported)
        self.profile.split(reply)  # a reply of the wrong size is a bad reply
        return reply

    async def states(self) -> list[SlotState]:
        """Every slot, in slot order; slots of a board that did not answer are UNKNOWN."""
        result: list[SlotState] = []
        for board in self.profile.boards:
            wirings = [w for w in self.profile.slots if w.board == board]
            try:
                locks, sensors = self.profile.split(await self.read_board(board))
            except DeviceError as exc:
                log.warning("locker board %d unreadable: %s", board, exc)
                result += [SlotState(w.slot, DoorState.UNKNOWN, None) for w in wirings]
                continue
            for wiring in wirings:
                door, item = self.profile.decode(wiring, locks, sensors)
                result.append(SlotState(wiring.slot, door, item))
        return sorted(result, key=lambda s: s.slot)

    async def state(self, slot: int) -> SlotState:
        """One slot (reads its whole board); UNKNOWN if the board did not answer."""
        wiring = self.profile.wiring(slot)
        try:
            locks, sensors = self.profile.split(await self.read_board(wiring.board))
        except DeviceError as exc:
            log.warning("locker slot %d unreadable: %s", slot, exc)
            return SlotState(slot, DoorState.UNKNOWN, None)
        door, item = self.profile.decode(wiring, locks, sensors)
        return SlotState(slot, door, item)

    async def unlock(self, slot: int) -> bool:
        """Ask the board to release ``slot``'s latch; True if the board acknowledged it.

        Boards whose firmware answers unlocks are waited for (no retry: the caller polls
        the door and unlocks again if it stays shut); others are not.
        """
        wiring = self.profile.wiring(slot)
        command = Unlock(wiring.board, wiring.lock)
        log.info("locker %s: unlock slot %d", self.link.port, slot)
        if not self.profile.answers_unlock:
            async with self._lock:
                self.link.discard_input()
                await self.link.write(self._parser().send(command))
            return False
        try:
            await self._exchange(command, tries=1)
        except DeviceError as exc:
            log.warning("locker slot %d: unlock not acknowledged: %s", slot, exc)
            return False
        return True


def _answers(command: Unlock | QueryState, event: object) -> bool:
    if isinstance(command, QueryState):
        return isinstance(event, StateReported) and event.board == command.board
    return isinstance(event, UnlockAnswered) and (event.board, event.lock) == (
        command.board,
        command.lock,
    )
