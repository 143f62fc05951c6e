"""Tesseract lays out the page, RapidOCR's recogniser reads the lines that matter.

Measured on the generated photos (bench/ocr.py): tesseract's page layout is cheap and
good, and its digits are reliable, but chi_sim misreads less common characters in names
(磊 熊 麓) and the 大写 amount digits; RapidOCR reads those well, but detecting and
recognising every line of a contract page costs 3-4 s of CPU. So a page is read by
tesseract (``read_lines``), and the crops that extraction reads on their own, the
fields of an ID card and the lines that hold a name, an amount or a date, go to
RapidOCR's recogniser without its detector (``read_strip``), a few tens of
milliseconds each. Crops read with a restricted alphabet (an ID card's birth date and
sex/nation row, a code read again) go to the recogniser too, decoded over that alphabet
only: measured on the tuning cards, tesseract with a whitelist misread one birth date in
twenty (1985-04-01 for 1985-04-11), the restricted decode none.

The booth's default engine by measurement (bench/ocr.py, 40 scored photos): 100% exact
fields at 0.81 s CPU a photo, against RapidOCR alone at 2.4 s.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from kiosk.ocr.engine import TextLine
from kiosk.ocr.rapid_engine import RapidOcrEngine
from kiosk.ocr.tesseract_engine import TesseractEngine


class HybridEngine:
    name = "hybrid"

    def __init__(self, languages: str = "chi_sim") -> None:
        self.pages = TesseractEngine(languages)
        self.lines = RapidOcrEngine()
        # a line tesseract's layout dropped is read by the recogniser too
        self.pages.band_reader = self.lines.read_strip

    def read_lines(self, image: np.ndarray) -> list[TextLine]:
        return self.pages.read_lines(image)

    def read_strip(
        self, crops: Sequence[np.ndarray], alphabet: str | None = None
    ) -> list[TextLine]:
        return self.lines.read_strip(crops, alphabet)
