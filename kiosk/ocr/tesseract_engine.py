"""Tesseract (Debian's tesseract-ocr + chi_sim) through tesserocr, or pytesseract.

tesserocr (the C++ API, in-process) keeps the language model loaded between calls;
pytesseract starts a tesseract process per call, and loading chi_sim costs about 0.3 s,
more than reading a card (an ID card: 0.20 s CPU in-process against 0.55 s).
pytesseract stays the fallback when tesserocr is not installed.
:meth:`TesseractEngine.read_strip` stacks its crops into one image and reads it as a
block (psm 6): measured on the tuning photos, that read ID cards better than one
single-line call (psm 7) per crop, which added stray characters at the ends.
``OMP_THREAD_LIMIT=1`` is forced: tesseract's OpenMP threads made it 4-6x slower on a
2-core booth. Only ``chi_sim`` is used by default:
``chi_sim+eng`` turned Chinese into Latin garbage (docs/operations.md).
"""

from __future__ import annotations

import glob
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import cv2
import numpy as np

from kiosk.ocr.engine import OcrUnavailable, TextLine

_SPACE = re.compile(r"\s+")
_GAP = 24  # white pixels between stacked crops
_TESSDATA_GLOBS = ("/usr/share/tesseract-ocr/*/tessdata", "/usr/share/tessdata",
                   "/usr/local/share/tessdata")


@dataclass(frozen=True, slots=True)
class _Word:
    text: str
    box: tuple[int, int, int, int]
    confidence: float  # 0..100, or -1 when tesseract gives none
    line: int  # words with the same number are on one text line


class _Runner(Protocol):
    """One way of running tesseract on a grey image."""

    def words(self, image: np.ndarray, psm: int, alphabet: str | None) -> list[_Word]: ...


def tessdata_dir() -> str | None:
    """Where the installed language data is (TESSDATA_PREFIX wins), or None."""
    prefix = os.environ.get("TESSDATA_PREFIX")
    if prefix:
        return prefix
    for pattern in _TESSDATA_GLOBS:
        for path in sorted(glob.glob(pattern), reverse=True):
            if glob.glob(os.path.join(path, "*.traineddata")):
                return path
    return None


class _TesserocrRunner:
    """tesseract's C++ API in this process; the model stays loaded."""

    def __init__(self, languages: str) -> None:
        import tesserocr

        self._tesserocr = tesserocr
        path = tessdata_dir()
        if path is None:
            raise OcrUnavailable("tesseract language data not found (apt-get install "
                                 "tesseract-ocr-chi-sim)")
        available = set(tesserocr.get_languages(path)[1])
        missing = [lang for lang in languages.split("+") if lang not in available]
        if missing:
            raise OcrUnavailable(f"tesseract language data missing: {', '.join(missing)}")
        self._api: Any = tesserocr.PyTessBaseAPI(path=path, lang=languages)
        # dark print on light paper: skip re-reading doubtful words as inverted (~10% CPU)
        self._api.SetVariable("tessedit_do_invert", "0")

    def words(self, image: np.ndarray, psm: int, alphabet: str | None) -> list[_Word]:
        tesserocr = self._tesserocr
        api = self._api
        api.SetPageSegMode(psm)
        api.SetVariable("tessedit_char_whitelist", alphabet or "")
        image = np.ascontiguousarray(image)
        height, width = image.shape
        api.SetImageBytes(image.tobytes(), width, height, 1, width)
        api.Recognize()
        iterator = api.GetIterator()
        words: list[_Word] = []
        if iterator is None:
            return words
        line = -1
        level = tesserocr.RIL.WORD
        for word in tesserocr.iterate_level(iterator, level):
            if word.Empty(level):
                continue
            if word.IsAtBeginningOf(tesserocr.RIL.TEXTLINE) or line < 0:
                line += 1
            text = word.GetUTF8Text(level) or ""
            box = word.BoundingBox(level)
            if text.strip() and box is not None:
                words.append(_Word(text, tuple(box), float(word.Confidence(level)), line))
        return words


