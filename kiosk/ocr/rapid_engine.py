"""RapidOCR (PP-OCRv4 detection and recognition on onnxruntime, models in the wheel).

Runs offline: ``rapidocr-onnxruntime`` ships its ONNX models. onnxruntime is pinned to
one thread so one OCR job uses one core and leaves the other to the UI and the call.
``read_strip`` skips detection and feeds the crops straight to the recogniser.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from kiosk.ocr.engine import OcrUnavailable, TextLine

_SPACE = re.compile(r"\s+")


class RapidOcrEngine:
    name = "rapidocr"

    def __init__(self, threads: int = 1) -> None:
        try:
            from rapidocr_onnxruntime import RapidOCR
        except ImportError as exc:
            raise OcrUnavailable("rapidocr-onnxruntime is not installed") from exc
        self._ocr = RapidOCR(
            params={
                "Global.intra_op_num_threads": threads,
                "Global.inter_op_num_threads": threads,
                "Global.use_cls": False,
                "Global.print_verbose": False,
            }
        )

    @staticmethod
    def _colour(image: np.ndarray) -> np.ndarray:
        return np.repeat(image[..., None], 3, axis=2) if image.ndim == 2 else image

    def read_lines(self, image: np.ndarray) -> list[TextLine]:
        result, _ = self._ocr(self._colour(image), use_cls=False)
        lines: list[TextLine] = []
        for polygon, text, score in result or []:
            xs = [int(p[0]) for p in polygon]
            ys = [int(p[1]) for p in polygon]
            lines.append(
                TextLine(
                    _SPACE.sub("", text),
                    (min(xs), min(ys), max(xs), max(ys)),
                    round(float(score), 3),
                )
            )
        lines.sort(key=lambda line: (line.box[1], line.box[0]))
        return lines

    def read_strip(
        self, crops: Sequence[np.ndarray], alphabet: str | None = None
    ) -> list[TextLine]:
        if not crops:
            return []
        results, _ = self._ocr.text_rec([self._colour(c) for c in crops])
        lines: list[TextLine] = []
        for crop, (text, score) in zip(crops, results, strict=True):
            text = _SPACE.sub("", text)
            if alphabet:
                text = "".join(c for c in text if c in alphabet)
            height, width = crop.shape[:2]
            lines.append(TextLine(text, (0, 0, width, height), round(float(score), 3)))
        return lines
