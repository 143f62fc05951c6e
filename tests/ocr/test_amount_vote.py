"""An amount read four times takes the value two readings agree on (logic, scripted lines)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from kiosk.ocr.engine import TextLine
from kiosk.ocr.extract import read_document

_PARTY = "承租方：王小明"
_ID = "身份证号：11010519491231002X"


class ScriptedEngine:
    """Lays the page out as given; each line read alone reads as given in ``again``."""

    name = "scripted"

    def __init__(self, page: list[str], again: dict[str, str]) -> None:
        self.page = page
        self.again = again

    @staticmethod
    def box(index: int) -> tuple[int, int, int, int]:
        # each line a different height, so that a crop tells which line it is
        return (20, 20 + 60 * index, 900, 20 + 60 * index + 24 + 4 * index)

    def read_lines(self, image: np.ndarray) -> list[TextLine]:
        return [TextLine(text, self.box(i), 0.8) for i, text in enumerate(self.page)]

    def _line_of(self, crop: np.ndarray) -> str:
        for i, text in enumerate(self.page):
            _, y0, _, y1 = self.box(i)
            if crop.shape[0] == (y1 - y0) + 2 * max(3, (y1 - y0) // 4):
                return text
        return ""

    def read_strip(self, crops: Sequence[np.ndarray], alphabet: str | None = None,
                   ) -> list[TextLine]:
        texts = [self._line_of(crop) for crop in crops]
        return [TextLine(self.again.get(t, t), (0, 0, 1, 1), 0.95) for t in texts]


def _read(rent_line: str, again: str) -> str:
    page = ["房屋租赁合同", _PARTY, _ID, rent_line, "租赁期限自2024年1月1日起至2025年12月31日止。"]
    engine = ScriptedEngine(page, {rent_line: again})
    reading = read_document(np.full((1200, 1000), 255, np.uint8), engine, "rental_contract")
    return reading.fields["monthly_rent"]


def test_two_readings_that_agree_outvote_the_ones_that_do_not() -> None:
    # page: digits dropped a 0; line alone: digits misread; both 大写 forms say 12000
    rent = _read("月租金为人民币1200元（大写：壹万贰仟元整）。",
                 "月租金为人民币12600元（大写：壹万贰仟元整）。")
    assert rent == "12000"


def test_a_value_only_the_line_read_alone_gives_does_not_replace_the_page() -> None:
    rent = _read("月租金为人民币1200元（大写：壹万叁仟元整）。",
                 "月租金为人民币12600元（大写：壹万伍仟元整）。")
    assert rent == "1200"


def test_a_page_in_doubt_gives_way_to_a_line_whose_capital_form_vouches() -> None:
    # page: a digit lost, 大写 unreadable; line alone: a comma for the point, 大写 whole
    rent = _read("月租金为人民币1.18万元（大写：壹万壹仟舞佰伍拾元整）。",
                 "月租金为人民币1,185万元（大写：壹万壹仟捌佰伍拾元整）。")
    assert rent == "11850"


def test_a_wan_figure_rounded_short_vouches_for_the_exact_capital_form() -> None:
    # 1.185万 printed as 1.19万: the 大写 form is the exact amount, the digits agree with it
    rent = _read("月租金为人民币1.19万元（大写：壹万壹仟捌佰伍拾元整）。",
                 "月租金为人民币1.19万元（大写：壹万壹仟捌佰伍拾元整）。")
    assert rent == "11850"


def test_a_sentence_whose_full_stop_was_lost_ends_at_the_next_clause() -> None:
    # read alone, the rent line lost its full stop and its 大写 form is garbled on the
    # page; the deposit of the next clause (twice the rent) must not be taken for the rent
    page = ["房屋租赁合同", _PARTY, _ID, "第三条租金",
            "月租金为人民币（大写）陆仟娄佰元整，按月支付", "第四条押金",
            "乙方应于签约时向甲方支付押金人民币13400元。",
            "租赁期限自2024年1月1日起至2025年12月31日止。"]
    engine = ScriptedEngine(page, {page[4]: "月租金为人民币（大写）陆仟柒佰元整，按月支付"})
    reading = read_document(np.full((1200, 1000), 255, np.uint8), engine, "rental_contract")
    assert reading.fields["monthly_rent"] == "6700"
