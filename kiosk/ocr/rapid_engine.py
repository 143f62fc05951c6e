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


def merge_rows(boxes: list[TextLine], gap_heights: float = 2.0) -> list[TextLine]:
    """Boxes of one printed line joined left to right, lines top to bottom.

    The detector cuts a line wherever the print has a wide gap: a spaced label (名　　称)
    comes out as one box per character, apart from its value. Boxes that share a row
    and are less than ``gap_heights`` text heights apart are one line, as tesseract
    reads them.
    """
    todo = sorted(boxes, key=lambda ln: ln.box[0])
    merged: list[TextLine] = []
    while todo:
        run = [todo.pop(0)]
        while True:
            last = run[-1]
            nxt = next((ln for ln in todo if _continues(last, ln, gap_heights)), None)
            if nxt is None:
                break
            todo.remove(nxt)
            run.append(nxt)
        merged.append(_joined(run))
    merged.sort(key=lambda line: (line.box[1], line.box[0]))
    return merged


def _continues(left: TextLine, right: TextLine, gap_heights: float) -> bool:
    """``right`` is the next piece of the line ``left`` is on."""
    lh = left.box[3] - left.box[1]
    rh = right.box[3] - right.box[1]
    overlap = min(left.box[3], right.box[3]) - max(left.box[1], right.box[1])
    gap = right.box[0] - left.box[2]
    small = max(1, min(lh, rh))
    return (overlap > 0.6 * small and max(lh, rh) < 1.5 * small
            and -0.5 * small < gap < gap_heights * small)


def _joined(run: list[TextLine]) -> TextLine:
    if len(run) == 1:
        return run[0]
    box = (min(ln.box[0] for ln in run), min(ln.box[1] for ln in run),
           max(ln.box[2] for ln in run), max(ln.box[3] for ln in run))
    return TextLine("".join(ln.text for ln in run), box, min(ln.confidence for ln in run))


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
        return merge_rows(lines)

    def read_strip(
        self, crops: Sequence[np.ndarray], alphabet: str | None = None
    ) -> list[TextLine]:
        if not crops:
            return []
        # the recogniser's cost grows with the crop's width: cut each crop to its ink, and
        # do not run it at all on a blank one (the empty third line of an address)
        spans = [ink_span(crop) for crop in crops]
        inked = [i for i, span in enumerate(spans) if span is not None]
        texts: dict[int, tuple[str, float]] = {}
        if inked:
            trimmed = []
            for i in inked:
                left, right = spans[i] or (0, 0)
                trimmed.append(self._colour(crops[i][:, left:right]))
            results, _ = self._ocr.text_rec(trimmed)
            texts = {i: (text, float(score)) for i, (text, score) in
                     zip(inked, results, strict=True)}
        lines: list[TextLine] = []
        for i, crop in enumerate(crops):
            text, score = texts.get(i, ("", 0.0))
            text = _SPACE.sub("", text)
            if alphabet:
                text = "".join(c for c in text if c in alphabet)
            left, right = spans[i] or (0, 0)
            lines.append(TextLine(text, (left, 0, right, crop.shape[0]), round(score, 3)))
        return lines


def ink_span(crop: np.ndarray, dark: int = 150) -> tuple[int, int] | None:
    """Columns (start, end) of ``crop`` that hold ink, with a margin; None if blank."""
    gray = crop if crop.ndim == 2 else crop[..., 1]
    if gray.size == 0:
        return None
    columns = np.flatnonzero((gray < dark).sum(axis=0) >= 2)
    if columns.size == 0:
        return None
    margin = max(4, gray.shape[0] // 3)
    return max(0, int(columns[0]) - margin), min(gray.shape[1], int(columns[-1]) + 1 + margin)
