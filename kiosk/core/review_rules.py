"""A department's rules review: the declarative checks a self-service item's review step makes.

A ``review`` step in the catalog may carry ``rules`` (assets/catalog/README.md). The hub
evaluates them when the booth reports the step (the citizen submitted): every rule met
approves the step and the department's certificate (a receipt) is issued; any rule not
met sends the case to the department's clerks with the reasons. Rules are data:

- ``materials``: these materials were submitted, each at ``min_trust`` or better
  (a booth capture is level C; a clerk's check makes it B; see kiosk.core.materials);
- ``checked_fields``: these form fields are filled and pass their kind's check with no
  problem at all (a flag, such as a bank card failing the Luhn check, needs a clerk);
- ``limits``: numeric bounds on a money or number field (``max``, ``min``, or at most
  another field, ``max_field``), or an age in days on a date field (``max_age_days``).

:func:`evaluate` is pure (no IO, ``today`` injected). Its reasons name the rule and the
material or field, never a value: they are shown to clerks and kept in the case history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from kiosk.core.fields import FormField, check_field, normalize_value

__all__ = ["TRUST_ORDER", "Limit", "Reason", "ReviewRules", "RulesVerdict", "evaluate"]

TRUST_ORDER = ("A", "B", "C")  # most trusted first


@dataclass(frozen=True, slots=True)
class Limit:
    """A bound on one form field; the parts that are None are not checked."""

    field: str
    max: Decimal | None = None
    min: Decimal | None = None
    max_field: str | None = None  # at most the value of this other field
    max_age_days: int | None = None  # a date at most this many days before today

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"field": self.field}
        if self.max is not None:
            out["max"] = str(self.max)
        if self.min is not None:
            out["min"] = str(self.min)
        if self.max_field is not None:
            out["max_field"] = self.max_field
        if self.max_age_days is not None:
            out["max_age_days"] = self.max_age_days
        return out

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> Limit:
        def number(key: str) -> Decimal | None:
            if doc.get(key) is None:
                return None
            try:
                return Decimal(str(doc[key]))
            except InvalidOperation:
                raise ValueError(f"{key} {doc[key]!r}") from None

        age = doc.get("max_age_days")
        return cls(
            str(doc["field"]),
            number("max"),
            number("min"),
            doc.get("max_field"),
            int(age) if age is not None else None,
        )


@dataclass(frozen=True, slots=True)
class ReviewRules:
    materials: tuple[str, ...] = ()
    min_trust: str = "C"
    checked_fields: tuple[str, ...] = ()
    limits: tuple[Limit, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "materials": list(self.materials),
            "min_trust": self.min_trust,
            "checked_fields": list(self.checked_fields),
            "limits": [limit.to_json() for limit in self.limits],
        }

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> ReviewRules:
        min_trust = str(doc.get("min_trust", "C"))
        if min_trust not in TRUST_ORDER:
            raise ValueError(f"min_trust {min_trust!r}")
        return cls(
            tuple(doc.get("materials", ())),
            min_trust,
            tuple(doc.get("checked_fields", ())),
            tuple(Limit.from_json(limit) for limit in doc.get("limits", ())),
        )


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a rule was not met: a code (``material_missing``...) and what it is about."""

    code: str
    subject: str  # a material code or a form field key; never a value

    def __str__(self) -> str:
        return f"{self.code}:{self.subject}"


@dataclass(frozen=True, slots=True)
class RulesVerdict:
    reasons: tuple[Reason, ...]

    @property
    def approved(self) -> bool:
        return not self.reasons


def _decimal(value: str) -> Decimal | None:
    try:
        number = Decimal(value)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def evaluate(
    rules: ReviewRules,
    form_fields: Iterable[FormField],
    form: Mapping[str, Any],
    materials: Iterable[tuple[str, str]],
    today: dt.date,
) -> RulesVerdict:
    """Check ``form`` (key -> value) and ``materials`` ((code, trust level), ...) against
    ``rules``; every rule that is not met gives one reason, in the order of the rules."""
    fields = {f.key: f for f in form_fields}
    reasons: list[Reason] = []
    best: dict[str, int] = {}
    for code, level in materials:
        rank = TRUST_ORDER.index(level) if level in TRUST_ORDER else len(TRUST_ORDER)
        best[code] = min(rank, best.get(code, rank))
    needed = TRUST_ORDER.index(rules.min_trust)
    for code in rules.materials:
        if code not in best:
            reasons.append(Reason("material_missing", code))
        elif best[code] > needed:
            reasons.append(Reason("material_untrusted", code))

    def value_of(key: str) -> str:
        raw = form.get(key)
        text = "" if raw is None else str(raw)
        field = fields.get(key)
        return normalize_value(field, text) if field is not None else text.strip()

    for key in rules.checked_fields:
        field = fields.get(key)
        value = value_of(key)
        if not value:
            reasons.append(Reason("field_missing", key))
        elif field is not None and check_field(field, value, today=today) is not None:
            reasons.append(Reason("field_check", key))

    for limit in rules.limits:
        value = value_of(limit.field)
        if not value:
            reasons.append(Reason("field_missing", limit.field))
            continue
        if limit.max_age_days is not None:
            try:
                age = (today - dt.date.fromisoformat(value)).days
            except ValueError:
                reasons.append(Reason("field_check", limit.field))
                continue
            if age > limit.max_age_days:
                reasons.append(Reason("too_old", limit.field))
            elif age < 0:
                reasons.append(Reason("in_future", limit.field))
        if limit.max is None and limit.min is None and limit.max_field is None:
            continue
        number = _decimal(value)
        if number is None:
            reasons.append(Reason("field_check", limit.field))
            continue
        if limit.max is not None and number > limit.max:
            reasons.append(Reason("over_limit", limit.field))
        if limit.min is not None and number < limit.min:
            reasons.append(Reason("under_limit", limit.field))
        if limit.max_field is not None:
            other = _decimal(value_of(limit.max_field))
            if other is None:
                reasons.append(Reason("field_missing", limit.max_field))
            elif number > other:
                reasons.append(Reason("over_limit", limit.field))
    return RulesVerdict(tuple(reasons))
