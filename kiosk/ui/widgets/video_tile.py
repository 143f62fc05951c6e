"""A video tile: paints the latest frame of one camera or remote clerk, with a caption.

The call module keeps only the latest frame of each received video, converted to RGB
(``kiosk.call.sinks.VideoSink.latest_rgb``). A tile pulls that frame with its *provider*
on a :class:`QTimer` (~15 fps, only while visible). Each new frame is made a
:class:`QImage` and smoothly scaled to the tile's size (keeping its aspect ratio) in a
worker thread, one frame per tile at a time; the image comes back to the GUI thread by a
queued signal and is painted as it is. Smooth scaling in ``paintEvent`` was the largest
stall of the event loop in a three-party call (``bench/stall.py``). Nothing here waits: a
provider that has no frame yet leaves the placeholder text on screen.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import functools
import logging

from PySide6.QtCore import QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QHideEvent, QImage, QMouseEvent, QPainter, QPaintEvent, QShowEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from kiosk.ui.viewmodels import FrameProvider

log = logging.getLogger(__name__)

PAINT_INTERVAL_MS = 66  # ~15 fps: what the call sends and receives
# QImage is reentrant: a plain thread may build and scale one. One thread for every tile:
# a call shows at most a handful, each at ~15 fps, a few ms a frame.
_SCALER = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="video-tiles")
_BACKGROUND = QColor("#0f1b2b")
_CAPTION_BG = QColor(10, 20, 35, 190)
_TEXT = QColor("#dfe7f2")
_BADGE_BG = QColor(160, 90, 0, 210)


def rgb_to_image(rgb: object) -> QImage | None:
    """An HxWx3 uint8 RGB array as a QImage that owns its pixels (None if not one)."""
    shape = getattr(rgb, "shape", None)
    if shape is None or len(shape) != 3 or shape[2] != 3 or getattr(rgb, "dtype", None) != "uint8":
        return None
    height, width = int(shape[0]), int(shape[1])
    if not height or not width:
        return None
    if not rgb.flags["C_CONTIGUOUS"]:  # type: ignore[attr-defined]
        import numpy as np

        rgb = np.ascontiguousarray(rgb)
    image = QImage(rgb.data, width, height, 3 * width, QImage.Format.Format_RGB888)  # type: ignore[attr-defined]
    return image.copy()  # detach from the array, which the call module may replace


def fitted_image(rgb: object, width: int, height: int) -> QImage | None:
    """``rgb`` as a QImage scaled smoothly to fit ``width`` x ``height`` (blocking: tiles
    call it in their worker thread)."""
    image = rgb_to_image(rgb)
    if image is None or width < 2 or height < 2:
        return image
    return image.scaled(
        width,
        height,
        Qt.AspectRatioMode.KeepAspectRatio,
        Qt.TransformationMode.SmoothTransformation,
    )


class VideoTile(QWidget):
    """One camera's picture, with a caption (name, department, seat) at the bottom."""

    clicked = Signal()
    _fitted = Signal(int, object)  # provider generation, QImage or None (from the worker)

    def __init__(self, provider: FrameProvider | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("VideoTile")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(QSize(160, 120))
        self.provider = provider
        self.caption = ""
        self.placeholder = ""
        self.badge = ""  # e.g. "reconnecting", drawn at the top
        self.image: QImage | None = None
        self.frames_shown = 0
        self._last: object = None
        self._generation = 0  # a new provider: images of the former one are dropped
        self._fitting = False  # a frame is in the worker
        self._fitted.connect(self._show_fitted)
        self._timer = QTimer(self)
        self._timer.setInterval(PAINT_INTERVAL_MS)
        self._timer.timeout.connect(self.refresh)

    def set_provider(self, provider: FrameProvider | None) -> None:
        if provider is not self.provider:
            self.provider = provider
            self._generation += 1
            self._last = None
            self.image = None
            self.update()

    def set_texts(self, caption: str, placeholder: str = "", badge: str = "") -> None:
        if (caption, placeholder, badge) != (self.caption, self.placeholder, self.badge):
            self.caption, self.placeholder, self.badge = caption, placeholder, badge
            self.update()

    def refresh(self) -> None:
        """Take the provider's latest frame if it is new and send it to be scaled (the
        timer calls this; a frame still in the worker: the next tick takes the newest)."""
        if self.provider is None or self._fitting:
            return
        rgb = self.provider()
        if rgb is None or rgb is self._last:
            return
        self._last = rgb
        self._fitting = True
        job = _SCALER.submit(fitted_image, rgb, self.width(), self.height())
        job.add_done_callback(functools.partial(self._deliver, self._generation))

    def _deliver(self, generation: int, done: concurrent.futures.Future[QImage | None]) -> None:
        # In the worker thread: the signal queues the image to the GUI thread.
        try:
            image = done.result()
        except Exception:
            log.exception("a video frame could not be scaled")
            image = None
        with contextlib.suppress(RuntimeError):  # the tile was deleted meanwhile
            self._fitted.emit(generation, image)

    def _show_fitted(self, generation: int, image: QImage | None) -> None:
        self._fitting = False
        if image is None or generation != self._generation:
            return
        self.image = image
        self.frames_shown += 1
        self.update()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()
        self._timer.start()

    def hideEvent(self, event: QHideEvent) -> None:
        self._timer.stop()
        super().hideEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self.rect().contains(event.position().toPoint()):
            self.clicked.emit()
        super().mouseReleaseEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        p.fillRect(self.rect(), _BACKGROUND)
        font = p.font()
        font.setPixelSize(max(16, min(28, self.height() // 14)))
        p.setFont(font)
        p.setPen(_TEXT)
        frame = self.rect()
        if self.image is not None:
            size = self.image.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
            frame = QRect(
                (self.width() - size.width()) // 2,
                (self.height() - size.height()) // 2,
                size.width(),
                size.height(),
            )
            p.drawImage(frame, self.image)
        elif self.placeholder:
            p.drawText(
                self.rect().adjusted(12, 12, -12, -12),
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                self.placeholder,
            )
        metrics = p.fontMetrics()
        line = metrics.height() + 12
        if self.caption:
            band = QRect(frame.left(), frame.bottom() + 1 - line, frame.width(), line)
            p.fillRect(band, _CAPTION_BG)
            text = metrics.elidedText(self.caption, Qt.TextElideMode.ElideRight, band.width() - 24)
            p.drawText(band.adjusted(12, 0, -12, 0), Qt.AlignmentFlag.AlignVCenter, text)
        if self.badge:
            band = QRect(frame.left(), frame.top(), frame.width(), line)
            p.fillRect(band, _BADGE_BG)
            p.drawText(band, Qt.AlignmentFlag.AlignCenter, self.badge)
        p.end()
