"""Reading amounts, card numbers and yes/no out of spoken Chinese."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kiosk.speech.spoken_values import card_number, chinese_number, money, sounds_like, yes_or_no


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("五", 5),
        ("十二", 12),
        ("二十", 20),
        ("三百", 300),
        ("三千五", 3500),
        ("两万三", 23000),
        ("一千零五", 1005),
        ("一万五千", 15000),
        ("两万", 20000),
        ("元", None),
    ],
)
def test_chinese_numbers(text: str, value: int | None) -> None:
    assert chinese_number(text) == value


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("提五千块", Decimal(5000)),
        ("5000元", Decimal(5000)),
        ("1.5万", Decimal(15000)),
        ("１２００元", Decimal(1200)),
        ("5,000", Decimal(5000)),
        ("我想问一下", None),
    ],
)
def test_money(text: str, amount: Decimal | None) -> None:
    assert money(text) == amount


def test_card_numbers_in_digits_or_words() -> None:
    assert card_number("六二二二 零二一二 三四五六 七八九零") == "6222021234567890"
    assert card_number("6222 0212 3456 7890 123") == "6222021234567890123"
    assert card_number("五千") is None


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("对", True),
        ("是的，没问题", True),
        ("带齐了", True),
        ("不对", False),
        ("没带", False),
        ("不是这个", False),
        ("嗯那个", None),
    ],
)
def test_yes_or_no(text: str, answer: bool | None) -> None:
    assert yes_or_no(text) is answer


def test_sounds_like_accepts_homophones_only() -> None:
    assert sounds_like("组房", "租房")
    assert sounds_like("我要买方", "买房")
    assert not sounds_like("退款", "退休")
