"""Sans-IO decoders for QR scanners: serial (USB-COM) lines and keyboard-wedge timing.

Theory of operation
-------------------
A serial scanner sends each code as UTF-8 text followed by a terminator (CR by default;
CR LF and LF are accepted too) and takes the Honeywell-style serial trigger commands
``SYN T CR`` (``16 54 0D``, start a scan) and ``SYN U CR`` (``16 55 0D``, stop).
:class:`SerialScanDecoder` turns the bytes into :class:`Scanned` events.

A keyboard-wedge scanner "types" the code: the booth only sees key presses. A scanner
types a whole code in one burst, a few milliseconds between keys, and ends it with Enter;
a person types far more slowly. :class:`WedgeDecoder` is fed each key with the time it
arrived (``receive_key(char, at)``) and the current time when nothing happens
(``receive_time(at)``); a burst of at least ``min_length`` characters whose every gap is
at most ``max_gap_s`` and that ends with Enter is a :class:`Scanned`; everything else is
handed back as :class:`Typed` text so no keystroke is lost.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from kiosk.core.errors import ProtocolViolation

DEFAULT_BAUD = 9600
MAX_CODE = 4096
ENTER = "\n"


class _NeedData(enum.Enum):
    NEED_DATA = "NEED_DATA"


NEED_DATA = _NeedData.NEED_DATA


@dataclass(frozen=True, slots=True)
class Trigger:
    """Start a scan (for scanners in command-trigger mode)."""


@dataclass(frozen=True, slots=True)
class Untrigger:
    """Stop a scan."""


@dataclass(frozen=True, slots=True)
class Scanned:
    """A code was scanned."""

    text: str


@dataclass(frozen=True, slots=True)
class Typed:
    """Keys a person typed; ``submitted`` when they ended with Enter."""

    text: str
    submitted: bool = False


_COMMANDS = {Trigger: b"\x16T\r", Untrigger: b"\x16U\r"}


def encode_command(command: Trigger | Untrigger) -> bytes:
    return _COMMANDS[type(command)]


def encode_scan(text: str, terminator: bytes = b"\r") -> bytes:
    """What a serial scanner sends for ``text`` (used by the emulator)."""
    if any(ch in text for ch in "\r\n"):
        raise ValueError("a scanned code cannot contain a line break")
    return text.encode("utf-8") + terminator


class SerialScanDecoder:
    """Lines from a serial scanner."""

    def __init__(self) -> None:
        self._buffer = bytearray()

    def send(self, command: Trigger | Untrigger) -> bytes:
        return encode_command(command)

    def receive_data(self, data: bytes) -> None:
        self._buffer += data

    def next_event(self) -> Scanned | _NeedData:
        buf = self._buffer
        while bytes(buf[:1]) in (b"\r", b"\n"):
            del buf[:1]
        ends = [i for i in (buf.find(b"\r"), buf.find(b"\n")) if i >= 0]
        if not ends:
            if len(buf) > MAX_CODE:
                buf.clear()
                raise ProtocolViolation(f"scanner: no terminator after {MAX_CODE} bytes")
            return NEED_DATA
        end = min(ends)
        line = bytes(buf[:end])
        del buf[: end + 1]
        try:
            return Scanned(line.decode("utf-8"))
        except UnicodeDecodeError:
            raise ProtocolViolation("scanner: a code that is not UTF-8") from None


class WedgeDecoder:
    """Tells a keyboard-wedge scanner's bursts from a person's typing by timing."""

    def __init__(self, max_gap_s: float = 0.03, min_length: int = 4) -> None:
        if max_gap_s <= 0 or min_length < 1:
            raise ValueError("max_gap_s must be positive and min_length at least 1")
        self.max_gap_s = max_gap_s
        self.min_length = min_length
        self._burst: list[str] = []
        self._last: float | None = None
        self._events: list[Scanned | Typed] = []

    def receive_key(self, char: str, at: float) -> None:
        """One key press; Enter is ``"\\n"`` (``"\\r"`` is taken as Enter too)."""
        if len(char) != 1:
            raise ValueError("one key at a time")
        if self._last is not None and at - self._last > self.max_gap_s:
            self._flush()
        self._last = at
        if char in "\r\n":
            text = "".join(self._burst)
            self._burst.clear()
            self._last = None
            # Every gap in the burst was short: a slower key would have flushed it.
            if len(text) >= self.min_length:
                self._events.append(Scanned(text))
            else:
                self._events.append(Typed(text, submitted=True))
            return
        self._burst.append(char)

    def receive_time(self, at: float) -> None:
        """Nothing was pressed until ``at``: a burst that stopped without Enter was typing."""
        if self._last is not None and at - self._last > self.max_gap_s:
            self._flush()

    def _flush(self) -> None:
        # ``_last`` is only set while a burst holds keys, so the burst is never empty here.
        self._events.append(Typed("".join(self._burst)))
        self._burst.clear()
        self._last = None

    def next_event(self) -> Scanned | Typed | _NeedData:
        return self._events.pop(0) if self._events else NEED_DATA
