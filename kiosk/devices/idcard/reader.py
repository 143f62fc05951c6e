"""The ID-card reader: find, select and read a resident ID card over GA 467 frames.

:meth:`IdCardReader.read_card` returns an :class:`IdCard` or None when no card lies on
the reader. The card's ID number is personal data: it never appears in a log line, an
exception or a ``repr``; the photo (a proprietary wavelet image) is passed on as bytes.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from kiosk.core.clock import Clock
from kiosk.core.errors import DeviceError, DeviceTimeout, ProtocolViolation
from kiosk.devices.idcard.protocol import (
    DEFAULT_BAUD,
    FIND_CARD,
    NEED_DATA,
    READ_BASIC,
    SELECT_CARD,
    STATUS_NO_CARD,
    STATUS_SELECT_FAILED,
    CardText,
    SamCommand,
    SamMaster,
    SamReplied,
    decode_basic,
    decode_text,
)
from kiosk.devices.serial_link import SerialLink

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class IdCard:
    text: CardText
    photo: bytes = field(repr=False)  # undecoded (wlt)


class CardReadFailed(DeviceError):
    """The reader saw a card but could not read it (moved away, dirty chip)."""

    code = "idcard_read_failed"


class IdCardReader:
    def __init__(self, link: SerialLink, *, timeout_s: float = 1.5, retries: int = 1) -> None:
        self.link = link
        self.timeout_s = timeout_s
        self.retries = retries
        self._lock = asyncio.Lock()

    @classmethod
    async def open(cls, port: str, baud: int = 0, **kwargs: float) -> IdCardReader:
        link = await SerialLink.open(port, baud or DEFAULT_BAUD, redact=True)
        return cls(link, **kwargs)  # type: ignore[arg-type]

    async def close(self) -> None:
        await self.link.close()

    async def command(self, command: SamCommand) -> SamReplied:
        """One command and its reply, retried on silence or garbage."""
        async with self._lock:
            failure: DeviceError = DeviceTimeout()
            for attempt in range(1, self.retries + 2):
                self.link.discard_input()
                master = SamMaster()
                await self.link.write(master.send(command))
                try:
                    return await self._reply(master)
                except DeviceError as exc:
                    failure = exc
                    log.warning("idcard %s: %s (try %d)", self.link.port, exc, attempt)
            raise failure

    async def _reply(self, master: SamMaster) -> SamReplied:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout_s
        violation: ProtocolViolation | None = None
        while (remaining := deadline - loop.time()) > 0:
            data = await self.link.read(remaining)
            if not data:
                break
            master.receive_data(data)
            while True:
                try:
                    event = master.next_event()
                except ProtocolViolation as exc:
                    violation = exc
                    continue
                if event is NEED_DATA:
                    break
                return event
        if violation is not None:
            raise ProtocolViolation(f"bad reply from the ID-card reader: {violation}")
        raise DeviceTimeout(f"no reply from the ID-card reader on {self.link.port}")

    async def read_card(self) -> IdCard | None:
        """The card on the reader, or None if there is none."""
        found = await self.command(FIND_CARD)
        if found.sw3 == STATUS_NO_CARD:
            return None
        if not found.ok:
            raise CardReadFailed(f"ID-card reader: {found.status_text}")
        selected = await self.command(SELECT_CARD)
        if selected.sw3 == STATUS_SELECT_FAILED:
            return None  # the card left between find and select
        if not selected.ok:
            raise CardReadFailed(f"ID-card reader: {selected.status_text}")
        basic = await self.command(READ_BASIC)
        if not basic.ok:
            raise CardReadFailed(f"ID-card reader: {basic.status_text}")
        text, photo = decode_basic(basic.data)
        card = IdCard(decode_text(text), photo)
        log.info("idcard: read a card (%d photo bytes)", len(photo))
        return card

    async def wait_for_card(self, clock: Clock, poll_s: float = 0.5) -> IdCard:
        """Poll until a card is read (cancel the task to stop waiting)."""
        while True:
            card = await self.read_card()
            if card is not None:
                return card
            await clock.sleep(poll_s)