class _PytesseractRunner:
    """One tesseract process per call (loads the model each time)."""

    def __init__(self, languages: str) -> None:
        import pytesseract

        self._tess = pytesseract
        self._languages = languages
        try:
            available = set(pytesseract.get_languages(config=""))
        except (pytesseract.TesseractNotFoundError, OSError) as exc:
            raise OcrUnavailable(
                "tesseract is not installed (apt-get install tesseract-ocr)"
            ) from exc
        missing = [lang for lang in languages.split("+") if lang not in available]
        if missing:
            raise OcrUnavailable(f"tesseract language data missing: {', '.join(missing)}")

    def words(self, image: np.ndarray, psm: int, alphabet: str | None) -> list[_Word]:
        config = f"--psm {psm}"
        if alphabet:
            config += f" -c tessedit_char_whitelist={alphabet}"
        data = self._tess.image_to_data(
            image, lang=self._languages, config=config, output_type=self._tess.Output.DICT
        )
        keys: dict[tuple[int, int, int], int] = {}
        words: list[_Word] = []
        for i, text in enumerate(data["text"]):
            if not text.strip():
                continue
            key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
            line = keys.setdefault(key, len(keys))
            box = (data["left"][i], data["top"][i], data["left"][i] + data["width"][i],
                   data["top"][i] + data["height"][i])
            words.append(_Word(text, box, float(data["conf"][i]), line))
        return words


