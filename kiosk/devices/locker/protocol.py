"""Sans-IO protocols of parcel-locker lock boards: Kerong KR-CU and the generic "8A" boards.

Theory of operation
-------------------
Both sides of the bus are modelled, so the driver and the emulator share one codec:

* the *master* (the booth) calls ``send(command) -> bytes`` and feeds whatever the
  port returns to ``receive_data(bytes)``, then calls ``next_event()`` until it says
  :data:`NEED_DATA`;
* the *board* (the emulator) does the same with commands, and ``send(reply)``.

Nothing here touches a port or a clock. Bad input raises
:class:`~kiosk.core.errors.ProtocolViolation` from ``next_event()`` *after* the offending
bytes have been dropped, so calling ``next_event()`` again resynchronises on the rest.
Misuse by the caller (a lock number out of range, a reply sent by the master) raises
``ValueError``.

Kerong KR-CU (19200 8N1), every frame ``02 ADDR CMD [DATA] 03 SUM``:

==========  =======================  ===========================================
command     bytes                    reply
==========  =======================  ===========================================
unlock      ``02 ADDR 31 03 SUM``    some firmware echoes it, some stay silent
state       ``02 ADDR 30 03 SUM``    ``02 ADDR 35 LOCKS.. SENSORS.. 03 SUM``
==========  =======================  ===========================================

``ADDR = board << 4 | lock``, ``SUM`` is the low byte of the sum of every byte from
``STX`` to ``ETX``. A state reply carries ``state_bytes`` lock bytes then as many
infrared-sensor bytes (two each on a CU16). ``ETX`` may occur inside the data, so frames
are delimited by the length each command implies, never by searching for ``03``.

Generic 8A boards (9600 8N1), every frame five bytes or more, ending ``BCC`` (XOR of the
bytes before it); a frame ends after 3.5 character times of silence, which the link
reports with ``receive_gap()``:

==============  ========================  =========================================
command         bytes                     reply
==============  ========================  =========================================
unlock CH       ``8A BOARD CH 11 BCC``    ``8A BOARD CH STATUS BCC``
query CH        ``80 BOARD CH 33 BCC``    ``80 BOARD CH STATUS BCC``
query all       ``80 BOARD 00 33 BCC``    ``80 BOARD LOCKS.. [SENSORS..] 33 BCC``
==============  ========================  =========================================

Channels of an 8A board count from 1; ``STATUS`` is the raw lock byte (its polarity is a
board-profile setting). A master answers a reply according to the command it sent (the
single-channel and all-channel replies have the same shape when one data byte is
returned), so :class:`EightAMaster` remembers the outstanding command.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from kiosk.core.errors import ProtocolViolation


class _NeedData(enum.Enum):
    NEED_DATA = "NEED_DATA"


NEED_DATA = _NeedData.NEED_DATA
"""``next_event()`` returns this when no complete frame is buffered."""

# --- messages ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Unlock:
    """Release the latch of one lock (channel numbering as on the wire)."""

    board: int
    lock: int


@dataclass(frozen=True, slots=True)
class QueryState:
    """Ask a board for the state of every lock and sensor."""

    board: int


@dataclass(frozen=True, slots=True)
class QueryLock:
    """Ask an 8A board for one channel's lock byte."""

    board: int
    lock: int


@dataclass(frozen=True, slots=True)
class UnlockAnswered:
    """A board answered an unlock. ``status`` is the 8A status byte, None for Kerong."""

    board: int
    lock: int
    status: int | None = None


@dataclass(frozen=True, slots=True)
class StateReported:
    """The raw lock and sensor bytes of a board, as they came off the wire."""

    board: int
    locks: bytes
    sensors: bytes = b""


@dataclass(frozen=True, slots=True)
class LockReported:
    """An 8A board's status byte for one channel."""

    board: int
    lock: int
    status: int


Command = Unlock | QueryState | QueryLock
Reply = UnlockAnswered | StateReported | LockReported

# --- Kerong KR-CU ----------------------------------------------------------------------

STX = 0x02
ETX = 0x03
KERONG_UNLOCK = 0x31
KERONG_QUERY = 0x30
KERONG_STATE = 0x35
KERONG_BAUD = 19200


def kerong_sum(data: bytes) -> int:
    """Low byte of the sum of ``data`` (STX through ETX)."""
    return sum(data) & 0xFF


def _kerong_frame(addr: int, cmd: int, data: bytes = b"") -> bytes:
    body = bytes([STX, addr, cmd]) + data + bytes([ETX])
    return body + bytes([kerong_sum(body)])


def _check_range(name: str, value: int, top: int) -> None:
    if not 0 <= value <= top:
        raise ValueError(f"{name} {value} is out of range 0..{top}")


