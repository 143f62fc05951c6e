"""Device emulators on a pseudo-terminal, speaking the real bytes, with fault injection.

A :class:`PtyEmulator` opens ``os.openpty()``, puts both ends in raw mode and runs a
:class:`DeviceModel` (a sans-IO model of one device: bytes in, reply frames out) on the
master end; a driver opens the slave end's path like any serial port. Faults are
injected per reply frame, in the order they were asked for::

    emulator.faults.inject(Fault.JUNK)          # the next reply is preceded by junk
    emulator.faults.inject(Fault.SILENCE, 2)    # the two after it are never sent
    emulator.faults.always.add(Fault.SILENCE)   # the device is dead until removed

Tests wait on :meth:`PtyEmulator.wait_for` (woken on every byte in or out and every
scripted change), never on a sleep.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
import os
import tty
from collections.abc import Callable
from typing import Protocol

log = logging.getLogger(__name__)

JUNK = b"\xfe\x00\x13\x37\xc0"


class Fault(enum.Enum):
    JUNK = "junk"  # junk bytes before the reply
    BAD_CHECKSUM = "bad-checksum"  # the reply's check byte is wrong
    SILENCE = "silence"  # no reply at all
    SPLIT = "split"  # the reply arrives in two writes, ``split_delay_s`` apart
    MERGED = "merged"  # the reply is held back and sent in one write with the next one


class DeviceModel(Protocol):
    """A device's behaviour, free of IO: feed it bytes, get reply frames."""

    gap_framed: bool  # frames end by silence (feed ``receive_gap`` after a quiet spell)
    gap_s: float

    def receive(self, data: bytes) -> list[bytes]: ...

    def receive_gap(self) -> list[bytes]: ...

    def corrupt(self, frame: bytes) -> bytes:
        """``frame`` with a wrong check byte."""
        ...

    def bind(self, changed: Callable[[], None], emit: Callable[[bytes], None]) -> None:
        """Called by the emulator: ``changed()`` after a scripted change, ``emit`` to send."""
        ...


def flip_last_byte(frame: bytes) -> bytes:
    return frame[:-1] + bytes([frame[-1] ^ 0xFF])


class FaultPlan:
    """Faults waiting for the next replies, and faults applied to every reply."""

    def __init__(self) -> None:
        self._queue: list[Fault] = []
        self.always: set[Fault] = set()
        self.applied: list[Fault] = []

    def inject(self, fault: Fault, times: int = 1) -> None:
        self._queue.extend([fault] * times)

    def next(self) -> Fault | None:
        if self._queue:
            return self._queue.pop(0)
        return next(iter(self.always), None)

    @property
    def pending(self) -> int:
        return len(self._queue)


class PtyEmulator:
    """Runs ``model`` on the master side of a fresh pty; ``path`` is for the driver."""

    def __init__(self, model: DeviceModel, *, split_delay_s: float = 0.05) -> None:
        self.model = model
        self.faults = FaultPlan()
        self.split_delay_s = split_delay_s
        self.path = ""
        self.bytes_in = 0
        self.frames_out = 0
        self._master = -1
        self._slave = -1
        self._held: bytes = b""
        self._delayed: bytes | None = None  # the second half of a split write, and after it
        self._gap_timer: asyncio.TimerHandle | None = None
        self._changed = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None

    async def start(self) -> str:
        self._loop = asyncio.get_running_loop()
        self._master, self._slave = os.openpty()
        for fd in (self._master, self._slave):
            tty.setraw(fd)
        os.set_blocking(self._master, False)
        self.path = os.ttyname(self._slave)
        self.model.bind(self.notify, self.emit)
        self._loop.add_reader(self._master, self._on_readable)
        log.info("emulator %s on %s", type(self.model).__name__, self.path)
        return self.path

    async def __aenter__(self) -> PtyEmulator:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._master < 0:
            return
        assert self._loop is not None
        self._loop.remove_reader(self._master)
        if self._gap_timer is not None:
            self._gap_timer.cancel()
        for fd in (self._master, self._slave):
            with contextlib.suppress(OSError):
                os.close(fd)
        self._master = self._slave = -1

    def notify(self) -> None:
        self._changed.set()

    async def wait_for(self, predicate: Callable[[], bool], within_s: float = 5.0) -> None:
        """Return once ``predicate()`` holds; TimeoutError after ``within_s`` seconds."""
        async with asyncio.timeout(within_s):
            while not predicate():
                self._changed.clear()
                await self._changed.wait()

    def _on_readable(self) -> None:
        try:
            data = os.read(self._master, 4096)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:  # EIO: nobody holds the slave end open right now
            return
        self.bytes_in += len(data)
        for frame in self.model.receive(data):
            self.emit(frame)
        if self.model.gap_framed:
            assert self._loop is not None
            if self._gap_timer is not None:
                self._gap_timer.cancel()
            self._gap_timer = self._loop.call_later(self.model.gap_s, self._on_gap)
        self.notify()

    def _on_gap(self) -> None:
        self._gap_timer = None
        for frame in self.model.receive_gap():
            self.emit(frame)
        self.notify()

    def emit(self, frame: bytes) -> None:
        """Send one frame from the device, through the fault plan."""
        fault = self.faults.next()
        if fault is not None:
            self.faults.applied.append(fault)
            log.debug("emulator fault %s on a frame of %d bytes", fault.value, len(frame))
        if fault is Fault.SILENCE:
            return
        if fault is Fault.MERGED:
            self._held += frame
            return
        if fault is Fault.BAD_CHECKSUM:
            frame = self.model.corrupt(frame)
        elif fault is Fault.JUNK:
            frame = JUNK + frame
        frame, self._held = self._held + frame, b""
        self.frames_out += 1
        if fault is Fault.SPLIT and len(frame) > 1 and self._delayed is None:
            half = len(frame) // 2
            self._write(frame[:half])
            self._delayed = frame[half:]
            assert self._loop is not None
            self._loop.call_later(self.split_delay_s, self._write_delayed)
            return
        self._write(frame)

    def _write_delayed(self) -> None:
        data, self._delayed = self._delayed or b"", None
        self._write(data)

    def _write(self, data: bytes) -> None:
        if self._delayed is not None:  # keep the order of the bytes on the line
            self._delayed += data
            return
        if self._master < 0:
            return
        try:
            os.write(self._master, data)
        except OSError as exc:  # the buffer is full or the pty is gone: like a dead line
            log.debug("emulator write failed: %s", exc)
        self.notify()
