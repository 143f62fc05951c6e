"""大写 amounts, 万元 and digits to whole yuan."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kiosk.ocr.amounts import parse_amount, parse_capital, to_capital


def test_known_capital_amounts() -> None:
    assert to_capital(1_234_500) == "壹佰贰拾叁万肆仟伍佰元整"
    assert to_capital(1_000_001) == "壹佰万零壹元整"
    assert to_capital(3050) == "叁仟零伍拾元整"
    assert parse_capital("人民币壹亿零伍佰万元整") == 105_000_000


@given(st.integers(min_value=0, max_value=10**12))
def test_capital_round_trips(yuan: int) -> None:
    assert parse_capital(to_capital(yuan)) == yuan


def test_amount_forms() -> None:
    assert parse_amount("总价款为人民币2,640,000元（大写：贰佰陆拾肆万元整）") == 2_640_000
    assert parse_amount("人民币123.45万元") == 1_234_500
    assert parse_amount("月租金为人民币（大写）叁仟伍佰元整") == 3500
    assert parse_amount("面积共141.20平方米") is None


def test_digits_with_broken_grouping_give_way_to_the_capital_form() -> None:
    # OCR lost a digit of 7,610,000; the 大写 form written next to it is whole
    assert parse_amount("人民币7,610,00元（大写：柒佰陆拾壹万元整）") == 7_610_000
    assert parse_amount("人民币7,610,000元（大写：柒佰陆拾壹万元整）") == 7_610_000
    assert parse_amount("人民币12,34元") == 1234  # nothing better written: keep the digits


def test_the_unit_of_a_digit_amount_is_not_taken_for_a_capital_one() -> None:
    from kiosk.ocr.extract import parse_capital_in

    assert parse_capital_in("人民币440万元（大写：肆佰肆拾万元整）") == 4_400_000
    assert parse_capital_in("人民币440万元（大写：类佰玖拾吉万元整）") is None


def test_a_comma_in_an_amount_in_wan_is_a_misread_point() -> None:
    # 204.4408万元 read as 204,441万元: the 大写 form is the whole amount
    assert parse_amount("人民币204,441万元(大写:贰佰零肆万肆仟肆佰零捌元整)") == 2_044_408
    assert parse_amount("人民币204.4408万元") == 2_044_408
    assert parse_amount("人民币204,441万元") == 2_044_410_000  # nothing better written


def test_two_digits_without_a_unit_between_them_are_no_amount() -> None:
    assert parse_capital("柒佰玖拾贰万元整") == 7_920_000
    assert parse_capital("柒玖拾贰万元") is None  # 佰 lost: not 92万
    assert parse_capital("壹仟零伍元") == 1005


def test_separators_garbled_inside_a_grouped_number_are_mended() -> None:
    from kiosk.ocr.amounts import mend_separators

    assert mend_separators("人民币8.890,000元") == "人民币8,890,000元"  # a point for a comma
    assert mend_separators("人民币8.,890,000元") == "人民币8,890,000元"  # a stray mark
    assert mend_separators("每月租金6.100元整") == "每月租金6,100元整"  # yuan have 2 decimals
    assert mend_separators("总价1.500万元") == "总价1.500万元"  # 万: a real point
    assert mend_separators("租金6.10元") == "租金6.10元"
    # points that are points stay: 万 figures, cents, areas
    assert mend_separators("人民币204.4408万元") == "人民币204.4408万元"
    assert mend_separators("人民币1,234.56元") == "人民币1,234.56元"
    assert mend_separators("面积共135.54平方米") == "面积共135.54平方米"


def test_a_wan_figure_rounds_the_exact_amount_to_its_decimals() -> None:
    from kiosk.ocr.amounts import rounds_to

    assert rounds_to(1_273_699, "127.37")
    assert rounds_to(6_816_777, "681.678")
    assert rounds_to(1_200_000, "120")
    assert not rounds_to(6_816_770, "681.678")  # one digit of the 大写 misread
    assert not rounds_to(12_600, "1.2")
