"""An emulated locker: lock boards with doors, items and sticky latches, for a pty.

:class:`LockerModel` answers the profile's protocol like the real boards (only the
boards the profile wires exist; others stay silent) and is scripted by slot number::

    model.close_door(3); model.put_item(3); model.stick(5)      # 5 stays shut on unlock
    model.auto_close_s = 2.0   # a citizen: each opened door closes 2 s later, with an
                               # item put in (if it was empty) or taken out (if not)

Unlocking a slot lets its spring push the door open unless the door sticks.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from kiosk.devices.locker.profiles import BoardProfile
from kiosk.devices.locker.protocol import (
    NEED_DATA,
    EightABoard,
    KerongBoard,
    LockReported,
    QueryLock,
    QueryState,
    Unlock,
    UnlockAnswered,
)
from kiosk.devices.pty_emulator import flip_last_byte

log = logging.getLogger(__name__)


class LockerModel:
    def __init__(self, profile: BoardProfile) -> None:
        self.profile = profile
        self.gap_framed = profile.gap_chars > 0
        self.gap_s = profile.gap_s
        self._parser: KerongBoard | EightABoard = (
            KerongBoard(profile.state_bytes) if profile.protocol == "kerong" else EightABoard()
        )
        self._by_wire = {(w.board, w.lock): w.slot for w in profile.slots}
        self.closed: dict[int, bool] = {w.slot: True for w in profile.slots}
        self.items: dict[int, bool] = {w.slot: False for w in profile.slots}
        self._sticky: dict[int, int | None] = {}
        self.unlocks: list[int] = []  # slots, in the order they were unlocked
        self.queries = 0
        self.auto_close_s: float | None = None
        self._changed: Callable[[], None] = lambda: None

    def bind(self, changed: Callable[[], None], emit: Callable[[bytes], None]) -> None:
        self._changed = changed

    # --- scripting ------------------------------------------------------------------
    def open_door(self, slot: int) -> None:
        self.closed[slot] = False
        self._changed()

    def close_door(self, slot: int) -> None:
        self.closed[slot] = True
        self._changed()

    def put_item(self, slot: int) -> None:
        self.items[slot] = True
        self._changed()

    def take_item(self, slot: int) -> None:
        self.items[slot] = False
        self._changed()

    def stick(self, slot: int, times: int | None = None) -> None:
        """The door stays shut on the next ``times`` unlocks (None: until unstuck)."""
        self._sticky[slot] = times
        self._changed()

    def unstick(self, slot: int) -> None:
        self._sticky.pop(slot, None)

    def is_open(self, slot: int) -> bool:
        return not self.closed[slot]

    # --- the bus --------------------------------------------------------------------
    def corrupt(self, frame: bytes) -> bytes:
        return flip_last_byte(frame)

    def receive(self, data: bytes) -> list[bytes]:
        self._parser.receive_data(data)
        return [] if self.gap_framed else self._answer()

    def receive_gap(self) -> list[bytes]:
        assert isinstance(self._parser, EightABoard)
        self._parser.receive_gap()
        return self._answer()

    def _answer(self) -> list[bytes]:
        replies: list[bytes] = []
        while True:
            try:
                command = self._parser.next_event()
            except Exception as exc:
                log.debug("locker emulator ignored a bad frame: %s", exc)
                continue
            if command is NEED_DATA:
                return replies
            reply = self._handle(command)
            if reply is not None:
                replies.append(reply)

    def _handle(self, command: Unlock | QueryState | QueryLock) -> bytes | None:
        if command.board not in self.profile.boards:
            return None
        parser = self._parser
        if isinstance(command, QueryState):
            self.queries += 1
            closed = {
                w.lock: self.closed[w.slot] for w in self.profile.slots if w.board == command.board
            }
            items = {
                w.lock: self.items[w.slot] for w in self.profile.slots if w.board == command.board
            }
            return parser.send(self.profile.encode(command.board, closed, items))
        slot = self._by_wire.get((command.board, command.lock))
        if isinstance(command, QueryLock):
            is_open = slot is not None and not self.closed[slot]
            return parser.send(LockReported(command.board, command.lock, 0x11 if is_open else 0))
        if slot is not None:
            self._unlock(slot)
        if not self.profile.answers_unlock:
            return None
        status = 0x11 if self.profile.protocol == "8a" else None
        return parser.send(UnlockAnswered(command.board, command.lock, status))

    def _unlock(self, slot: int) -> None:
        self.unlocks.append(slot)
        if slot in self._sticky:
            left = self._sticky[slot]
            if left is None or left > 0:
                if left is not None:
                    self._sticky[slot] = left - 1
                log.info("locker emulator: slot %d sticks", slot)
                self._changed()
                return
        self.closed[slot] = False
        log.info("locker emulator: slot %d opened", slot)
        if self.auto_close_s is not None:
            asyncio.get_running_loop().call_later(self.auto_close_s, self._citizen_closes, slot)
        self._changed()

    def _citizen_closes(self, slot: int) -> None:
        self.items[slot] = not self.items[slot]
        self.closed[slot] = True
        log.info("locker emulator: slot %d closed, item %s", slot, self.items[slot])
        self._changed()
