"""Auto-capture: take one picture when the document has been still for a moment.

Theory of operation: each preview frame is shrunk to 160x120 grey and compared with the
previous one (mean absolute difference). A difference above ``motion_level`` is motion
and arms the trigger; below ``still_level`` for ``still_for_s`` seconds of frame time,
an armed trigger fires once and disarms. Only new motion (the next page, a retake)
arms it again, so a document left lying there is captured exactly once.

Sans-IO: frames and their timestamps go in, decisions come out; no clock is read.
:class:`AutoCapture` adds the document outline and the quality check on the full frame.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from kiosk.capture.geometry import Quad, find_document, rectify
from kiosk.capture.quality import QualityLimits, Verdict, assess


@dataclass(frozen=True, slots=True)
class StillnessSettings:
    motion_level: float = 4.0
    still_level: float = 1.5
    still_for_s: float = 0.6
    armed_at_start: bool = True  # a document already in place when capture starts counts


class StillnessDetector:
    """Feeds on frames; :meth:`update` is True exactly once per still period after motion."""

    def __init__(self, settings: StillnessSettings | None = None) -> None:
        self.settings = settings or StillnessSettings()
        self._previous: np.ndarray | None = None
        self._still_since: float | None = None
        self.armed = self.settings.armed_at_start
        self.last_difference = 0.0

    def rearm(self) -> None:
        """Allow another capture without waiting for motion (after a manual retake)."""
        self.armed = True

    def update(self, frame: np.ndarray, timestamp: float) -> bool:
        gray = frame if frame.ndim == 2 else cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
        small = cv2.resize(gray, (160, 120), interpolation=cv2.INTER_AREA)
        small = cv2.GaussianBlur(small, (3, 3), 0).astype(np.float32)
        previous, self._previous = self._previous, small
        if previous is None:
            self._still_since = timestamp
            return False
        difference = float(np.abs(small - previous).mean())
        self.last_difference = difference
        if difference > self.settings.motion_level:
            self.armed = True
            self._still_since = None
            return False
        if difference > self.settings.still_level:
            self._still_since = None
            return False
        if self._still_since is None:
            self._still_since = timestamp
        if self.armed and timestamp - self._still_since >= self.settings.still_for_s:
            self.armed = False
            return True
        return False


@dataclass(frozen=True, slots=True)
class Captured:
    """An auto-capture fired: the corrected page and how good it is."""

    page: np.ndarray | None
    quad: Quad | None
    verdict: Verdict

    @property
    def ok(self) -> bool:
        return self.verdict.ok


class AutoCapture:
    """Stillness plus the document outline and quality check: one decision per frame."""

    def __init__(
        self, stillness: StillnessSettings | None = None, limits: QualityLimits | None = None,
    ) -> None:
        self.detector = StillnessDetector(stillness)
        self.limits = limits or QualityLimits()

    def feed(self, frame: np.ndarray, timestamp: float) -> Captured | None:
        """None while waiting; a :class:`Captured` (accepted or with a reason) when it fires.

        An empty desk does not use up the trigger: it stays armed until a document is seen.
        """
        if not self.detector.update(frame, timestamp):
            return None
        return self.capture(frame)

    def capture(self, frame: np.ndarray) -> Captured:
        """Capture ``frame`` now (the shutter button, or the trigger above)."""
        quad = find_document(frame)
        if quad is None:
            self.detector.rearm()
            return Captured(None, None, Verdict("no_document"))
        page = rectify(frame, quad)
        return Captured(page, quad, assess(page, self.limits))
