"""A QR code painted from its modules (segno computes them): crisp at any size, redrawn
when its text changes (the door code on the attract screen changes every window)."""

from __future__ import annotations

import segno
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QWidget

# Modules of white around the code, as the standard asks: with 2, about one door code in
# thirty did not read with OpenCV's plain detector (tests/ui/test_door_qr.py reads 200).
QUIET_ZONE = 4


class QrCode(QWidget):
    """Shows ``text`` as a QR code (error correction M); nothing for empty text."""

    def __init__(self, size: int = 240, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFixedSize(size, size)
        self.text = ""
        self._rows: list[list[bool]] = []

    def set_text(self, text: str) -> None:
        if text == self.text:
            return
        self.text = text
        modules = segno.make(text, error="m").matrix_iter(border=QUIET_ZONE) if text else ()
        self._rows = [[bool(m) for m in row] for row in modules]
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        if not self._rows:
            return
        side = min(self.width(), self.height())
        # Whole pixels per module, centred: fractional modules (240 px / 45) blur the edges
        # between modules, and one door link in twenty did not read.
        module = max(1, side // len(self._rows))
        offset = (side - module * len(self._rows)) // 2
        p = QPainter(self)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor("#ffffff"))
        p.drawRect(QRect(0, 0, side, side))
        p.setBrush(QColor("#000000"))
        for y, row in enumerate(self._rows):
            for x, dark in enumerate(row):
                if dark:
                    p.drawRect(QRect(offset + x * module, offset + y * module, module, module))
        p.end()
