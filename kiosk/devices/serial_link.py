"""The one place where booth devices touch a serial port: an asyncio byte link.

A :class:`SerialLink` opens a port with pyserial-asyncio-fast and offers what the
drivers need of a half-duplex bus and nothing more: write a frame (keeping the bus's
inter-frame gap), read what arrived with a timeout, read one burst up to a silence (for
protocols that end frames by silence), and forget stale input before a new request.

Timeouts here are physical bus time on the event loop's clock; the drivers above inject
a :class:`~kiosk.core.clock.Clock` for everything a person waits for.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import serial
import serial_asyncio_fast

from kiosk.core.errors import DeviceError

log = logging.getLogger(__name__)


class LinkClosed(DeviceError):
    """The serial port went away (unplugged adapter, closed pty)."""

    code = "device_unavailable"


def char_time(baud: int) -> float:
    """Seconds one 8N1 character (11 bits with start, parity slot and stop) takes."""
    return 11.0 / baud


class _Inbox(asyncio.Protocol):
    """Collects received bytes and wakes the reader."""

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.arrived = asyncio.Event()
        self.lost: Exception | None = None
        self.closed = asyncio.Event()
        self.last_rx = 0.0

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        self.last_rx = asyncio.get_running_loop().time()
        self.arrived.set()

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost = exc or LinkClosed("serial port closed")
        self.arrived.set()
        self.closed.set()


class _LoopThreadTransport(serial_asyncio_fast.SerialTransport):
    """pyserial-asyncio-fast's transport, closing the port on the loop's thread.

    The library closes ports in an executor thread; on qasync's loop, executor threads
    around a closing loop crashed the interpreter now and then (a segfault inside
    ``QEventLoop.run_forever``). Closing a tty does not block, so it is done right here.
    """

    async def _call_connection_lost(self, exc: Exception | None, *, flush: bool) -> None:
        self._write_buffer.clear()
        port, protocol = self._serial, self._protocol
        try:
            port.close()
        except Exception:  # the port may already be gone (an unplugged adapter)
            log.debug("closing the serial port failed", exc_info=True)
        # Drop the references as the library does, so nothing is used after closing.
        self._serial = None
        self._loop = None  # type: ignore[assignment]
        self._protocol = None  # type: ignore[assignment]
        protocol.connection_lost(exc)


class SerialLink:
    """An open serial port. ``gap_s`` is the silence kept before each frame we send."""

    def __init__(
        self, transport: Any, inbox: _Inbox, *, port: str, gap_s: float = 0.0, redact: bool = False
    ) -> None:
        self._transport = transport
        self.redact = redact  # personal data on this line: log sizes, never bytes
        self._inbox = inbox
        self.port = port
        self.gap_s = gap_s
        self._last_tx = 0.0

    @classmethod
    async def open(
        cls, port: str, baud: int, *, gap_s: float = 0.0, redact: bool = False
    ) -> SerialLink:
        """Open ``port`` at ``baud`` 8N1; raises :class:`DeviceError` if it cannot.

        ``redact``: the line carries personal data (an ID card): DEBUG logs give sizes only.
        """
        loop = asyncio.get_running_loop()
        inbox = _Inbox()
        try:
            # Opened here rather than in an executor thread (as create_serial_connection
            # does): opening a tty does not block, and executor threads on qasync's loop
            # must be waited for when the loop closes.
            port_handle = serial.Serial(port, baudrate=baud)
        except (OSError, ValueError, serial.SerialException) as exc:
            raise DeviceError(f"cannot open {port}: {exc}", code="device_unavailable") from exc
        transport = _LoopThreadTransport(loop, inbox, port_handle)
        log.info("opened %s at %d baud", port, baud)
        return cls(transport, inbox, port=port, gap_s=gap_s, redact=redact)

    def _check(self) -> None:
        if self._inbox.lost is not None and not self._inbox.buffer:
            raise LinkClosed(f"{self.port}: {self._inbox.lost}")

    async def write(self, frame: bytes) -> None:
        """Send ``frame`` once the bus has been quiet for ``gap_s``."""
        self._check()
        loop = asyncio.get_running_loop()
        quiet_since = max(self._inbox.last_rx, self._last_tx)
        wait = quiet_since + self.gap_s - loop.time()
        if wait > 0:
            await asyncio.sleep(wait)
        log.debug("%s > %s", self.port, self._dump(frame))
        self._transport.write(frame)
        self._last_tx = loop.time()

    def discard_input(self) -> bytes:
        """Forget bytes not read yet (a late reply to an earlier request); return them."""
        stale = bytes(self._inbox.buffer)
        self._inbox.buffer.clear()
        self._inbox.arrived.clear()
        if stale:
            log.debug("%s discarded %s", self.port, self._dump(stale))
        return stale

    async def read(self, wait_s: float) -> bytes:
        """Whatever has arrived, waiting up to ``wait_s`` for something; b"" if nothing."""
        inbox = self._inbox
        if not inbox.buffer:
            self._check()
            inbox.arrived.clear()
            try:
                await asyncio.wait_for(inbox.arrived.wait(), max(0.0, wait_s))
            except TimeoutError:
                return b""
            self._check()
        data = bytes(inbox.buffer)
        inbox.buffer.clear()
        inbox.arrived.clear()
        log.debug("%s < %s", self.port, self._dump(data))
        return data

    async def read_burst(self, wait_s: float, silence_s: float) -> bytes:
        """Bytes up to the first ``silence_s`` of quiet, waiting ``wait_s`` for the first."""
        burst = await self.read(wait_s)
        while burst:
            more = await self.read(silence_s)
            if not more:
                break
            burst += more
        return burst

    def _dump(self, data: bytes) -> str:
        return f"{len(data)} bytes" if self.redact else data.hex(" ")

    async def close(self) -> None:
        """Close the port and wait until it is closed (the transport closes it in an
        executor thread, which must not outlive the event loop)."""
        self._transport.close()
        try:
            await asyncio.wait_for(self._inbox.closed.wait(), 5.0)
        except TimeoutError:
            log.warning("%s did not close within 5 s", self.port)
