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
ROW_MARGIN = 0.35
BATCH = 6
GROUP = 1.25


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
        self._alphabets: dict[str, np.ndarray] = {}

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
        """Each crop through the recogniser alone; with ``alphabet``, the CTC decode
        chooses among those characters only (and the blank), so a digit that looks like
        a letter is read as the nearest digit rather than dropped."""
        if not crops:
            return []
        # the recogniser's cost grows with the crop's width: cut each crop to its ink, and
        # do not run it at all on a blank one (the empty third line of an address)
        spans = [ink_span(crop) for crop in crops]
        inked = [i for i, span in enumerate(spans) if span is not None]
        texts: dict[int, tuple[str, float]] = {}
        if inked:
            rows: list[np.ndarray] = []
            owner: list[int] = []
            for i in inked:
                left, right = spans[i] or (0, 0)
                for row in text_rows(crops[i][:, left:right]):
                    rows.append(self._colour(row))
                    owner.append(i)
            allowed = self._allowed(alphabet) if alphabet else None
            for i, probs in zip(owner, self._probabilities(rows), strict=True):
                text, score = ctc_decode(probs, self._characters, allowed)
                if i in texts:  # a crop of two lines: their texts joined, the worse score
                    text, score = texts[i][0] + text, min(score, texts[i][1])
                texts[i] = (text, score)
        lines: list[TextLine] = []
        for i, crop in enumerate(crops):
            text, score = texts.get(i, ("", 0.0))
            text = _SPACE.sub("", text)
            if alphabet:
                text = "".join(c for c in text if c in alphabet)
            left, right = spans[i] or (0, 0)
            lines.append(TextLine(text, (left, 0, right, crop.shape[0]), round(score, 3)))
        return lines

    @property
    def _characters(self) -> list[str]:
        characters: list[str] = self._ocr.text_rec.postprocess_op.character
        return characters

    def _allowed(self, alphabet: str) -> np.ndarray:
        """Class indices of the blank and of the characters of ``alphabet``."""
        if alphabet not in self._alphabets:
            index = self._ocr.text_rec.postprocess_op.dict
            self._alphabets[alphabet] = np.array(
                [0, *sorted({index[c] for c in alphabet if c in index})])
        return self._alphabets[alphabet]

    def _probabilities(self, images: list[np.ndarray]) -> list[np.ndarray]:
        """The recogniser's class probabilities (frames x classes) for each image.

        As RapidOCR's own ``text_rec`` does: images sorted by width, batched, each batch
        padded to its widest; the frames of one image's padding decode to blanks.
        """
        rec = self._ocr.text_rec
        _, height, width = rec.rec_image_shape
        ratios = [img.shape[1] / img.shape[0] for img in images]
        order = [int(i) for i in np.argsort(ratios)]
        out: list[np.ndarray] = [np.empty(0)] * len(images)
        batches: list[list[int]] = []
        for i in order:
            if (batches and len(batches[-1]) < BATCH
                    and ratios[i] <= GROUP * max(ratios[batches[-1][0]], width / height)):
                batches[-1].append(i)
            else:
                batches.append([i])
        for batch in batches:
            widest = max([width / height] + [ratios[i] for i in batch])
            inputs = np.concatenate([rec.resize_norm_img(images[i], widest)[None]
                                     for i in batch]).astype(np.float32)
            probs = rec.session(inputs)[0]
            for row, i in enumerate(batch):
                out[i] = probs[row]
        return out


def ctc_decode(probs: np.ndarray, characters: Sequence[str],
               allowed: np.ndarray | None = None) -> tuple[str, float]:
    """Greedy CTC decode of ``probs`` (frames x classes, class 0 the blank), restricted to
    the ``allowed`` classes when given; the score is the mean probability of the chosen
    characters, as RapidOCR reports it."""
    if allowed is not None:
        best = allowed[probs[:, allowed].argmax(axis=1)]
    else:
        best = probs.argmax(axis=1)
    keep = best != 0
    keep[1:] &= best[1:] != best[:-1]
    chosen = best[keep]
    if chosen.size == 0:
        return "", 0.0
    score = float(probs[np.flatnonzero(keep), chosen].mean())
    return "".join(characters[c] for c in chosen), score


def text_rows(crop: np.ndarray, dark: int = 150) -> list[np.ndarray]:
    """The printed rows of ``crop``, each cut out with a small margin, top to bottom.

    The recogniser scales a crop to 48 px high: slack above and below the print shrinks
    the characters, and with them the frames each character gets; measured, a name
    after a wide gap (法定代表人　　朱峰天) lost its first character in a crop with
    the page reading's padding and kept it in a tight one. A band that touches the
    crop's edge and is shorter than the tallest is a piece of the line above or below
    and is dropped; when a crop holds two whole lines (the page reading joined them),
    each is returned on its own, since the recogniser reads one line at a time.
    """
    gray = crop if crop.ndim == 2 else crop[..., 1]
    # a row is printed when it holds more than a ruled border's few dark pixels
    inked = (gray < dark).sum(axis=1) > max(3, gray.shape[1] // 100)
    bands: list[tuple[int, int]] = []
    y = 0
    while y < len(inked):
        if not inked[y]:
            y += 1
            continue
        top = y
        while y < len(inked) and inked[y]:
            y += 1
        bands.append((top, y))
    if not bands:
        return [crop]
    tallest = max(bottom - top for top, bottom in bands)
    bands = [(top, bottom) for top, bottom in bands
             if bottom - top >= 0.6 * tallest or (top > 0 and bottom < len(inked))]
    # rows closer than half a line apart are one line (a character's separate strokes)
    lines = [list(bands[0])]
    for top, bottom in bands[1:]:
        if top - lines[-1][1] < tallest // 2:
            lines[-1][1] = bottom
        else:
            lines.append([top, bottom])
    rows = []
    for top, bottom in lines:
        if bottom - top < 0.5 * tallest:
            continue  # a stray mark between two lines
        margin = max(2, int(ROW_MARGIN * (bottom - top)))
        rows.append(crop[max(0, top - margin) : bottom + margin])
    return rows or [crop]


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
