"""Making the OCR engine a configuration names: ``tesseract``, ``rapidocr`` or ``hybrid``.

Apart from :mod:`kiosk.ocr.engine` (the port and its types), which every engine imports:
the factory imports the engines, so it cannot live beside the types they need.
"""

from __future__ import annotations

from kiosk.ocr.engine import OcrEngine


def make_engine(name: str, languages: str = "chi_sim") -> OcrEngine:
    """The engine called ``name`` ("tesseract", "rapidocr" or "hybrid")."""
    # The booth calls this in a worker thread before its first capture: the code that reads
    # a page is imported here too, not on the event loop.
    from kiosk.ocr import extract  # noqa: F401

    if name == "tesseract":
        from kiosk.ocr.tesseract_engine import TesseractEngine

        return TesseractEngine(languages)
    if name == "rapidocr":
        from kiosk.ocr.rapid_engine import RapidOcrEngine

        return RapidOcrEngine()
    if name == "hybrid":
        from kiosk.ocr.hybrid_engine import HybridEngine

        return HybridEngine(languages)
    raise ValueError(f"unknown OCR engine {name!r}")
