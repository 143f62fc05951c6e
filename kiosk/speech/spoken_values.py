"""Reading values out of what citizens say: amounts of money, card numbers, yes and no.

Pure functions over recognised or typed Chinese text ("两万三" -> 23000, "六二二二 零八..."
-> "62220...", "对，没问题" -> yes). Matching of key phrases goes through fuzzy pinyin
(:func:`sounds_like`) so that a recognizer's homophones (组房 for 租房) still count.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from kiosk.speech.phonetics import normalize, syllables

_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "幺": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_BIG_UNITS = {"万": 10_000, "亿": 100_000_000}
_ARABIC_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)\s*(万|千|百)?")
_CHINESE_NUMBER = re.compile(r"[零〇一幺二两三四五六七八九十百千万亿]+")
_CARD_CHARS = re.compile(r"[0-9零〇一幺二两三四五六七八九]")


def sounds_like(text: str, phrase: str) -> bool:
    """True when ``phrase`` occurs in ``text`` by sound (fuzzy toneless pinyin)."""
    if phrase in text:
        return True
    said = syllables(normalize(text))
    wanted = syllables(normalize(phrase))
    n = len(wanted)
    return n > 0 and any(said[i : i + n] == wanted for i in range(len(said) - n + 1))


def any_sounds_like(text: str, phrases: Iterable[str]) -> bool:
    return any(sounds_like(text, p) for p in phrases)


def chinese_number(text: str) -> int | None:
    """``"两万三千五"`` -> 23500, ``"三千五"`` -> 3500 (a trailing digit takes the next lower
    unit, as people say it), ``"一千零五"`` -> 1005; None when it is not a number."""
    if not text or not _CHINESE_NUMBER.fullmatch(text):
        return None
    total = 0
    section = 0
    digit: int | None = None
    last_unit = 10_000
    for char in text:
        if char in _DIGITS:
            digit = _DIGITS[char]
        elif char in _SMALL_UNITS:
            unit = _SMALL_UNITS[char]
            section += (1 if digit is None else digit) * unit
            digit = None
            last_unit = unit
        else:
            unit = _BIG_UNITS[char]
            total += (section + (digit or 0)) * unit
            section = 0
            digit = None
            last_unit = unit
    if digit is not None:
        previous = text[-2] if len(text) > 1 else ""
        # "三千五" is 3500 and "两万三" is 23000; but "一千零五" is 1005.
        if previous in _SMALL_UNITS or previous in _BIG_UNITS:
            section += digit * (last_unit // 10)
        else:
            section += digit
    return total + section


def money(text: str) -> Decimal | None:
    """An amount of yuan said in ``text``: "5000", "5000元", "1.5万", "五千块", "两万三"."""
    text = unicodedata.normalize("NFKC", text).replace(",", "").replace(" ", "")
    text = text.replace("块钱", "元").replace("块", "元")
    match = _ARABIC_AMOUNT.search(text)
    if match:
        try:
            value = Decimal(match.group(1))
        except InvalidOperation:
            return None
        unit = match.group(2)
        factor = {"万": 10_000, "千": 1000, "百": 100}.get(unit or "", 1)
        return value * factor
    for candidate in _CHINESE_NUMBER.findall(text):
        if len(candidate) == 1 and candidate in _DIGITS and "元" not in text:
            continue  # a lone 一 in "一下" is not an amount
        value_int = chinese_number(candidate)
        if value_int:
            return Decimal(value_int)
    return None


def card_number(text: str) -> str | None:
    """A bank card number (12 to 19 digits, said as digits in any mix of 0-9 and 零..九)."""
    digits = "".join(
        c if c.isdigit() else str(_DIGITS[c]) for c in _CARD_CHARS.findall(normalize(text))
    )
    return digits if 12 <= len(digits) <= 19 else None


YES_WORDS = (
    "是的",
    "是",
    "对",
    "对的",
    "好的",
    "好",
    "可以",
    "确认",
    "没问题",
    "行",
    "带了",
    "带齐了",
    "齐了",
    "都有",
    "有",
    "提交",
    "yes",
    "ok",
)
NO_WORDS = ("不是", "不对", "不用", "不要", "没有", "没带", "不", "否", "错了", "取消", "no")


def yes_or_no(text: str) -> bool | None:
    """True for yes, False for no, None when it is neither (or both)."""
    plain = normalize(text)
    no = any(w in plain for w in NO_WORDS)
    # 有 and 嗯 are yes only on their own ("有的" has 的, "嗯那个" is hesitation)
    yes = any(w in plain for w in YES_WORDS if w != "有") or plain in ("有", "嗯", "嗯嗯")
    if no and not (yes and plain.startswith(("是", "对", "好"))):
        return False
    return True if yes else None
