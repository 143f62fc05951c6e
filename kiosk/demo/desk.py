"""A document camera looking at generated documents, for ``kiosk demo`` and the tests.

The booth uses it only when its configuration says ``[devices] document_camera =
"synthetic"`` (the demo's configuration); a real booth's path never imports it. The
documents come from ``kiosk.ocr.synth``.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from typing import Any

import cv2
import numpy as np

from kiosk.core.clock import Clock

WORK_TIMEOUT_S = 60.0  # rendering a document off the loop (a busy two-core machine)


class GeneratedDesk:
    """A document camera looking at generated documents (``kiosk.ocr.synth``), for the demo
    and the end-to-end tests: :meth:`place` puts a document on the desk, the preview shows
    it slid into place and then held still, and the still is a full-resolution photo."""

    def __init__(self, clock: Clock, fps: float = 15.0) -> None:
        self._clock = clock
        self._fps = fps
        self._placed = asyncio.Event()
        self._preview: list[np.ndarray] = []
        self._still: np.ndarray | None = None
        self.placed_fields: dict[str, str] = {}  # what is printed on it (the ground truth)

    async def place(self, doc_type: str, seed: int) -> None:
        """Put a generated document of ``doc_type`` on the desk (rendered off the loop)."""
        from kiosk.ocr import synth

        def render() -> tuple[Any, list[np.ndarray]]:
            photo = synth.generate(
                doc_type,
                seed,
                synth.Conditions(max_rotation_deg=4, perspective=0.02, blur_sigma=(0.0, 0.4)),
            )
            return photo, synth.frame_sequence(photo.document, seed)

        photo, preview = await asyncio.wait_for(asyncio.to_thread(render), WORK_TIMEOUT_S)
        self._preview = preview
        self._still = photo.image
        self.placed_fields = dict(photo.document.fields)
        self._placed.set()

    async def place_photo(self, image: np.ndarray, fields: Mapping[str, str]) -> None:
        """Put a document on the desk as photographed elsewhere (``image``, BGR, the
        full-resolution still; ``fields``, what is printed on it): the preview shows
        that photo, scaled down, held still."""

        def preview() -> list[np.ndarray]:
            factor = 960 / max(image.shape[:2])
            small = cv2.resize(image, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
            return [small] * 8

        self._preview = await asyncio.wait_for(asyncio.to_thread(preview), WORK_TIMEOUT_S)
        self._still = image
        self.placed_fields = dict(fields)
        self._placed.set()

    def remove(self) -> None:
        self._placed.clear()
        self._preview, self._still = [], None

    def still(self) -> np.ndarray | None:
        return self._still

    async def frames(self) -> AsyncIterator[tuple[np.ndarray, float]]:
        shown = 0
        while True:
            if not self._placed.is_set():
                shown = 0
                await self._placed.wait()
            frames = self._preview
            if not frames:
                continue
            frame = frames[min(shown, len(frames) - 1)]  # the last one held still
            shown += 1
            yield frame, self._clock.monotonic()
            await self._clock.sleep(1 / self._fps)
