"""Sans-IO GA 467 "SAM" protocol of resident ID-card readers, and the card's text block.

Theory of operation
-------------------
Every frame starts with the preamble ``AA AA AA 96 69`` and a two-byte big-endian length
``LEN`` that counts the bytes after it, checksum included; the checksum is the XOR of
the length bytes and everything up to the checksum::

    command  AA AA AA 96 69 LEN_HI LEN_LO CMD PARA [DATA] XOR
    reply    AA AA AA 96 69 LEN_HI LEN_LO SW1 SW2 SW3 [DATA] XOR

(``LEN`` is often written as one field; on the wire it is these two bytes.) A read goes
*find card* (``20 01``, answered ``SW3 = 9F``), *select card* (``20 02``, ``90``), *read
basic information* (``30 01``, ``90`` + text length + photo length (both big-endian) +
the 256-byte text block + the 1024-byte photo). The photo is a proprietary wavelet image
that we pass through, never decode.

The text block is UCS-2 little endian with fixed-width, space-padded fields: name 15
characters, sex 1 (code), nation 2 (code), birth date 8, address 35, ID number 18,
issuing authority 15, validity start 8, validity end 8 (or ``长期``), reserved 18.

:class:`SamMaster` is the booth's end, :class:`SamCard` the reader module's (used by the
emulator). A bad frame raises :class:`~kiosk.core.errors.ProtocolViolation` after its
first byte is dropped, so ``next_event()`` resumes on the rest. ID numbers never appear
in an exception message or a ``repr``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from kiosk.core.errors import ProtocolViolation
from kiosk.core.nations import NATIONS_BY_CODE

PREAMBLE = bytes.fromhex("AAAAAA9669")
DEFAULT_BAUD = 115200
MAX_LENGTH = 4096  # the longest reply (text + photo + fingerprints) is about 2.3 kB

STATUS_OK = 0x90
STATUS_FOUND = 0x9F
STATUS_NO_CARD = 0x80
STATUS_SELECT_FAILED = 0x81
STATUS_READ_FAILED = 0x41
STATUS_CHECKSUM_ERROR = 0x10
STATUS_LENGTH_ERROR = 0x11
STATUS_COMMAND_ERROR = 0x21

STATUS_TEXT = {
    STATUS_OK: "ok",
    STATUS_FOUND: "card found",
    STATUS_NO_CARD: "no card on the reader",
    STATUS_SELECT_FAILED: "card could not be selected",
    STATUS_READ_FAILED: "card could not be read",
    STATUS_CHECKSUM_ERROR: "the reader received a bad checksum",
    STATUS_LENGTH_ERROR: "the reader received a bad length",
    STATUS_COMMAND_ERROR: "the reader does not know the command",
}


class _NeedData(enum.Enum):
    NEED_DATA = "NEED_DATA"


NEED_DATA = _NeedData.NEED_DATA


@dataclass(frozen=True, slots=True)
class SamCommand:
    """A command to the SAM module (``cmd``, ``para`` and optional data)."""

    cmd: int
    para: int
    data: bytes = b""


RESET_SAM = SamCommand(0x10, 0xFF)
SAM_STATUS = SamCommand(0x11, 0xFF)
READ_SAM_ID = SamCommand(0x12, 0xFF)
FIND_CARD = SamCommand(0x20, 0x01)
SELECT_CARD = SamCommand(0x20, 0x02)
READ_BASIC = SamCommand(0x30, 0x01)


@dataclass(frozen=True, slots=True)
class SamReplied:
    """The SAM's answer: three status bytes and the data (repr hides the data)."""

    sw1: int
    sw2: int
    sw3: int
    data: bytes = field(default=b"", repr=False)

    @property
    def ok(self) -> bool:
        return self.sw1 == 0 and self.sw2 == 0 and self.sw3 in (STATUS_OK, STATUS_FOUND)

    @property
    def status_text(self) -> str:
        return STATUS_TEXT.get(self.sw3, f"status {self.sw1:02X} {self.sw2:02X} {self.sw3:02X}")


def xor(data: bytes) -> int:
    value = 0
    for byte in data:
        value ^= byte
    return value


def _frame(body: bytes) -> bytes:
    length = (len(body) + 1).to_bytes(2, "big")
    return PREAMBLE + length + body + bytes([xor(length + body)])


