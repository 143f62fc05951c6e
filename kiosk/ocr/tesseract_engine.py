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
        for top, bottom in slots:
            inside = [ln for ln in lines if top <= (ln.box[1] + ln.box[3]) / 2 < bottom]
            if not inside:
                result.append(TextLine("", (0, 0, 0, 0), 0.0))
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
