"""An application form's fields (:class:`FormField`, one per catalog form key) and checking
the value of one field against its kind.

Like :mod:`kiosk.core.ids`, checks return a result instead of raising: the booth shows
the problem next to the field. A problem is either *blocking* (the form cannot be sent:
a required field is empty, an ID number fails its check digit, a date is not a date) or
a *flag* (shown to the citizen and the clerk, but the form may be sent: a credit code
that fails its check, per docs/architecture.md, or a bank card that fails the Luhn check, which
some Chinese cards legitimately do). Problem codes are translated by the UI as
``fields.<code>``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Literal, get_args

from kiosk.core.ids import check_id_number, check_uscc
from kiosk.core.text import Text

FieldKind = Literal[
    "text", "number", "money", "date", "choice", "id_number", "uscc", "phone", "account"
]
FIELD_KINDS: tuple[str, ...] = get_args(FieldKind)


@dataclass(frozen=True, slots=True)
class FormField:
    key: str
    label: Text
    kind: FieldKind
    required: bool
    choices: tuple[tuple[str, Text], ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label.to_json(),
            "kind": self.kind,
            "required": self.required,
            "choices": [[value, label.to_json()] for value, label in self.choices],
        }


_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
_MOBILE_PREFIX = re.compile(r"^(?:\+?86)(?=1[3-9]\d{9}$)")


def mainland_mobile(text: str) -> str | None:
    """``text`` as an 11-digit mainland mobile number (spaces, dashes and a +86 prefix
    dropped), or None when it is not one: the only numbers a text message reaches."""
    digits = _MOBILE_PREFIX.sub("", re.sub(r"[\s-]", "", text))
    return digits if _MOBILE_RE.match(digits) else None


_LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}$")
_ACCOUNT_RE = re.compile(r"^\d{12,30}$")


@dataclass(frozen=True, slots=True)
class FieldProblem:
    key: str
    code: str  # e.g. "required", "id_number.check_digit", "money.format"
    blocking: bool


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def normalize_value(field: FormField, value: str) -> str:
    """The value as stored: trimmed; spaces dropped from numbers, codes and accounts."""
    value = value.strip()
    if field.kind in ("id_number", "uscc", "account", "phone", "money", "number"):
        value = "".join(value.split()).replace(",", "").replace("，", "")
        if field.kind in ("id_number", "uscc"):
            value = value.upper()
    return value


def check_field(field: FormField, value: str, today: dt.date | None = None) -> FieldProblem | None:
    """The problem with ``value`` for ``field``, or None when it is fine."""
    value = normalize_value(field, value)
    if not value:
        return FieldProblem(field.key, "required", True) if field.required else None

    def bad(code: str, blocking: bool = True) -> FieldProblem:
        return FieldProblem(field.key, f"{field.kind}.{code}", blocking)

    kind = field.kind
    if kind == "id_number":
        result = check_id_number(value, today=today)
        return None if result.valid else bad(result.problem or "invalid")
    if kind == "uscc":
        uscc = check_uscc(value)
        return None if uscc.valid else bad(uscc.problem or "invalid", blocking=False)
    if kind in ("money", "number"):
        try:
            number = Decimal(value)
        except InvalidOperation:
            return bad("format")
        if not number.is_finite() or number < 0:
            return bad("range")
        if kind == "number" and number != number.to_integral_value():
            return bad("format")
        if kind == "money" and number.as_tuple().exponent < -2:  # type: ignore[operator]
            return bad("cents")
        return None
    if kind == "date":
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return bad("format")
        return None
    if kind == "phone":
        ok = _MOBILE_RE.match(value) or _LANDLINE_RE.match(value)
        return None if ok else bad("format")
    if kind == "account":
        if not _ACCOUNT_RE.match(value):
            return bad("format")
        return None if _luhn_ok(value) else bad("luhn", blocking=False)
    if kind == "choice":
        return None if value in {v for v, _ in field.choices} else bad("unknown")
    return None
