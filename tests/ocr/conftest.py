"""Fixtures for OCR tests: one tesseract engine per session (it checks its language data)."""

from __future__ import annotations

import shutil

import pytest

from kiosk.ocr.engine import OcrEngine


@pytest.fixture(scope="session")
def tesseract() -> OcrEngine:
    if shutil.which("tesseract") is None:
        pytest.fail("tesseract-ocr is not installed (packaging/apt-packages.txt)")
    from kiosk.ocr.tesseract_engine import TesseractEngine

    return TesseractEngine("chi_sim")
