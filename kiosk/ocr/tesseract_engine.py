"""Tesseract (Debian's tesseract-ocr + chi_sim) through pytesseract.

Each pytesseract call starts a tesseract process that loads its language model, which
costs more than reading a card, so :meth:`TesseractEngine.read_strip` stacks its crops
into one image and reads them in one run. ``OMP_THREAD_LIMIT=1`` is forced: tesseract's
OpenMP threads made it 4-6x slower on a 2-core booth. Only ``chi_sim`` is used by
default: ``chi_sim+eng`` turned Chinese into Latin garbage (MACHINE_NOTES).
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence

import cv2
import numpy as np

from kiosk.ocr.engine import OcrUnavailable, TextLine

_SPACE = re.compile(r"\s+")
_GAP = 24  # white pixels between stacked crops


class TesseractEngine:
    name = "tesseract"

    def __init__(self, languages: str = "chi_sim") -> None:
        os.environ["OMP_THREAD_LIMIT"] = "1"
        import pytesseract

        self._tess = pytesseract
        self.languages = languages
        try:
            available = set(pytesseract.get_languages(config=""))
        except (pytesseract.TesseractNotFoundError, OSError) as exc:
            raise OcrUnavailable(
                "tesseract is not installed (apt-get install tesseract-ocr)"
            ) from exc
        missing = [lang for lang in languages.split("+") if lang not in available]
        if missing:
            raise OcrUnavailable(f"tesseract language data missing: {', '.join(missing)}")

    def _data(self, image: np.ndarray, config: str) -> list[TextLine]:
        data = self._tess.image_to_data(
            image, lang=self.languages, config=config, output_type=self._tess.Output.DICT
        )
        lines: dict[tuple[int, int, int], list[int]] = {}
        for i, word in enumerate(data["text"]):
            if word.strip():
                key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
                lines.setdefault(key, []).append(i)
        out: list[TextLine] = []
        for indices in lines.values():
            text = _SPACE.sub("", "".join(data["text"][i] for i in indices))
            x0 = min(data["left"][i] for i in indices)
            y0 = min(data["top"][i] for i in indices)
            x1 = max(data["left"][i] + data["width"][i] for i in indices)
            y1 = max(data["top"][i] + data["height"][i] for i in indices)
            confs = [float(data["conf"][i]) for i in indices if float(data["conf"][i]) >= 0]
            confidence = (min(confs) * 0.5 + sum(confs) / len(confs) * 0.5) / 100 if confs else 0
            out.append(TextLine(text, (x0, y0, x1, y1), round(confidence, 3)))
        out.sort(key=lambda line: (line.box[1], line.box[0]))
        return out

    def read_lines(self, image: np.ndarray) -> list[TextLine]:
        return self._data(image, "--psm 6")

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
        config = "--psm 6"
        if alphabet:
            config += f" -c tessedit_char_whitelist={alphabet}"
        lines = self._data(strip, config)
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
        config = "--psm 13"
        if alphabet:
            config += f" -c tessedit_char_whitelist={alphabet}"
        lines = self._data(padded, config)
        if not lines:
            return TextLine("", (0, 0, 0, 0), 0.0)
        text = "".join(line.text for line in lines)
        x0 = min(line.box[0] for line in lines) - _GAP
        y0 = min(line.box[1] for line in lines) - _GAP
        x1 = max(line.box[2] for line in lines) - _GAP
        y1 = max(line.box[3] for line in lines) - _GAP
        return TextLine(text, (x0, y0, x1, y1), min(line.confidence for line in lines) * 0.8)
