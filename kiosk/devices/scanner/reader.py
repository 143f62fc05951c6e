"""A serial QR scanner: every code it reads, as text, with line noise skipped.

(A keyboard-wedge scanner has no port: the UI feeds its key events to
:class:`~kiosk.devices.scanner.protocol.WedgeDecoder`.)
"""

from __future__ import annotations

import asyncio
import logging

from kiosk.core.errors import ProtocolViolation
from kiosk.devices.scanner.protocol import (
    DEFAULT_BAUD,
    NEED_DATA,
    SerialScanDecoder,
    Trigger,
    Untrigger,
)
from kiosk.devices.serial_link import SerialLink

log = logging.getLogger(__name__)


class QrScanner:
    def __init__(self, link: SerialLink) -> None:
        self.link = link
        self._decoder = SerialScanDecoder()
        self._ready: list[str] = []
        self.violations = 0

    @classmethod
    async def open(cls, port: str, baud: int = 0) -> QrScanner:
        return cls(await SerialLink.open(port, baud or DEFAULT_BAUD))

    async def close(self) -> None:
        await self.link.close()

    async def trigger(self, on: bool = True) -> None:
        """Start (or stop) a scan, for scanners in command-trigger mode."""
        await self.link.write(self._decoder.send(Trigger() if on else Untrigger()))

    async def next_scan(self) -> str:
        """The next code scanned (waits as long as it takes; cancel to stop)."""
        while not self._ready:
            data = await self.link.read(3600.0)
            self._decoder.receive_data(data)
            while True:
                try:
                    event = self._decoder.next_event()
                except ProtocolViolation as exc:
                    self.violations += 1
                    log.warning("scanner %s: %s", self.link.port, exc)
                    continue
                if event is NEED_DATA:
                    break
                self._ready.append(event.text)
        log.info("scanner: a code of %d characters", len(self._ready[0]))
        return self._ready.pop(0)

    async def scans(self, queue: asyncio.Queue[str]) -> None:
        """Put every scan on ``queue`` until cancelled."""
        while True:
            await queue.put(await self.next_scan())
