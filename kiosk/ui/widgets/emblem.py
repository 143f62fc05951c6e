"""The booth's emblem and status marks, painted (no image files, crisp at any size).

The emblem is the booth's own mark, not a state emblem: a red roundel with a gold ring, a
white roof (屋) under a rising gold sun (晓).
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import QWidget


class Emblem(QWidget):
    def __init__(self, size: int = 88, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFixedSize(size, size)

    def set_size(self, size: int) -> None:
        self.setFixedSize(size, size)

    def paintEvent(self, event: QPaintEvent) -> None:
        s = float(min(self.width(), self.height()))
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        gold = QColor("#e8b84a")
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(gold)
        p.drawEllipse(QRectF(0, 0, s, s))
        p.setBrush(QColor("#c8102e"))
        ring = s * 0.06
        p.drawEllipse(QRectF(ring, ring, s - 2 * ring, s - 2 * ring))
        # rising sun
        p.setBrush(gold)
        sun = QRectF(s * 0.32, s * 0.2, s * 0.36, s * 0.36)
        p.drawPie(sun, 0, 180 * 16)
        # roof and house
        p.setBrush(QColor("#ffffff"))
        roof = QPolygonF(
            [QPointF(s * 0.18, s * 0.56), QPointF(s * 0.5, s * 0.36), QPointF(s * 0.82, s * 0.56)]
        )
        p.drawPolygon(roof)
        p.drawRect(QRectF(s * 0.28, s * 0.56, s * 0.44, s * 0.22))
        p.setBrush(QColor("#c8102e"))
        p.drawRect(QRectF(s * 0.45, s * 0.63, s * 0.10, s * 0.15))
        p.end()


class StatusMark(QWidget):
    """A big round mark: a tick for success, a clock for "waiting for a decision", an
    exclamation mark for a problem."""

    def __init__(self, kind: str = "ok", size: int = 160, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.setFixedSize(size, size)

    def paintEvent(self, event: QPaintEvent) -> None:
        s = float(min(self.width(), self.height()))
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        colours = {"ok": "#1e7b45", "wait": "#8a5a00"}
        colour = QColor(colours.get(self.kind, "#b3261e"))
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(colour)
        p.drawEllipse(QRectF(0, 0, s, s))
        pen = QPen(QColor("#ffffff"), s * 0.09)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        p.setPen(pen)
        if self.kind == "ok":
            p.drawPolyline(
                QPolygonF(
                    [
                        QPointF(s * 0.28, s * 0.52),
                        QPointF(s * 0.44, s * 0.68),
                        QPointF(s * 0.74, s * 0.36),
                    ]
                )
            )
        elif self.kind == "wait":  # a clock's two hands
            p.drawLine(QPointF(s * 0.5, s * 0.5), QPointF(s * 0.5, s * 0.24))
            p.drawLine(QPointF(s * 0.5, s * 0.5), QPointF(s * 0.7, s * 0.6))
        else:
            p.drawLine(QPointF(s * 0.5, s * 0.24), QPointF(s * 0.5, s * 0.58))
            p.drawPoint(QPointF(s * 0.5, s * 0.76))
        p.end()
