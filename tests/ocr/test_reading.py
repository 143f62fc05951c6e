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
    assert set(reading.fields) == set(FIELDS[doc_type])
    assert reading.fields == photo.document.fields
    assert all(reading.checks.values()), reading.checks
    assert all(0 < reading.confidence[name] <= 1 for name in FIELDS[doc_type])
    assert set(reading.regions) == set(FIELDS[doc_type])


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


def test_check_digit_helper_used_by_these_tests_is_sound() -> None:
    number = synth.render_document("id_card", 41).fields["id_number"]
    assert id_check_char(number[:17]) == number[17] != _wrong_check_digit(number)[17]
