"""Money as written on contracts: 大写金额 (壹佰贰拾万元整), 万元 and plain digits.

``parse_amount`` turns what a contract says into whole yuan; ``to_capital`` writes the
大写 form (used by the document generator and to cross-check a contract's two forms).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_DIGIT_VALUE = {c: i for i, c in enumerate(_DIGITS)} | {
    "〇": 0,
    "两": 2,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "贰": 2,
}
_SMALL_UNITS = {"拾": 10, "十": 10, "佰": 100, "百": 100, "仟": 1000, "千": 1000}
_BIG_UNITS = {"万": 10_000, "萬": 10_000, "亿": 100_000_000}

_NUMBER_RE = re.compile(r"(\d[\d,，]*(?:\.\d+)?)\s*(万)?\s*元")
# a 大写 amount starts with a digit or 拾: the 万元 of 204.4万元 is none
_CAPITAL_RE = re.compile(f"[{_DIGITS}〇两拾][{_DIGITS}〇两拾佰仟万亿]*元")


def to_capital(yuan: int) -> str:
    """``1234500`` -> ``壹佰贰拾叁万肆仟伍佰元整``."""
    if yuan < 0:
        raise ValueError("negative amount")
    if yuan == 0:
        return "零元整"
    groups: list[int] = []
    n = yuan
    while n:
        groups.append(n % 10_000)
        n //= 10_000
    parts: list[str] = []
    zero_pending = False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            zero_pending = bool(parts)
            continue
        if parts and (zero_pending or group < 1000):
            parts.append("零")
        parts.append(_group_capital(group))
        parts.append(["", "万", "亿", "万亿"][index])
        zero_pending = False
    return "".join(parts) + "元整"


def _group_capital(group: int) -> str:
    out: list[str] = []
    zero = False
    for unit, name in ((1000, "仟"), (100, "佰"), (10, "拾"), (1, "")):
        digit = group // unit % 10
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out.append("零")
            zero = False
        out.append(_DIGITS[digit] + name)
    return "".join(out)


def parse_capital(text: str) -> int | None:
    """``壹佰贰拾叁万肆仟伍佰元整`` -> 1234500; None when the text is not such an amount."""
    body = re.sub(r"[\s人民币（）()：:]", "", text)
    body = body.split("元")[0]
    if not body or any(
        c not in _DIGIT_VALUE and c not in _SMALL_UNITS and c not in _BIG_UNITS for c in body
    ):
        return None
    done = 0  # everything already multiplied by 亿
    below_yi = 0  # the part under 亿 that is already multiplied by 万
    section = 0
    digit = 0
    for char in body:
        if char in _DIGIT_VALUE:
            if digit and _DIGIT_VALUE[char]:
                return None  # 柒玖拾: a unit between two digits was lost
            digit = _DIGIT_VALUE[char]
        elif char in _SMALL_UNITS:
            section += (digit or 1) * _SMALL_UNITS[char]
            digit = 0
        elif _BIG_UNITS[char] == 10_000:
            below_yi += (section + digit) * 10_000
            section = digit = 0
        else:
            done = (done + below_yi + section + digit) * 100_000_000
            below_yi = section = digit = 0
    return done + below_yi + section + digit


def well_grouped(number: str, wan: bool = False) -> bool:
    """Thousands separators, if any, every three digits (1,234,500 yes; 7,610,00 no).

    An amount in 万 is written with a decimal point (204.4408万元), never grouped: a
    comma there is a misread point, and digits next to it may be lost too.
    """
    whole = number.replace("，", ",").split(".")[0]
    if wan:
        return "," not in whole
    return "," not in whole or re.fullmatch(r"\d{1,3}(,\d{3})+", whole) is not None


_DIGIT_RUN = re.compile(r"\d[\d.,，]*\d")


# ``6.100元``: a group of thousands whose comma was read as a point (yuan have two decimals)
_YUAN_THOUSANDS = re.compile(r"(?<![\d.,])(\d{1,3})\.(\d{3})(?=\s*元)")


def mend_separators(text: str) -> str:
    """Separators OCR garbled inside a grouped number put back: ``8.890,000`` (a point
    read for a comma) and ``8.,890,000`` (a stray mark beside one) are ``8,890,000``.

    Only a number that has a comma is touched, and only a point followed by a group of
    three digits: ``204.4408`` (万) and ``1,234.56`` keep their points. One more: a
    point before three digits and 元 (``6.100元``) is a comma read as a point, since no
    amount in yuan has three decimals (``1.500万元`` keeps its point).
    """
    text = _YUAN_THOUSANDS.sub(r"\1,\2", text)

    def mend(match: re.Match[str]) -> str:
        run = re.sub(r"[.,，]{2,}", ",", match.group(0).replace("，", ","))
        if "," in run:
            run = re.sub(r"\.(?=\d{3}(?:,|$))", ",", run)
        return run

    return _DIGIT_RUN.sub(mend, text)


def rounds_to(exact: int, written: str) -> bool:
    """``written`` (a number of 万, as ``127.37``) is ``exact`` yuan rounded to the
    decimals written: a contract may give the 万 figure short and the 大写 form whole."""
    decimals = len(written.split(".")[1]) if "." in written else 0
    try:
        off = abs(Decimal(exact) / 10_000 - Decimal(written)).scaleb(decimals)
    except InvalidOperation:
        return False
    return off <= Decimal("0.5")


def parse_amount(text: str) -> int | None:
    """Whole yuan from ``1,234,500元``, ``123.45万元`` or a 大写 amount; None if absent."""
    match = _NUMBER_RE.search(text)
    if match and not well_grouped(match.group(1), wan=bool(match.group(2))):
        # 7,610,00元: a digit lost or doubled; the 大写 form, when written, is the safer one
        capital = _CAPITAL_RE.search(text)
        amount = parse_capital(capital.group(0)) if capital else None
        if amount is not None:
            return amount
    if match:
        try:
            value = Decimal(match.group(1).replace(",", "").replace("，", ""))
        except InvalidOperation:
            return None
        if match.group(2):
            value *= 10_000
        return int(value)
    capital = _CAPITAL_RE.search(text)
    return parse_capital(capital.group(0)) if capital else None
