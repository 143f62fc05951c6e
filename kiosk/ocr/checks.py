"""Checks on read fields: ID number check digit, birth date and sex, USCC check, dates.

A failed check marks a field for the citizen and the clerk; it never blocks. The check
arithmetic (GB 11643-1999, GB 32100-2015) lives in :mod:`kiosk.core.ids`; this module
applies it to what the OCR read, field by field.
"""

from __future__ import annotations

import datetime as dt
import re

from kiosk.core.ids import (
    USCC_ALPHABET,
    check_id_number,
    check_uscc,
    id_check_digit,
    uscc_check_character,
)

__all__ = [
    "USCC_ALPHABET", "check_fields", "id_birth_date", "id_check_char", "id_sex",
    "is_valid_id_number", "is_valid_iso_date", "is_valid_uscc", "uscc_check_char",
]

id_check_char = id_check_digit
uscc_check_char = uscc_check_character


def id_birth_date(number: str) -> dt.date | None:
    """The birth date written in an 18-character ID number, or None if it is no date."""
    return check_id_number(number).birth_date


def id_sex(number: str) -> str:
    """男 or 女 from the 17th digit (odd: male)."""
    return "男" if check_id_number(number).sex == "male" else "女"


def is_valid_id_number(number: str) -> bool:
    """Exactly 18 characters as read, a real birth date and the right check character."""
    return len(number) == 18 and check_id_number(number).valid


def is_valid_uscc(code: str) -> bool:
    """Exactly 18 characters as read and the right check character."""
    return len(code) == 18 and check_uscc(code).valid


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
    for name in ("birth_date", "established", "start", "end", "signed_date", "valid_from"):
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
    if has("valid_to"):
        checks["valid_to"] = fields["valid_to"] == "长期" or is_valid_iso_date(fields["valid_to"])
    if has("area"):
        checks["area"] = re.fullmatch(r"\d{1,5}(\.\d{1,2})?", fields["area"]) is not None
    if checks.get("start") and checks.get("end"):
        checks["end"] = fields["end"] > fields["start"]
    for name in ("total_price", "monthly_rent"):
        if has(name):
            checks[name] = fields[name].isdigit() and int(fields[name]) > 0
    return checks