class _Kerong:
    """What both ends of a Kerong bus share: a buffer and a length-delimited reader."""

    def __init__(self, state_bytes: int = 2) -> None:
        if state_bytes < 1:
            raise ValueError("state_bytes must be at least 1")
        self.state_bytes = state_bytes
        self._buffer = bytearray()

    def receive_data(self, data: bytes) -> None:
        self._buffer += data

    def _data_length(self, cmd: int) -> int | None:  # pragma: no cover - overridden
        raise NotImplementedError

    def _frame(self) -> tuple[int, int, bytes] | _NeedData:
        """The next (addr, cmd, data) in the buffer; raises after dropping bad bytes."""
        buf = self._buffer
        start = buf.find(STX)
        if start != 0:
            dropped = len(buf) if start < 0 else start
            if dropped == 0:
                return NEED_DATA
            del buf[:dropped]
            raise ProtocolViolation(f"kerong: skipped {dropped} bytes of junk")
        if len(buf) < 3:
            return NEED_DATA
        cmd = buf[2]
        length = self._data_length(cmd)
        if length is None:
            del buf[:1]
            raise ProtocolViolation(f"kerong: unknown command 0x{cmd:02X}")
        total = 3 + length + 2
        if len(buf) < total:
            return NEED_DATA
        frame = bytes(buf[:total])
        if frame[-2] != ETX or frame[-1] != kerong_sum(frame[:-1]):
            del buf[:1]
            raise ProtocolViolation(f"kerong: bad frame {frame.hex(' ')}")
        del buf[:total]
        return frame[1], cmd, frame[3:-2]


class KerongMaster(_Kerong):
    """The booth's end of a Kerong KR-CU bus."""

    def send(self, command: Command) -> bytes:
        if isinstance(command, Unlock):
            _check_range("board", command.board, 15)
            _check_range("lock", command.lock, 15)
            return _kerong_frame(command.board << 4 | command.lock, KERONG_UNLOCK)
        if isinstance(command, QueryState):
            _check_range("board", command.board, 15)
            return _kerong_frame(command.board << 4, KERONG_QUERY)
        raise ValueError(f"kerong boards have no {type(command).__name__} command")

    def _data_length(self, cmd: int) -> int | None:
        return {KERONG_UNLOCK: 0, KERONG_STATE: 2 * self.state_bytes}.get(cmd)

    def next_event(self) -> Reply | _NeedData:
        frame = self._frame()
        if isinstance(frame, _NeedData):
            return frame
        addr, cmd, data = frame
        if cmd == KERONG_UNLOCK:
            return UnlockAnswered(addr >> 4, addr & 0x0F)
        n = self.state_bytes
        return StateReported(addr >> 4, data[:n], data[n:])


class KerongBoard(_Kerong):
    """A Kerong board's end of the bus (used by the emulator)."""

    def send(self, reply: Reply) -> bytes:
        if isinstance(reply, UnlockAnswered):
            return _kerong_frame(reply.board << 4 | reply.lock, KERONG_UNLOCK)
        if isinstance(reply, StateReported):
            if len(reply.locks) != self.state_bytes or len(reply.sensors) != self.state_bytes:
                raise ValueError(f"a state reply carries {self.state_bytes} bytes of each kind")
            return _kerong_frame(reply.board << 4, KERONG_STATE, reply.locks + reply.sensors)
        raise ValueError(f"kerong boards send no {type(reply).__name__}")

    def _data_length(self, cmd: int) -> int | None:
        return {KERONG_UNLOCK: 0, KERONG_QUERY: 0}.get(cmd)

    def next_event(self) -> Command | _NeedData:
        frame = self._frame()
        if isinstance(frame, _NeedData):
            return frame
        addr, cmd, _data = frame
        if cmd == KERONG_UNLOCK:
            return Unlock(addr >> 4, addr & 0x0F)
        return QueryState(addr >> 4)


# --- generic 8A boards -----------------------------------------------------------------

EIGHT_A_UNLOCK_HEAD = 0x8A
EIGHT_A_QUERY_HEAD = 0x80
EIGHT_A_UNLOCK = 0x11
EIGHT_A_QUERY = 0x33
EIGHT_A_BAUD = 9600


def bcc(data: bytes) -> int:
    """XOR of every byte of ``data``."""
    value = 0
    for byte in data:
        value ^= byte
    return value


def _bcc_frame(*values: int) -> bytes:
    body = bytes(values)
    return body + bytes([bcc(body)])


def _check_8a(board: int, lock: int | None = None) -> None:
    _check_range("board", board, 255)
    if lock is not None and not 1 <= lock <= 255:
        raise ValueError(f"lock {lock} is out of range 1..255 (8A channels count from 1)")


