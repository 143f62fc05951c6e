"""The ID-card reader: find, select and read a resident ID card over GA 467 frames.

:meth:`IdCardReader.read_card` returns an :class:`IdCard` or None when no card lies on
the reader. The card's ID number is personal data: it never appears in a log line, an
exception or a ``repr``; the photo (a proprietary wavelet image) is passed on as bytes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from kiosk.core.clock import Clock
from kiosk.core.errors import DeviceError
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
from kiosk.devices.request_link import RequestLink

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class IdCard:
    text: CardText
    photo: bytes = field(repr=False)  # undecoded (wlt)


class CardReadFailed(DeviceError):
    """The reader saw a card but could not read it (moved away, dirty chip)."""

    code = "idcard_read_failed"


class IdCardReader(RequestLink[SamCommand, SamReplied]):
    """The reader's driver: every command has one reply (its status says how it went)."""

    default_baud = DEFAULT_BAUD
    default_timeout_s = 1.5
    default_retries = 1
    need_data = NEED_DATA

    @classmethod
    def link_options(cls, baud: int) -> dict[str, Any]:
        return {"redact": True}  # the card's data never goes into a frame dump

    def new_master(self) -> SamMaster:
        return SamMaster()

    def answer(self, request: SamCommand, event: Any) -> SamReplied | None:
        return event if isinstance(event, SamReplied) else None

    def device(self, request: SamCommand) -> str:
        return "the ID-card reader"

    async def command(self, command: SamCommand) -> SamReplied:
        """One command and its reply, retried on silence or garbage."""
        return await self.exchange(command)

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
