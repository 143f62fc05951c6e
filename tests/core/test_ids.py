"""Resident ID numbers and unified social credit codes: known numbers and round-trips."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.core.ids import (
    USCC_ALPHABET,
    check_id_number,
    check_uscc,
    id_check_digit,
    uscc_check_character,
)

# The worked example of GB 11643-1999 (its appendix).
KNOWN_IDS = ["11010519491231002X"]
# Codes as printed on real licences (public records).
KNOWN_USCC = ["91350100M000100Y43", "91110000600037341L"]


@pytest.mark.parametrize("number", KNOWN_IDS)
def test_published_id_numbers_are_valid(number: str) -> None:
    assert check_id_number(number).valid


def test_id_number_yields_birth_date_and_sex() -> None:
    result = check_id_number("11010519491231002X")
    assert result.birth_date == dt.date(1949, 12, 31)
    assert result.sex == "female"  # 17th digit 2 is even
    body = "44010619900101123"
    male = check_id_number(body + id_check_digit(body))
    assert male.valid and male.sex == "male" and male.birth_date == dt.date(1990, 1, 1)


def test_birth_dates_before_1890_are_misreads() -> None:
    body = "44052418800101001"
    assert check_id_number(body + id_check_digit(body)).problem == "birth_date"


def test_lower_case_x_spaces_and_full_width_are_accepted() -> None:
    assert check_id_number("110105 19491231 002x").value == "11010519491231002X"
    assert check_id_number("１１０１０５１９４９１２３１００２Ｘ").valid


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "length"),
        ("1101051949123100", "length"),
        ("11010519491231002X1", "length"),
        ("1101051949123100AX", "characters"),
        ("11010519491331002X", "birth_date"),  # month 13
        ("11010519490230002X", "birth_date"),  # 30 February
        ("11010519491231002Y", "characters"),
        ("110105194912310021", "check_digit"),
    ],
)
def test_bad_id_numbers_name_their_problem(text: str, problem: str) -> None:
    result = check_id_number(text)
    assert not result.valid
    assert result.problem == problem


def test_future_birth_date_is_flagged_only_when_today_is_known() -> None:
    body = "11010520990101001"
    number = body + id_check_digit(body)
    assert check_id_number(number).valid
    assert check_id_number(number, today=dt.date(2026, 11, 29)).problem == "birth_date"


def test_wrong_check_digit_still_reports_what_was_read() -> None:
    result = check_id_number("110105194912310021")
    assert result.birth_date == dt.date(1949, 12, 31)
    assert result.sex == "female"


@st.composite
def id_numbers(draw: st.DrawFn) -> str:
    region = draw(st.integers(110000, 659999))
    born = draw(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2025, 12, 31)))
    seq = draw(st.integers(0, 999))
    body = f"{region:06d}{born:%Y%m%d}{seq:03d}"
    return body + id_check_digit(body)


@given(id_numbers())
def test_generated_id_numbers_are_valid_and_decode(number: str) -> None:
    result = check_id_number(number, today=dt.date(2026, 1, 1))
    assert result.valid, result
    assert result.birth_date is not None
    assert f"{result.birth_date:%Y%m%d}" == number[6:14]
    assert result.sex == ("male" if int(number[16]) % 2 else "female")


@given(id_numbers(), st.integers(0, 17), st.integers(1, 10))
def test_any_single_digit_change_is_caught(number: str, pos: int, delta: int) -> None:
    # GB 11643's check detects every single-character substitution.
    alphabet = "0123456789X"
    old = number[pos]
    if pos < 17:
        new = str((int(old) + delta) % 10) if delta < 10 else old
    else:
        new = alphabet[(alphabet.index(old) + delta) % 11]
    if new == old:
        return
    corrupted = number[:pos] + new + number[pos + 1 :]
    assert not check_id_number(corrupted).valid


@pytest.mark.parametrize("code", KNOWN_USCC)
def test_published_credit_codes_are_valid(code: str) -> None:
    assert check_uscc(code).valid


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("9135010", "length"),
        ("91350100M000100YI3", "characters"),  # I is not in the alphabet
        ("913501O0M000100Y43", "characters"),  # O neither
        ("9135A100M000100Y43", "region"),
        ("91350100M000100Y44", "check_character"),
    ],
)
def test_bad_credit_codes_name_their_problem(text: str, problem: str) -> None:
    assert check_uscc(text).problem == problem


def test_credit_code_is_normalized() -> None:
    assert check_uscc(" 91350100m000100y43 ").value == "91350100M000100Y43"


@st.composite
def credit_codes(draw: st.DrawFn) -> str:
    head = draw(st.sampled_from(["11", "51", "52", "91", "92", "93", "Y1"]))
    region = draw(st.integers(110000, 659999))
    org = draw(st.text(alphabet=USCC_ALPHABET, min_size=9, max_size=9))
    body = f"{head}{region:06d}{org}"
    return body + uscc_check_character(body)


@given(credit_codes(), st.integers(0, 17), st.integers(1, 30))
def test_credit_code_round_trip_and_single_substitution(code: str, pos: int, delta: int) -> None:
    assert check_uscc(code).valid
    new = USCC_ALPHABET[(USCC_ALPHABET.index(code[pos]) + delta) % 31]
    corrupted = code[:pos] + new + code[pos + 1 :]
    assert not check_uscc(corrupted).valid


def test_check_helpers_refuse_misuse() -> None:
    with pytest.raises(ValueError):
        id_check_digit("123")
    with pytest.raises(ValueError):
        uscc_check_character("I" * 17)
