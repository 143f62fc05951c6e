"""Is a captured page good enough to read? Blur and glare, with a reason the UI can say.

Blur is the variance of the Laplacian of the page at a fixed working width (sharp print
has strong second derivatives; a moving or defocused page has none). Glare is a blob of
clipped white inside the page: a lamp reflected by glossy paper or an ID card's laminate.
Each rejection carries a reason code; :data:`PROMPTS` holds the spoken and written prompt
for it (the UI translates through its own strings; these are the source texts).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import cv2
import numpy as np

Reason = Literal["ok", "no_document", "too_small", "blurred", "glare"]

PROMPTS: dict[str, dict[str, str]] = {
    "no_document": {
        "zh_CN": "请把材料平放在拍摄区域内", "en": "Place the document flat in the frame",
    },
    "too_small": {"zh_CN": "请把材料放到拍摄区域中央", "en": "Move the document to the middle"},
    "blurred": {"zh_CN": "请保持不动", "en": "Hold still"},
    "glare": {"zh_CN": "有反光，请稍微倾斜材料", "en": "Tilt to avoid glare"},
}

_WORK_WIDTH = 800


@dataclass(frozen=True, slots=True)
class QualityLimits:
    """Thresholds, measured on generated photos (see tests/capture)."""

    min_sharpness: float = 0.34
    max_glare_fraction: float = 0.01
    min_page_pixels: int = 500 * 300


@dataclass(frozen=True, slots=True)
class Verdict:
    """The outcome of checking a page: ``reason`` is "ok" or why it was rejected."""

    reason: Reason
    sharpness: float = 0.0
    glare_fraction: float = 0.0

    @property
    def ok(self) -> bool:
        return self.reason == "ok"

    def prompt(self, language: str = "zh_CN") -> str:
        return PROMPTS.get(self.reason, {}).get(language, "")


def sharpness(page: np.ndarray) -> float:
    """Edge steepness: about 0.4-0.65 for a readable page, under 0.34 when blurred.

    At strong edges, the second derivative relative to the first is large when the edge
    is steep and small when it is smeared. Taking the worse of the two axes catches
    motion blur, which smears one direction only. Unlike the raw variance of the
    Laplacian it hardly depends on how much print a page carries.
    """
    gray = page if page.ndim == 2 else cv2.cvtColor(page, cv2.COLOR_BGR2GRAY)
    factor = _WORK_WIDTH / gray.shape[1]
    small = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    image = cv2.GaussianBlur(small.astype(np.float32), (0, 0), 0.7)  # sensor noise
    ratios = []
    for dx, dy in ((1, 0), (0, 1)):
        second = np.abs(cv2.Sobel(image, cv2.CV_32F, 2 * dx, 2 * dy, ksize=3))
        first = np.abs(cv2.Sobel(image, cv2.CV_32F, dx, dy, ksize=3))
        steepest = max(float(np.percentile(first, 99.5)), 1e-6)
        ratios.append(float(np.percentile(second, 99.5)) / steepest)
    return min(ratios)


def glare_fraction(page: np.ndarray) -> float:
    """Share of the page covered by the largest blob of clipped white."""
    gray = page if page.ndim == 2 else cv2.cvtColor(page, cv2.COLOR_BGR2GRAY)
    factor = _WORK_WIDTH / gray.shape[1]
    small = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    clipped = (cv2.medianBlur(small, 5) >= 252).astype(np.uint8)
    count, _, stats, _ = cv2.connectedComponentsWithStats(clipped)
    if count <= 1:
        return 0.0
    return float(stats[1:, cv2.CC_STAT_AREA].max()) / clipped.size


def assess(page: np.ndarray | None, limits: QualityLimits | None = None) -> Verdict:
    """Check a corrected page (None when no document was found)."""
    limits = limits or QualityLimits()
    if page is None or page.size == 0:
        return Verdict("no_document")
    if page.shape[0] * page.shape[1] < limits.min_page_pixels:
        return Verdict("too_small")
    glare = glare_fraction(page)
    sharp = sharpness(page)
    if glare > limits.max_glare_fraction:
        return Verdict("glare", sharp, glare)
    if sharp < limits.min_sharpness:
        return Verdict("blurred", sharp, glare)
    return Verdict("ok", sharp, glare)
