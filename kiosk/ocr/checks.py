"""Checks on read fields: ID number check digit, birth date and sex, USCC check, dates.

A failed check marks a field for the citizen and the clerk; it never blocks. The check
arithmetic (GB 11643-1999, GB 32100-2015) belongs to the domain; this module applies it
to what the OCR read.
"""

from __future__ import annotations

import datetime as dt
import re

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

_ID_RE = re.compile(r"\d{17}[\dX]")
_USCC_RE = re.compile(f"[{USCC_ALPHABET}]{{18}}")


def id_check_char(first17: str) -> str:
    """The 18th character of a resident ID number whose first 17 digits are given."""
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError("need 17 digits")
    total = sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[total % 11]


def id_birth_date(number: str) -> dt.date | None:
    """The birth date written in an 18-character ID number, or None if it is no date."""
    try:
        return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def id_sex(number: str) -> str:
    """男 or 女 from the 17th digit (odd: male)."""
    return "男" if int(number[16]) % 2 else "女"


def is_valid_id_number(number: str) -> bool:
    """Format, check character and a plausible birth date."""
    if not _ID_RE.fullmatch(number):
        return False
    if id_check_char(number[:17]) != number[17]:
        return False
    born = id_birth_date(number)
    return born is not None and dt.date(1900, 1, 1) <= born


def uscc_check_char(first17: str) -> str:
    """The 18th character of a unified social credit code."""
    if len(first17) != 17 or any(c not in USCC_ALPHABET for c in first17):
        raise ValueError("need 17 characters of the USCC alphabet")
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def is_valid_uscc(code: str) -> bool:
    """Format and check character of a unified social credit code."""
    return bool(_USCC_RE.fullmatch(code)) and uscc_check_char(code[:17]) == code[17]


def is_valid_iso_date(text: str) -> bool:
    """A real calendar date written YYYY-MM-DD."""
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10


def check_fields(doc_type: str, fields: dict[str, str]) -> dict[str, bool]:
    """Every check that applies to ``fields`` of a ``doc_type``, keyed by field name.

    A field that was not read gets no entry; a present field that fails gets False.
    """
    checks: dict[str, bool] = {}

    def has(name: str) -> bool:
        return bool(fields.get(name))

    for name in ("id_number", "buyer_id_number", "tenant_id_number"):
        if has(name):
            checks[name] = is_valid_id_number(fields[name])
    for name in ("birth_date", "established", "start", "end"):
        if has(name):
            checks[name] = is_valid_iso_date(fields[name])
    if doc_type == "id_card" and checks.get("id_number"):
        number = fields["id_number"]
        born = id_birth_date(number)
        if has("birth_date"):
            checks["birth_date"] = checks["birth_date"] and fields["birth_date"] == str(born)
        if has("sex"):
            checks["sex"] = fields["sex"] == id_sex(number)
    if has("uscc"):
        checks["uscc"] = is_valid_uscc(fields["uscc"])
    if checks.get("start") and checks.get("end"):
        checks["end"] = fields["end"] > fields["start"]
    for name in ("total_price", "monthly_rent"):
        if has(name):
            checks[name] = fields[name].isdigit() and int(fields[name]) > 0
    return checks
