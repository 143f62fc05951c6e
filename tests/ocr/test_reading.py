"""Reading generated document photos end to end with tesseract: fields, checks, types."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from kiosk.ocr import synth
from kiosk.ocr.checks import id_check_char
from kiosk.ocr.cli import read_photo
from kiosk.ocr.documents import FIELDS
from kiosk.ocr.engine import OcrEngine

pytestmark = pytest.mark.tesseract

FONTS = {f.name: f for f in synth.available_fonts()}
# (type, seed, font): a few photos per type, several typefaces
CASES = [
    ("id_card", 23, "noto-sans"),
    ("id_card", 21, "noto-serif"),
    ("business_license", 21, "wqy-zenhei"),
    ("business_license", 21, "noto-sans"),
    ("purchase_contract", 24, "noto-serif"),
    ("purchase_contract", 22, "noto-sans-bold"),
    ("rental_contract", 23, "wqy-zenhei"),
    ("rental_contract", 23, "noto-sans"),
]


def _font(name: str) -> synth.FontFace:
    return FONTS.get(name, synth.available_fonts()[0])


@pytest.mark.parametrize(("doc_type", "seed", "font"), CASES)
def test_every_field_is_read_exactly(
    tesseract: OcrEngine, doc_type: str, seed: int, font: str
) -> None:
    photo = synth.generate(doc_type, seed, font=_font(font))
    reading = read_photo(photo.image, tesseract, doc_type)
    assert reading.doc_type == doc_type
    # synth prints no contract's property address or signing date: what it prints
    printed = set(photo.document.fields)
    assert set(reading.fields) == set(FIELDS[doc_type])
    assert {name: reading.fields[name] for name in printed} == photo.document.fields
    assert all(reading.checks.values()), reading.checks
    assert all(0 < reading.confidence[name] <= 1 for name in printed)
    assert set(reading.regions) >= printed


@pytest.mark.parametrize("doc_type", ["id_card", "business_license", "rental_contract"])
def test_the_type_is_found_without_being_told(tesseract: OcrEngine, doc_type: str) -> None:
    photo = synth.generate(doc_type, 31)
    assert read_photo(photo.image, tesseract).doc_type == doc_type


def _wrong_check_digit(number: str) -> str:
    return number[:17] + next(c for c in "0123456789X" if c != number[17])


def test_a_wrong_id_check_digit_marks_the_field(tesseract: OcrEngine) -> None:
    true_number = synth.render_document("id_card", 41).fields["id_number"]
    printed = _wrong_check_digit(true_number)
    photo = synth.generate("id_card", 41, font=_font("noto-sans"),
                           printed={"id_number": printed})
    reading = read_photo(photo.image, tesseract, "id_card")
    assert reading.fields["id_number"] == printed
    assert reading.checks["id_number"] is False
    assert reading.confidence["id_number"] <= 0.5
    assert "id_number" in reading.flagged()


def test_sex_and_birth_date_that_disagree_with_the_number_are_marked(
    tesseract: OcrEngine,
) -> None:
    document = synth.render_document("id_card", 42)
    born = dt.date.fromisoformat(document.fields["birth_date"]) + dt.timedelta(days=40)
    other_sex = "女" if document.fields["sex"] == "男" else "男"
    number = synth.random_id_number(random.Random(1), born=born,
                                    sex=document.fields["sex"])
    photo = synth.generate("id_card", 42, font=_font("noto-sans"),
                           printed={"id_number": number, "sex": other_sex})
    reading = read_photo(photo.image, tesseract, "id_card")
    assert reading.fields["id_number"] == number
    assert reading.checks["id_number"] is True
    assert reading.fields["sex"] == other_sex
    assert reading.checks["sex"] is False
    assert reading.fields["birth_date"] == document.fields["birth_date"]
    assert reading.checks["birth_date"] is False


def test_a_wrong_uscc_and_an_impossible_date_are_marked(tesseract: OcrEngine) -> None:
    uscc = synth.render_document("business_license", 43).fields["uscc"]
    body = uscc[:17]
    wrong = body + next(c for c in "0123456789ABCDEFGHJKLMNPQRTUWXY" if c != uscc[17])
    photo = synth.generate("business_license", 43, font=_font("noto-sans"),
                           printed={"uscc": wrong, "established": "2019年02月30日"})
    reading = read_photo(photo.image, tesseract, "business_license")
    assert reading.fields["uscc"] == wrong
    assert reading.checks["uscc"] is False
    assert reading.fields["established"] == "2019-02-30"
    assert reading.checks["established"] is False


def test_a_lease_ending_before_it_starts_is_marked(tesseract: OcrEngine) -> None:
    photo = synth.generate("rental_contract", 44, font=_font("noto-sans"),
                           printed={"period": "租赁期限自2024年3月1日起至2023年2月28日止。"})
    reading = read_photo(photo.image, tesseract, "rental_contract")
    assert (reading.fields["start"], reading.fields["end"]) == ("2024-03-01", "2023-02-28")
    assert reading.checks["start"] is True
    assert reading.checks["end"] is False


@pytest.fixture(scope="module")
def hybrid() -> OcrEngine:
    from kiosk.ocr.engines import make_engine

    return make_engine("hybrid")


@pytest.mark.slow
@pytest.mark.parametrize(("doc_type", "seed", "font"), [
    ("id_card", 25, "arphic-ukai"),
    ("business_license", 26, "noto-serif"),
    ("purchase_contract", 25, "arphic-ukai"),
    ("rental_contract", 26, "noto-sans-bold"),
])
def test_the_hybrid_engine_reads_every_field_exactly(
    hybrid: OcrEngine, doc_type: str, seed: int, font: str
) -> None:
    photo = synth.generate(doc_type, seed, font=_font(font))
    reading = read_photo(photo.image, hybrid, doc_type)
    printed = set(photo.document.fields)
    assert {name: reading.fields[name] for name in printed} == photo.document.fields
    assert all(reading.checks.values()), reading.checks
    assert set(reading.regions) >= printed


def test_a_line_the_page_reading_garbled_is_read_again_on_its_own() -> None:
    from kiosk.ocr.engine import TextLine
    from kiosk.ocr.extract import _Page, _read_purchase_contract, _second_reading

    class LineReader:
        """Reads every crop as the buyer's line, confidently."""

        name = "line-reader"
        crops = 0

        def read_lines(self, image: object) -> list[TextLine]:
            return []

        def read_strip(self, crops: list[object], alphabet: str | None = None,
                       ) -> list[TextLine]:
            self.crops += len(crops)
            return [TextLine("买受人：蒋乐宇", (0, 0, 10, 10), 0.99) for _ in crops]

    import numpy as np

    gray = np.full((400, 800), 255, np.uint8)
    page = _Page.of([
        TextLine("出卖人：某某房地产开发有限公司", (80, 40, 500, 75), 0.9),
        TextLine("买受人：和蒋乐宇", (80, 100, 300, 135), 0.6),
        TextLine("证件号码：440305199807036591", (80, 160, 600, 195), 0.9),
        TextLine("总价款为人民币2,640,000元。", (80, 220, 600, 255), 0.9),
    ])
    engine = LineReader()
    first = _read_purchase_contract(gray, page, engine)
    assert first.fields["buyer"] == "和蒋乐宇"
    second = _second_reading("purchase_contract", gray, page, first, engine)
    assert engine.crops == 1  # only the name's line: the amount is sure, the code valid
    read = {name: value for name, value in second.fields.items() if value}
    assert read == {"buyer": "蒋乐宇", "buyer_id_number": "440305199807036591",
                    "total_price": "2640000"}


def test_check_digit_helper_used_by_these_tests_is_sound() -> None:
    number = synth.render_document("id_card", 41).fields["id_number"]
    assert id_check_char(number[:17]) == number[17] != _wrong_check_digit(number)[17]
