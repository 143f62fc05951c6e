"""An emulated GA 467 ID-card reader, for a pty, with a card that can be placed and taken.

Scripting: ``model.place(card_text, photo)``, ``model.remove()``, ``model.commands``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from kiosk.devices.idcard.protocol import (
    FIND_CARD,
    NEED_DATA,
    READ_BASIC,
    READ_SAM_ID,
    RESET_SAM,
    SAM_STATUS,
    SELECT_CARD,
    STATUS_CHECKSUM_ERROR,
    STATUS_COMMAND_ERROR,
    STATUS_FOUND,
    STATUS_NO_CARD,
    STATUS_OK,
    STATUS_READ_FAILED,
    STATUS_SELECT_FAILED,
    CardText,
    SamCard,
    SamCommand,
    SamReplied,
    encode_basic,
    encode_text,
)
from kiosk.devices.pty_emulator import flip_last_byte

log = logging.getLogger(__name__)

# The specimen number of GB 11643 (valid check digit), on a made-up person.
DEMO_CARD = CardText(
    name="张晓屋",
    sex="2",
    nation="01",
    birth="19491231",
    address="北京市朝阳区示例路1号",
    id_number="11010519491231002X",
    issuer="北京市公安局朝阳分局",
    valid_from="20200101",
    valid_to="20400101",
)
DEMO_PHOTO = bytes(range(256)) * 4  # 1024 opaque bytes, like a wlt image


class IdCardModel:
    gap_framed = False
    gap_s = 0.0

    def __init__(self) -> None:
        self.card: CardText | None = None
        self.photo = b""
        self.commands: list[SamCommand] = []
        self._found = self._selected = False
        self._sam = SamCard()
        self._changed: Callable[[], None] = lambda: None

    def bind(self, changed: Callable[[], None], emit: Callable[[bytes], None]) -> None:
        self._changed = changed

    def place(self, card: CardText = DEMO_CARD, photo: bytes = DEMO_PHOTO) -> None:
        self.card, self.photo = card, photo
        self._found = self._selected = False
        self._changed()

    def remove(self) -> None:
        self.card = None
        self._found = self._selected = False
        self._changed()

    def corrupt(self, frame: bytes) -> bytes:
        return flip_last_byte(frame)

    def receive_gap(self) -> list[bytes]:  # pragma: no cover - not gap framed
        return []

    def receive(self, data: bytes) -> list[bytes]:
        self._sam.receive_data(data)
        replies: list[bytes] = []
        while True:
            try:
                command = self._sam.next_event()
            except Exception:
                replies.append(self._sam.send(SamReplied(0, 0, STATUS_CHECKSUM_ERROR)))
                continue
            if command is NEED_DATA:
                return replies
            self.commands.append(command)
            replies.append(self._sam.send(self._answer(command)))

    def _answer(self, command: SamCommand) -> SamReplied:
        if command in (RESET_SAM, SAM_STATUS):
            return SamReplied(0, 0, STATUS_OK)
        if command == READ_SAM_ID:
            return SamReplied(0, 0, STATUS_OK, bytes(range(16)))
        if command == FIND_CARD:
            self._found = self.card is not None
            return (
                SamReplied(0, 0, STATUS_FOUND, bytes(4))
                if self._found
                else SamReplied(0, 0, STATUS_NO_CARD)
            )
        if command == SELECT_CARD:
            self._selected = self._found and self.card is not None
            if self._selected:
                return SamReplied(0, 0, STATUS_OK, bytes(8))
            return SamReplied(0, 0, STATUS_SELECT_FAILED)
        if command == READ_BASIC:
            if not (self._selected and self.card is not None):
                return SamReplied(0, 0, STATUS_READ_FAILED)
            return SamReplied(0, 0, STATUS_OK, encode_basic(encode_text(self.card), self.photo))
        return SamReplied(0, 0, STATUS_COMMAND_ERROR)
