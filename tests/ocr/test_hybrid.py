"""The default engine (hybrid: tesseract lays out, RapidOCR's recogniser reads the fields)
reads a generated photo of every document type exactly, and the CLI uses it by default."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import pytest

from kiosk.__main__ import main
from kiosk.config import OcrConfig
from kiosk.ocr import synth
from kiosk.ocr.cli import read_photo
from kiosk.ocr.documents import FIELDS
from kiosk.ocr.engine import OcrEngine
from kiosk.ocr.engines import make_engine

pytestmark = pytest.mark.tesseract


@pytest.fixture(scope="module")
def hybrid() -> OcrEngine:
    return make_engine("hybrid")


@pytest.mark.parametrize("doc_type", synth.DOC_TYPES)
def test_every_field_of_every_type_is_read_exactly(hybrid: OcrEngine, doc_type: str) -> None:
    photo = synth.generate(doc_type, 5003)  # a tuning seed; the bench scores 1000..
    reading = read_photo(photo.image, hybrid, doc_type)
    # synth prints only some of a contract's fields (no property address or signing
    # date): those it prints are read exactly, each with its region
    printed = set(photo.document.fields)
    assert {name: reading.fields[name] for name in printed} == photo.document.fields
    assert printed <= set(FIELDS[doc_type])
    assert all(reading.checks.values()), reading.checks
    assert printed <= set(reading.regions)


def test_hybrid_is_the_default_engine() -> None:
    assert OcrConfig().engine == "hybrid"


def test_the_cli_reads_with_the_default_engine(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    photo = synth.generate("id_card", 5004)
    image = tmp_path / "card.jpg"
    cv2.imwrite(str(image), photo.image)
    assert main(["ocr", "--type", "id_card", "--json", str(image)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"type", "fields", "confidence", "checks"}
    assert out["fields"] == photo.document.fields
