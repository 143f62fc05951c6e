"""Form field checks: blocking problems and flags per field kind."""

from __future__ import annotations

import pytest

from kiosk.core.catalog import FieldKind, FormField, Text
from kiosk.core.fields import check_field, normalize_value

LABEL = Text("字段", "Field", "字段")


def f(kind: FieldKind, required: bool = True) -> FormField:
    choices = (("a", LABEL), ("b", LABEL)) if kind == "choice" else ()
    return FormField("k", LABEL, kind, required, choices)


@pytest.mark.parametrize(
    ("kind", "value", "code", "blocking"),
    [
        ("text", "", "required", True),
        ("id_number", "110105194912310021", "id_number.check_digit", True),
        ("id_number", "1101051949", "id_number.length", True),
        ("uscc", "91350100M000100Y44", "uscc.check_character", False),
        ("money", "12.345", "money.cents", True),
        ("money", "-1", "money.range", True),
        ("money", "abc", "money.format", True),
        ("number", "2.5", "number.format", True),
        ("date", "2026-02-30", "date.format", True),
        ("phone", "12345", "phone.format", True),
        ("account", "12ab", "account.format", True),
        ("account", "6222021234567890124", "account.luhn", False),
        ("choice", "c", "choice.unknown", True),
    ],
)
def test_problems(kind: FieldKind, value: str, code: str, blocking: bool) -> None:
    problem = check_field(f(kind), value)
    assert problem is not None
    assert (problem.code, problem.blocking) == (code, blocking)


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("text", "张三"),
        ("id_number", "11010519491231002x"),
        ("uscc", "91350100M000100Y43"),
        ("money", "300,000.50"),
        ("number", "30"),
        ("date", "2026-11-28"),
        ("phone", "138 0013 8000"),
        ("phone", "020-83338888"),
        ("account", "4111 1111 1111 1111"),
        ("choice", "b"),
    ],
)
def test_good_values(kind: FieldKind, value: str) -> None:
    assert check_field(f(kind), value) is None


def test_optional_empty_is_fine_and_values_are_normalized() -> None:
    assert check_field(f("text", required=False), "  ") is None
    assert normalize_value(f("id_number"), " 110105 19491231 002x ") == "11010519491231002X"
    assert normalize_value(f("money"), "1,000.00") == "1000.00"
