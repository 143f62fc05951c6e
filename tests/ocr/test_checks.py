"""ID number, USCC, date and cross-field checks (GB 11643-1999, GB 32100-2015)."""

from __future__ import annotations

import random

from kiosk.ocr.checks import (
    check_fields,
    id_check_char,
    is_valid_id_number,
    is_valid_uscc,
    uscc_check_char,
)
from kiosk.ocr.synth import random_id_number, random_uscc


def test_id_check_character_of_the_standard_example() -> None:
    assert id_check_char("11010519491231002") == "X"
    assert is_valid_id_number("11010519491231002X")
    assert not is_valid_id_number("110105194912310021")


def test_id_number_needs_a_real_birth_date() -> None:
    first17 = "11010519490231002"  # 31 February
    assert not is_valid_id_number(first17 + id_check_char(first17))


def test_uscc_check_character() -> None:
    assert uscc_check_char("91350100M000100Y4") == "3"
    assert is_valid_uscc("91350100M000100Y43")
    assert not is_valid_uscc("91350100M000100Y44")
    assert not is_valid_uscc("91350100M000100I43")  # I is not in the alphabet


def test_every_single_character_change_breaks_the_check() -> None:
    rng = random.Random(5)
    for _ in range(20):
        number = random_id_number(rng)
        position = rng.randrange(18)
        digit = str((int(number[position]) + 1) % 10) if number[position] != "X" else "0"
        assert not is_valid_id_number(number[:position] + digit + number[position + 1 :])
        assert is_valid_uscc(random_uscc(rng))


def test_id_card_cross_checks_mark_the_fields_that_disagree() -> None:
    number = random_id_number(random.Random(1), born=__import__("datetime").date(1990, 5, 6),
                              sex="女")
    good = {"name": "王芳", "sex": "女", "nation": "汉", "birth_date": "1990-05-06",
            "address": "x", "id_number": number}
    assert all(check_fields("id_card", good).values())
    bad = check_fields("id_card", {**good, "sex": "男", "birth_date": "1990-05-07"})
    assert bad == {"id_number": True, "birth_date": False, "sex": False}
    broken = check_fields("id_card", {**good, "id_number": number[:17] + "Y"})
    assert broken["id_number"] is False
    assert "sex" not in broken  # nothing to compare with


def test_dates_and_periods() -> None:
    checks = check_fields("rental_contract", {
        "tenant": "李四", "tenant_id_number": "", "monthly_rent": "3500",
        "start": "2024-02-30", "end": "2023-01-01"})
    assert checks["start"] is False
    assert checks["monthly_rent"] is True
    assert "tenant_id_number" not in checks
    period = check_fields("rental_contract", {"start": "2024-03-01", "end": "2024-02-01"})
    assert period == {"start": True, "end": False}
