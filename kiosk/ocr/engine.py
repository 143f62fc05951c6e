"""The OCR engine port, what it returns, and the async facade the booth calls.

An engine turns an image into :class:`TextLine` s. Two calls cover every use:

* ``read_lines(image)``: lay out and read a whole page;
* ``read_strip(crops, alphabet)``: read crops known to hold one line each (the fields of
  a card, a code re-read with a restricted alphabet); engines batch them as they can
  (tesseract stacks them into one image, since each tesseract run reloads its model).

Engines are blocking. :class:`OcrService` runs them in a single worker thread with a
timeout so the Qt/asyncio loop never waits on OCR.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

import numpy as np

from kiosk.core.errors import XiaowuError

Box = tuple[int, int, int, int]  # x0, y0, x1, y1
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class TextLine:
    """One line of text read from an image; ``confidence`` is 0..1."""

    text: str
    box: Box
    confidence: float


class OcrEngine(Protocol):
    """Something that reads text; implementations block and are used from one thread."""

    name: str

    def read_lines(self, image: np.ndarray) -> list[TextLine]: ...

    def read_strip(
        self, crops: Sequence[np.ndarray], alphabet: str | None = None
    ) -> list[TextLine]: ...


class OcrUnavailable(XiaowuError):
    """The configured OCR engine is not installed or failed to start."""

    code = "ocr_unavailable"


class OcrTimeout(XiaowuError):
    """Reading a document took longer than the configured limit."""

    code = "ocr_timeout"


def make_engine(name: str, languages: str = "chi_sim") -> OcrEngine:
    """The engine called ``name`` ("tesseract", "rapidocr" or "hybrid")."""
    # The booth calls this in a worker thread before its first capture: the code that reads
    # a page and the page encoder are imported here too, not on the event loop (~50 ms).
    from kiosk.ocr import extract, synth  # noqa: F401

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


class OcrService:
    """Runs blocking OCR work off the event loop, one job at a time, with a timeout."""

    def __init__(self, engine: OcrEngine, timeout_s: float = 20.0) -> None:
        self.engine = engine
        self.timeout_s = timeout_s
        self._executor = concurrent.futures.ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="ocr"
        )

    async def run(self, job: Callable[[OcrEngine], T]) -> T:
        """``job(engine)`` in the OCR thread; raises :class:`OcrTimeout` after the limit."""
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self._executor, job, self.engine)
        try:
            return await asyncio.wait_for(future, self.timeout_s)
        except TimeoutError:
            raise OcrTimeout(f"OCR took longer than {self.timeout_s:g} s") from None

    def close(self) -> None:
        """Stop accepting work; a running job finishes in the background."""
        self._executor.shutdown(wait=False, cancel_futures=True)