class _EightA:
    """Frames delimited by silence: bytes gather until the link reports a gap."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._frames: list[bytes] = []

    def receive_data(self, data: bytes) -> None:
        self._buffer += data

    def receive_gap(self) -> None:
        """The line has been silent for 3.5 character times: what we have is a frame."""
        if self._buffer:
            self._frames.append(bytes(self._buffer))
            self._buffer.clear()

    def _decode(self, frame: bytes) -> object | None:  # pragma: no cover - overridden
        raise NotImplementedError

    def _next(self) -> object:
        if not self._frames:
            return NEED_DATA
        frame = self._frames.pop(0)
        event = self._decode(frame)
        if event is not None:
            return event
        # Resynchronise: junk or a stale frame may precede a good one in one burst.
        for start in range(1, len(frame) - 4):
            if frame[start] in (EIGHT_A_UNLOCK_HEAD, EIGHT_A_QUERY_HEAD):
                event = self._decode(frame[start:])
                if event is not None:
                    self._frames.insert(0, frame[start:])
                    raise ProtocolViolation(f"8A: skipped {start} bytes before a frame")
        raise ProtocolViolation(f"8A: bad frame {frame.hex(' ')}")


class EightAMaster(_EightA):
    """The booth's end of an 8A bus. Remembers the command it sent to parse its reply."""

    def __init__(self, state_length: int | None = None) -> None:
        super().__init__()
        self.pending: Command | None = None
        # Data bytes of a state reply, when known: two state replies merged into one burst
        # form a well-formed longer one, which only the length gives away.
        self.state_length = state_length

    def send(self, command: Command) -> bytes:
        if isinstance(command, Unlock):
            _check_8a(command.board, command.lock)
            frame = _bcc_frame(EIGHT_A_UNLOCK_HEAD, command.board, command.lock, EIGHT_A_UNLOCK)
        elif isinstance(command, QueryLock):
            _check_8a(command.board, command.lock)
            frame = _bcc_frame(EIGHT_A_QUERY_HEAD, command.board, command.lock, EIGHT_A_QUERY)
        else:
            _check_8a(command.board)
            frame = _bcc_frame(EIGHT_A_QUERY_HEAD, command.board, 0x00, EIGHT_A_QUERY)
        self.pending = command
        return frame

    def _decode(self, frame: bytes) -> Reply | None:
        pending = self.pending
        if len(frame) < 5 or bcc(frame[:-1]) != frame[-1] or pending is None:
            return None
        head, board = frame[0], frame[1]
        if board != pending.board:
            return None
        if isinstance(pending, QueryState):
            if head != EIGHT_A_QUERY_HEAD or frame[-2] != EIGHT_A_QUERY:
                return None
            if self.state_length is not None and len(frame) - 4 != self.state_length:
                return None
            return StateReported(board, frame[2:-2])
        if len(frame) != 5 or frame[2] != pending.lock:
            return None
        if isinstance(pending, Unlock):
            return UnlockAnswered(board, frame[2], frame[3]) if head == 0x8A else None
        return LockReported(board, frame[2], frame[3]) if head == 0x80 else None

    def next_event(self) -> Reply | _NeedData:
        event = self._next()
        if not isinstance(event, _NeedData):
            self.pending = None
        return event  # type: ignore[return-value]


class EightABoard(_EightA):
    """An 8A board's end of the bus (used by the emulator)."""

    def send(self, reply: Reply) -> bytes:
        if isinstance(reply, UnlockAnswered):
            return _bcc_frame(EIGHT_A_UNLOCK_HEAD, reply.board, reply.lock, reply.status or 0)
        if isinstance(reply, LockReported):
            return _bcc_frame(EIGHT_A_QUERY_HEAD, reply.board, reply.lock, reply.status)
        if not reply.locks:
            raise ValueError("an 8A state reply carries at least one lock byte")
        data = reply.locks + reply.sensors
        return _bcc_frame(EIGHT_A_QUERY_HEAD, reply.board, *data, EIGHT_A_QUERY)

    def _decode(self, frame: bytes) -> Command | None:
        if len(frame) != 5 or bcc(frame[:-1]) != frame[-1]:
            return None
        head, board, lock, cmd = frame[:4]
        if head == EIGHT_A_UNLOCK_HEAD and cmd == EIGHT_A_UNLOCK and lock:
            return Unlock(board, lock)
        if head == EIGHT_A_QUERY_HEAD and cmd == EIGHT_A_QUERY:
            return QueryLock(board, lock) if lock else QueryState(board)
        return None

    def next_event(self) -> Command | _NeedData:
        return self._next()  # type: ignore[return-value]
