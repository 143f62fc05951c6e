"""Identity numbers: the resident ID number and the unified social credit code.

Both checks return a result instead of raising, because OCR reads these numbers from
photos and a failed check is something to *flag* on the confirmation screen (and to the
clerk), not an error that stops the citizen. ``problem`` is ``None`` for a valid number
or a short code (``"check_digit"``, ``"birth_date"`` ...) that the UI translates as
``ids.<kind>.<problem>``.

Resident ID number, GB 11643-1999: six digits of region, eight of birth date
(YYYYMMDD), three of sequence (odd for men, even for women) and a check character:
S = sum(digit_i * w_i) for w = 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, then
S mod 11 -> 1 0 X 9 8 7 6 5 4 3 2.

Unified social credit code, GB 32100-2015: 18 characters over the 31-symbol alphabet
``0-9ABCDEFGHJKLMNPQRTUWXY`` (no I O S V Z), the last being a check character
(31 - S mod 31) mod 31 for weights 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28
(3^i mod 31). Positions 3-8 hold the digits of the region code.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

Sex = Literal["male", "female"]

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_VALUE = {ch: i for i, ch in enumerate(USCC_ALPHABET)}

# The earliest birth date we accept: anything older is a misread, not a citizen.
EARLIEST_BIRTH = dt.date(1890, 1, 1)


def _normalize(text: str) -> str:
    """Drop the spaces OCR and people put in long numbers; full-width forms to ASCII."""
    out = []
    for ch in text:
        code = ord(ch)
        if 0xFF01 <= code <= 0xFF5E:  # full-width ASCII (Ｘ, ０-９) as typed by CJK IMEs
            ch = chr(code - 0xFEE0)
        if ch.isspace() or ch == "-":
            continue
        out.append(ch)
    return "".join(out).upper()


@dataclass(frozen=True, slots=True)
class IdNumberCheck:
    """The outcome of checking a resident ID number."""

    value: str  # normalized: no spaces, upper-case X
    problem: str | None  # None, "length", "characters", "birth_date", "check_digit"
    birth_date: dt.date | None = None  # when the date part is a real date
    sex: Sex | None = None  # from the 17th digit when it is a digit

    @property
    def valid(self) -> bool:
        return self.problem is None


def id_check_digit(first17: str) -> str:
    """The check character for the first 17 digits of a resident ID number."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError("need exactly 17 digits")
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[total % 11]


def _birth_date(digits: str) -> dt.date | None:
    try:
        return dt.date(int(digits[0:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None


def check_id_number(text: str, today: dt.date | None = None) -> IdNumberCheck:
    """Check a resident ID number; ``today`` (if given) rejects birth dates in the future.

    Problems are reported in the order a person would fix them: length, characters,
    birth date, then the check digit. Birth date and sex are filled in whenever they can
    be read, even when the check digit is wrong, so a clerk sees what OCR read.
    """
    value = _normalize(text)
    if len(value) != 18:
        return IdNumberCheck(value, "length")
    body, check = value[:17], value[17]
    if not (body.isascii() and body.isdigit()) or check not in "0123456789X":
        return IdNumberCheck(value, "characters")
    sex: Sex = "male" if int(body[16]) % 2 == 1 else "female"
    born = _birth_date(body[6:14])
    if born is None or born < EARLIEST_BIRTH or (today is not None and born > today):
        return IdNumberCheck(value, "birth_date", None, sex)
    if id_check_digit(body) != check:
        return IdNumberCheck(value, "check_digit", born, sex)
    return IdNumberCheck(value, None, born, sex)


@dataclass(frozen=True, slots=True)
class UsccCheck:
    """The outcome of checking a unified social credit code."""

    value: str  # normalized: no spaces, upper case
    problem: str | None  # None, "length", "characters", "region", "check_character"

    @property
    def valid(self) -> bool:
        return self.problem is None


def uscc_check_character(first17: str) -> str:
    """The check character for the first 17 characters of a unified social credit code."""
    if len(first17) != 17 or any(ch not in _USCC_VALUE for ch in first17):
        raise ValueError("need exactly 17 characters of the USCC alphabet")
    total = sum(_USCC_VALUE[ch] * w for ch, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def check_uscc(text: str) -> UsccCheck:
    """Check a unified social credit code (统一社会信用代码)."""
    value = _normalize(text)
    if len(value) != 18:
        return UsccCheck(value, "length")
    if any(ch not in _USCC_VALUE for ch in value):
        return UsccCheck(value, "characters")
    if not value[2:8].isdigit():
        return UsccCheck(value, "region")
    if uscc_check_character(value[:17]) != value[17]:
        return UsccCheck(value, "check_character")
    return UsccCheck(value, None)
