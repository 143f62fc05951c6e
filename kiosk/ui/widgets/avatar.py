"""The digital clerk's face: a friendly round face whose mouth follows the speech level.

Drawn with QPainter (no image files): a face, two eyes, a collar in the service's blue
and a mouth whose opening is the level of the speech being played (0 = closed, a gentle
smile; 1 = wide open). The level comes from the playback position, so the mouth moves in
time with the sound; when nothing plays the mouth rests closed. While the booth listens,
a ring around the face shows it. Elderly mode draws with thick black outlines and
stronger colours (high contrast).
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

CLOSED_BELOW = 0.05  # levels under this are silence (breath, the tail of a word)

_STANDARD = {
    "ring": "#1f5fa8",
    "face": "#f6d7b8",
    "outline": "#5a4636",
    "hair": "#2b2b33",
    "collar": "#1f5fa8",
    "mouth": "#9c2b2b",
    "listen": "#1e7b45",
    "outline_width": 3.0,
}
_ELDERLY = {
    "ring": "#0a3a82",
    "face": "#ffd9a8",
    "outline": "#000000",
    "hair": "#000000",
    "collar": "#0a3a82",
    "mouth": "#9b0000",
    "listen": "#0b5a2a",
    "outline_width": 6.0,
}


class ClerkAvatar(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ClerkAvatar")
        self.mouth_open = 0.0  # 0..1
        self.listening = False
        self.elderly = False
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self._apply_size()

    def set_level(self, level: float) -> None:
        """The speech level now (0..1): the mouth opens with it."""
        opening = 0.0 if level < CLOSED_BELOW else min(1.0, level)
        if opening != self.mouth_open:
            self.mouth_open = opening
            self.update()

    def set_listening(self, listening: bool) -> None:
        if listening != self.listening:
            self.listening = listening
            self.update()

    def set_elderly(self, elderly: bool) -> None:
        self.elderly = elderly
        self._apply_size()
        self.update()

    def _apply_size(self) -> None:
        side = 220 if self.elderly else 180
        self.setFixedSize(QSize(side, side))

    def paintEvent(self, event: QPaintEvent) -> None:
        c = _ELDERLY if self.elderly else _STANDARD
        width = float(c["outline_width"])  # type: ignore[arg-type]
        side = min(self.width(), self.height())
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        outline = QPen(QColor(str(c["outline"])), width)
        center = QPointF(side / 2, side / 2)
        r = side / 2 - width - 6
        # the ring: blue at rest, green while listening
        ring = QColor(str(c["listen"] if self.listening else c["ring"]))
        p.setPen(QPen(ring, width * (2.5 if self.listening else 1.5)))
        p.setBrush(QColor("#ffffff"))
        p.drawEllipse(center, r, r)
        # collar and shoulders
        p.setPen(outline)
        p.setBrush(QColor(str(c["collar"])))
        shoulders = QPainterPath()
        shoulders.moveTo(center.x() - r * 0.62, side - width - 6)
        shoulders.quadTo(center.x(), center.y() + r * 0.2, center.x() + r * 0.62, side - width - 6)
        shoulders.closeSubpath()
        p.save()
        clip = QPainterPath()
        clip.addEllipse(center, r, r)
        p.setClipPath(clip)
        p.drawPath(shoulders)
        p.restore()
        # face and hair
        face_r = r * 0.58
        face_c = QPointF(center.x(), center.y() - r * 0.08)
        p.setBrush(QColor(str(c["hair"])))
        p.drawEllipse(QPointF(face_c.x(), face_c.y() - face_r * 0.12), face_r * 1.06, face_r * 1.0)
        p.setBrush(QColor(str(c["face"])))
        p.drawEllipse(QPointF(face_c.x(), face_c.y() + face_r * 0.08), face_r * 0.9, face_r * 0.92)
        # eyes
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(str(c["outline"])))
        eye_y = face_c.y() - face_r * 0.05
        for dx in (-0.36, 0.36):
            p.drawEllipse(QPointF(face_c.x() + dx * face_r, eye_y), face_r * 0.09, face_r * 0.11)
        # the mouth: a smile when closed, an opening that follows the level
        mouth_w = face_r * 0.62
        mouth_y = face_c.y() + face_r * 0.45
        mouth = QRectF(face_c.x() - mouth_w / 2, mouth_y, mouth_w, 0)
        if self.mouth_open <= 0:
            p.setPen(QPen(QColor(str(c["mouth"])), max(3.0, width)))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawArc(mouth.adjusted(0, -face_r * 0.18, 0, face_r * 0.12), 200 * 16, 140 * 16)
        else:
            height = face_r * (0.08 + 0.3 * self.mouth_open)
            p.setPen(outline)
            p.setBrush(QColor(str(c["mouth"])))
            p.drawEllipse(QRectF(mouth.x(), mouth_y - height / 3, mouth_w, height))
        p.end()
