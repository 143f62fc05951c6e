"""Is a captured page good enough to read? Blur and glare, with a reason the UI can say.

Both gates look at the print, not at the page as a whole: a page is refused only when
what is printed on it cannot be read, since a citizen told to "tilt to avoid glare" for
a page that is merely lit from one side would tilt it for ever.

* **Text** is found first: the light is evened out (each pixel divided by a large-scale
  estimate of the paper's own brightness, so a lamp's gradient or a hand's shadow goes),
  ink is what is clearly darker than its paper, and ink joined along rows gives the text
  lines and their height, the scale both gates work at.
* **Glare** is a lamp reflected by glossy paper or an ID card's laminate: a blob of
  clipped white, clearly brighter than the paper around it, with no ink left in it,
  wider than the gaps between lines and within the printed area. A page that clips on
  its bright side is as bright as its own paper there, and its print stays dark: it is
  not glare. The blob's size is counted in squares of the text height, so a reflection
  that wipes out a few characters weighs the same on a card as on an A4 page.
* **Blur**: at the page's strongest edges, its print, the second derivative relative
  to the first is large when the edge is steep and small when it is smeared (the worse
  of the two axes, since motion smears one direction only).

Between a clear pass and a clear refusal a page is ``unsure``: it is read, and the
fields the doubt touches get a lower confidence, which flags them on the confirm screen
(kiosk.ocr.cli.read_photo, the booth's reader). Thresholds were chosen on the ``tune``
split of bench/data/ocr_eval and kiosk.ocr.synth (bench/ocr.py measures them on ``eval``).
Each rejection carries a reason code; :data:`PROMPTS` holds the spoken and written
prompt for it (the UI translates through its own strings; these are the source texts).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import cv2
import numpy as np

Reason = Literal["ok", "no_document", "too_small", "blurred", "glare"]
Box = tuple[int, int, int, int]

PROMPTS: dict[str, dict[str, str]] = {
    "no_document": {
        "zh_CN": "请把材料平放在拍摄区域内", "en": "Place the document flat in the frame",
    },
    "too_small": {"zh_CN": "请把材料放到拍摄区域中央", "en": "Move the document to the middle"},
    "blurred": {"zh_CN": "请保持不动", "en": "Hold still"},
    "glare": {"zh_CN": "有反光，请稍微倾斜材料", "en": "Tilt to avoid glare"},
}

_WORK_WIDTH = 800
_CLIPPED = 246  # grey level a sensor's clipped white reaches after JPEG
_LIFT = 1.05  # a glare blob is this much brighter than the paper around it


@dataclass(frozen=True, slots=True)
class QualityLimits:
    """Thresholds, chosen on the tune split (bench/ocr.py measures them on eval)."""

    min_sharpness: float = 0.30  # below: refused as blurred
    sure_sharpness: float = 0.37  # below (and above the minimum): read, fields flagged
    max_glare: float = 12.0  # largest blob, in text-height squares; above: refused
    sure_glare: float = 4.0  # above (and below the maximum): read, fields flagged
    min_page_pixels: int = 500 * 300


@dataclass(frozen=True, slots=True)
class Verdict:
    """The outcome of checking a page: ``reason`` is "ok" or why it was rejected.

    ``unsure`` marks a page that is read although a gate had doubts; ``doubtful``
    holds the page regions (x0, y0, x1, y1 in the page's pixels) the doubt is about:
    the glare blobs, or the whole page when the doubt is its sharpness.
    """

    reason: Reason
    sharpness: float = 0.0
    glare: float = 0.0  # the largest glare blob over text, in text-height squares
    unsure: bool = False
    doubtful: tuple[Box, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return self.reason == "ok"

    def prompt(self, language: str = "zh_CN") -> str:
        return PROMPTS.get(self.reason, {}).get(language, "")


@dataclass(frozen=True, slots=True)
class _Text:
    """The print of a page at the working width."""

    gray: np.ndarray  # the page, grey, at the working width
    ink: np.ndarray  # bool: clearly darker than the paper around it
    lines: np.ndarray  # bool: the text lines (ink joined along rows)
    height: float  # median text line height, px
    factor: float  # working width / page width


def _grey(page: np.ndarray) -> np.ndarray:
    return page if page.ndim == 2 else cv2.cvtColor(page, cv2.COLOR_BGR2GRAY)


def _text(page: np.ndarray) -> _Text:
    gray = _grey(page)
    factor = _WORK_WIDTH / gray.shape[1]
    small = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    # the paper's brightness: the page with its print closed away, smoothed
    paper = cv2.GaussianBlur(cv2.dilate(small, np.ones((9, 9), np.uint8)), (0, 0), 12)
    ratio = small.astype(np.float32) / np.maximum(paper.astype(np.float32), 1.0)
    ink = ratio < 0.72
    ink_u8: np.ndarray = cv2.morphologyEx(ink.astype(np.uint8), cv2.MORPH_OPEN,
                                          np.ones((2, 2), np.uint8))
    lines = cv2.morphologyEx(ink_u8, cv2.MORPH_CLOSE, np.ones((3, 15), np.uint8))
    count, _, stats, _ = cv2.connectedComponentsWithStats(lines)
    heights = [
        int(stats[i, cv2.CC_STAT_HEIGHT]) for i in range(1, count)
        if stats[i, cv2.CC_STAT_WIDTH] >= 2 * stats[i, cv2.CC_STAT_HEIGHT]
        and 6 <= stats[i, cv2.CC_STAT_HEIGHT] <= 120
    ]
    height = float(np.median(heights)) if heights else 16.0
    return _Text(small, ink_u8.astype(bool), lines.astype(bool), height, factor)


def sharpness(page: np.ndarray, text: _Text | None = None) -> float:
    """Edge steepness: about 0.35-0.7 for a readable page, under 0.30 when blurred.

    At strong edges, the second derivative relative to the first is large when the edge
    is steep and small when it is smeared. Taking the worse of the two axes catches
    motion blur, which smears one direction only. Unlike the raw variance of the
    Laplacian it hardly depends on how much print a page carries. The strongest edges
    of a page are its print (tried on the text lines alone, it separated blurred from
    legible photos worse: on a blurred page the ink mask itself goes).
    """
    text = text or _text(page)
    image = cv2.GaussianBlur(text.gray.astype(np.float32), (0, 0), 0.7)  # sensor noise
    ratios = []
    for dx, dy in ((1, 0), (0, 1)):
        second = np.abs(cv2.Sobel(image, cv2.CV_32F, 2 * dx, 2 * dy, ksize=3))
        first = np.abs(cv2.Sobel(image, cv2.CV_32F, dx, dy, ksize=3))
        steepest = max(float(np.percentile(first, 99.5)), 1e-6)
        ratios.append(float(np.percentile(second, 99.5)) / steepest)
    return min(ratios)


def _paper(text: _Text, unit: int) -> np.ndarray:
    """The paper's brightness at a scale well above a glare blob's: print dilated
    away, then a median over up to thirty text heights, so a blob a few lines wide
    does not lift its own background."""
    gray = text.gray
    paper = cv2.dilate(gray, np.ones((5, 5), np.uint8))
    size = (max(1, gray.shape[1] // unit), max(1, gray.shape[0] // unit))
    cells = cv2.resize(paper, size, interpolation=cv2.INTER_AREA)
    window = max(3, min(31, (min(cells.shape) // 2) * 2 - 1))
    cells = cv2.medianBlur(cells, window)
    return cv2.resize(cells, (gray.shape[1], gray.shape[0]),
                      interpolation=cv2.INTER_LINEAR).astype(np.float32)


def glare_blobs(page: np.ndarray, text: _Text | None = None) -> tuple[float, list[Box]]:
    """The largest glare blob over the text, in squares of the text height, and the
    blobs (boxes in the page's pixels).

    A blob is clipped white, clearly brighter than the paper around it (a page that
    clips on its bright side is as bright as its paper there), with no ink in it, wider
    than the gaps between lines, and within the printed area.
    """
    text = text or _text(page)
    unit = max(4, round(text.height))
    gray = text.gray
    clipped = cv2.medianBlur(gray, 3) >= _CLIPPED
    lifted = gray.astype(np.float32) >= _paper(text, unit) * _LIFT
    no_ink = ~cv2.dilate(text.ink.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    washed = (clipped & lifted & no_ink).astype(np.uint8)
    # what survives an opening by most of a line height is an area, not a gap
    radius = max(2, int(0.6 * unit))
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))
    washed = cv2.morphologyEx(washed, cv2.MORPH_OPEN, kernel)
    count, _, stats, _ = cv2.connectedComponentsWithStats(washed)
    rows = np.flatnonzero(text.lines.any(axis=1))
    columns = np.flatnonzero(text.lines.any(axis=0))
    if count <= 1 or rows.size == 0:
        return 0.0, []
    printed = (columns[0] - unit, rows[0] - unit, columns[-1] + unit, rows[-1] + unit)
    worst = 0.0
    boxes: list[Box] = []
    for index in range(1, count):
        x, y, w, h, area = (int(v) for v in stats[index, :5])
        if area < unit * unit or x > printed[2] or x + w < printed[0] \
                or y > printed[3] or y + h < printed[1]:
            continue
        worst = max(worst, area / (unit * unit))
        boxes.append((int(x / text.factor), int(y / text.factor),
                      int((x + w) / text.factor), int((y + h) / text.factor)))
    return worst, boxes


def glare_size(page: np.ndarray) -> float:
    """The largest glare blob over the text, in squares of the text height."""
    return glare_blobs(page)[0]


def assess(page: np.ndarray | None, limits: QualityLimits | None = None) -> Verdict:
    """Check a corrected page (None when no document was found)."""
    limits = limits or QualityLimits()
    if page is None or page.size == 0:
        return Verdict("no_document")
    if page.shape[0] * page.shape[1] < limits.min_page_pixels:
        return Verdict("too_small")
    text = _text(page)
    glare, blobs = glare_blobs(page, text)
    sharp = sharpness(page, text)
    if glare > limits.max_glare:
        return Verdict("glare", sharp, glare, doubtful=tuple(blobs))
    if sharp < limits.min_sharpness:
        return Verdict("blurred", sharp, glare)
    doubtful: list[Box] = []
    if glare > limits.sure_glare:
        doubtful.extend(blobs)
    if sharp < limits.sure_sharpness:
        doubtful.append((0, 0, page.shape[1], page.shape[0]))
    return Verdict("ok", sharp, glare, unsure=bool(doubtful), doubtful=tuple(doubtful))