class _Reader:
    _min_length = 3

    def __init__(self) -> None:
        self._buffer = bytearray()

    def receive_data(self, data: bytes) -> None:
        self._buffer += data

    def _body(self) -> bytes | _NeedData:
        buf = self._buffer
        start = buf.find(PREAMBLE)
        if start < 0:
            # Keep a tail that may be the start of a preamble split across reads.
            keep = next((n for n in range(4, 0, -1) if buf.endswith(PREAMBLE[:n])), 0)
            dropped = len(buf) - keep
            if dropped == 0:
                return NEED_DATA
            del buf[:dropped]
            raise ProtocolViolation(f"sam: skipped {dropped} bytes of junk")
        if start > 0:
            del buf[:start]
            raise ProtocolViolation(f"sam: skipped {start} bytes of junk")
        if len(buf) < 7:
            return NEED_DATA
        length = int.from_bytes(buf[5:7], "big")
        if not self._min_length <= length <= MAX_LENGTH:
            del buf[:1]
            raise ProtocolViolation(f"sam: impossible length {length}")
        total = 7 + length
        if len(buf) < total:
            return NEED_DATA
        if xor(bytes(buf[5 : total - 1])) != buf[total - 1]:
            del buf[:1]
            raise ProtocolViolation("sam: bad checksum")
        body = bytes(buf[7 : total - 1])
        del buf[:total]
        return body


class SamMaster(_Reader):
    """The booth's end: commands out, replies in."""

    _min_length = 4

    def send(self, command: SamCommand) -> bytes:
        if not (0 <= command.cmd <= 0xFF and 0 <= command.para <= 0xFF):
            raise ValueError("cmd and para are single bytes")
        return _frame(bytes([command.cmd, command.para]) + command.data)

    def next_event(self) -> SamReplied | _NeedData:
        body = self._body()
        if isinstance(body, _NeedData):
            return body
        return SamReplied(body[0], body[1], body[2], body[3:])


class SamCard(_Reader):
    """The reader module's end (used by the emulator): commands in, replies out."""

    def send(self, reply: SamReplied) -> bytes:
        return _frame(bytes([reply.sw1, reply.sw2, reply.sw3]) + reply.data)

    def next_event(self) -> SamCommand | _NeedData:
        body = self._body()
        if isinstance(body, _NeedData):
            return body
        return SamCommand(body[0], body[1], body[2:])


# --- the card's contents -----------------------------------------------------------------

TEXT_SIZE = 256
PHOTO_SIZE = 1024
# (field, characters) in the order of the text block
TEXT_LAYOUT = (
    ("name", 15),
    ("sex", 1),
    ("nation", 2),
    ("birth", 8),
    ("address", 35),
    ("id_number", 18),
    ("issuer", 15),
    ("valid_from", 8),
    ("valid_to", 8),
)
SEXES = {"0": "未知", "1": "男", "2": "女", "9": "未说明"}
NATIONS = NATIONS_BY_CODE  # the chip gives the code (kiosk.core.nations)


@dataclass(frozen=True, slots=True)
class CardText:
    """The text fields of a resident ID card. ``repr`` never shows the ID number."""

    name: str
    sex: str  # code: 1 male, 2 female
    nation: str  # code: 01 汉 ... 56 基诺
    birth: str  # YYYYMMDD
    address: str
    id_number: str = field(repr=False)
    issuer: str
    valid_from: str  # YYYYMMDD
    valid_to: str  # YYYYMMDD or 长期

    @property
    def sex_name(self) -> str:
        return SEXES.get(self.sex, self.sex)

    @property
    def nation_name(self) -> str:
        return NATIONS.get(int(self.nation), self.nation) if self.nation.isdigit() else self.nation


def encode_text(text: CardText) -> bytes:
    """The 256-byte UCS-2 LE block of ``text`` (fields space-padded, reserved spaces)."""
    out = bytearray()
    for name, width in TEXT_LAYOUT:
        value = getattr(text, name)
        if len(value) > width:
            raise ValueError(f"{name} is longer than {width} characters")
        out += value.ljust(width).encode("utf-16-le")
    out += " ".encode("utf-16-le") * ((TEXT_SIZE - len(out)) // 2)
    return bytes(out)


def decode_text(block: bytes) -> CardText:
    """Parse a text block; raises ProtocolViolation if it is not UCS-2 text of 256 bytes."""
    if len(block) != TEXT_SIZE:
        raise ProtocolViolation(f"sam: text block of {len(block)} bytes, expected {TEXT_SIZE}")
    try:
        text = block.decode("utf-16-le")
    except UnicodeDecodeError:
        raise ProtocolViolation("sam: text block is not UCS-2") from None
    values = {}
    pos = 0
    for name, width in TEXT_LAYOUT:
        values[name] = text[pos : pos + width].rstrip(" \x00")
        pos += width
    return CardText(**values)


def encode_basic(text: bytes, photo: bytes) -> bytes:
    """The data of a *read basic information* reply: lengths, text, photo."""
    return len(text).to_bytes(2, "big") + len(photo).to_bytes(2, "big") + text + photo


def decode_basic(data: bytes) -> tuple[bytes, bytes]:
    """Split a *read basic information* reply's data into (text block, photo)."""
    if len(data) < 4:
        raise ProtocolViolation("sam: basic information reply too short")
    text_len = int.from_bytes(data[:2], "big")
    photo_len = int.from_bytes(data[2:4], "big")
    if len(data) != 4 + text_len + photo_len:
        raise ProtocolViolation("sam: basic information lengths do not add up")
    return data[4 : 4 + text_len], data[4 + text_len :]