def dropped_bands(image: np.ndarray, lines: Sequence[TextLine]) -> list[tuple[int, int, int, int]]:
    """Boxes (x0, y0, x1, y1) of inked rows of ``image`` that no line of ``lines`` covers
    and that are about as tall as a text line."""
    if len(lines) < 3 or image.ndim != 2:
        return []
    heights = sorted(line.box[3] - line.box[1] for line in lines)
    height = heights[len(heights) // 2]
    covered = np.zeros(image.shape[0], bool)
    for line in lines:
        covered[max(0, line.box[1] - 2) : line.box[3] + 2] = True
    left = min(line.box[0] for line in lines)
    right = max(line.box[2] for line in lines)
    ink = (image[:, left:right] < 128).sum(axis=1) > 2
    rows = ink & ~covered
    bands: list[tuple[int, int, int, int]] = []
    y = 0
    while y < len(rows):
        if not rows[y]:
            y += 1
            continue
        top = y
        while y < len(rows) and rows[y]:
            y += 1
        if 0.4 * height <= y - top <= 1.6 * height:
            pad = height // 4
            columns = np.flatnonzero((image[top:y, left:right] < 128).any(axis=0))
            x0 = max(0, left + int(columns[0]) - pad)
            x1 = min(image.shape[1], left + int(columns[-1]) + pad)
            bands.append((x0, max(0, top - pad), x1, min(image.shape[0], y + pad)))
    return bands


class TesseractEngine:
    name = "tesseract"
    stacks_crops = True  # read_strip reads its crops as one image (see the module doc)

    def __init__(self, languages: str = "chi_sim", in_process: bool = True) -> None:
        """``in_process``: use tesserocr when it is installed (pytesseract otherwise)."""
        os.environ["OMP_THREAD_LIMIT"] = "1"
        self.languages = languages
        runner: _Runner | None = None
        if in_process:
            try:
                runner = _TesserocrRunner(languages)
            except ImportError:
                runner = None
        self._runner: _Runner = runner or _PytesseractRunner(languages)
        self.in_process = runner is not None
        # reads the bands of a page its layout dropped (the hybrid engine lends its own)
        self.band_reader: Callable[[Sequence[np.ndarray]], list[TextLine]] = self.read_strip

    def _lines(self, image: np.ndarray, psm: int, alphabet: str | None = None) -> list[TextLine]:
        lines: dict[int, list[_Word]] = {}
        for word in self._runner.words(image, psm, alphabet):
            lines.setdefault(word.line, []).append(word)
        out: list[TextLine] = []
        for words in lines.values():
            text = _SPACE.sub("", "".join(w.text for w in words))
            if not text:
                continue
            x0 = min(w.box[0] for w in words)
            y0 = min(w.box[1] for w in words)
            x1 = max(w.box[2] for w in words)
            y1 = max(w.box[3] for w in words)
            confs = [w.confidence for w in words if w.confidence >= 0]
            confidence = (min(confs) * 0.5 + sum(confs) / len(confs) * 0.5) / 100 if confs else 0
            out.append(TextLine(text, (x0, y0, x1, y1), round(confidence, 3)))
        out.sort(key=lambda line: (line.box[1], line.box[0]))
        return out

    def read_lines(self, image: np.ndarray) -> list[TextLine]:
        lines = self._lines(image, 6)
        bands = dropped_bands(image, lines)
        if not bands:
            return lines
        # tesseract's layout analysis drops a short line now and then (a party line of a
        # contract between two longer ones): read the inked bands no line covers
        crops = [image[top:bottom, left:right] for left, top, right, bottom in bands]
        for band, line in zip(bands, self.band_reader(crops), strict=True):
            if line.text:
                box = (band[0] + line.box[0], band[1] + line.box[1],
                       band[0] + line.box[2], band[1] + line.box[3])
                lines.append(TextLine(line.text, box, line.confidence))
        lines.sort(key=lambda line: (line.box[1], line.box[0]))
        return lines

    def read_strip(
        self, crops: Sequence[np.ndarray], alphabet: str | None = None
    ) -> list[TextLine]:
        if not crops:
            return []
        width = max(c.shape[1] for c in crops) + 2 * _GAP
        slots: list[tuple[int, int]] = []
        rows: list[np.ndarray] = []
        y = _GAP
        pad = np.full((_GAP, width), 255, np.uint8)
        rows.append(pad)
        for crop in crops:
            gray = crop if crop.ndim == 2 else crop[..., 1]
            row = np.full((gray.shape[0], width), 255, np.uint8)
            row[:, _GAP : _GAP + gray.shape[1]] = gray
            rows.extend((row, pad))
            slots.append((y, y + gray.shape[0]))
            y += gray.shape[0] + _GAP
        strip = np.vstack(rows)
        lines = self._lines(strip, 6, alphabet)
        result: list[TextLine] = []
        for crop, (top, bottom) in zip(crops, slots, strict=True):
            inside = [ln for ln in lines if top <= (ln.box[1] + ln.box[3]) / 2 < bottom]
            if not inside:
                # tesseract's layout analysis sometimes drops a short line of a page; a
                # lone raw line (psm 13) on a binarised crop usually reads it
                result.append(self._lone_line(crop, alphabet))
                continue
            inside.sort(key=lambda ln: ln.box[0])
            box = (
                min(ln.box[0] for ln in inside) - _GAP,
                min(ln.box[1] for ln in inside) - top,
                max(ln.box[2] for ln in inside) - _GAP,
                max(ln.box[3] for ln in inside) - top,
            )
            result.append(
                TextLine(
                    "".join(ln.text for ln in inside), box, min(ln.confidence for ln in inside)
                )
            )
        return result

    def _lone_line(self, crop: np.ndarray, alphabet: str | None) -> TextLine:
        gray = crop if crop.ndim == 2 else crop[..., 1]
        if gray.size == 0 or int(gray.min()) > 160:  # nothing printed here
            return TextLine("", (0, 0, 0, 0), 0.0)
        _, binary = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
        padded = cv2.copyMakeBorder(binary, _GAP, _GAP, _GAP, _GAP, cv2.BORDER_CONSTANT,
                                    value=255)
        lines = self._lines(padded, 13, alphabet)
        if not lines:
            return TextLine("", (0, 0, 0, 0), 0.0)
        text = "".join(line.text for line in lines)
        x0 = min(line.box[0] for line in lines) - _GAP
        y0 = min(line.box[1] for line in lines) - _GAP
        x1 = max(line.box[2] for line in lines) - _GAP
        y1 = max(line.box[3] for line in lines) - _GAP
        return TextLine(text, (x0, y0, x1, y1), min(line.confidence for line in lines) * 0.8)
