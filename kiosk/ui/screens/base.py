"""What every screen has: a name, the bridge, a page layout and ``retranslate``."""

from __future__ import annotations

from typing import ClassVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QScrollArea, QScroller, QVBoxLayout, QWidget

from kiosk.ui.bridge import BoothBridge


class Screen(QWidget):
    """A full page of the booth. Subclasses fill ``self.page`` and implement ``retranslate``."""

    name: ClassVar[str] = ""

    def __init__(self, bridge: BoothBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"screen_{self.name}")
        self.bridge = bridge
        self.portrait = True
        self.page = QVBoxLayout(self)
        self.page.setContentsMargins(48, 36, 48, 28)
        self.page.setSpacing(24)

    @property
    def lang(self) -> str:
        return self.bridge.language

    def retranslate(self) -> None:
        """Set every visible text in the current language (called on every switch)."""

    def restyle(self, sheet: str) -> None:
        """Take the booth's look (its stylesheet); the window calls this when the look
        changed, for the screen on show at once and for any other when it is shown."""
        if self.styleSheet() != sheet:
            self.setStyleSheet(sheet)

    def set_orientation(self, portrait: bool) -> None:
        self.portrait = portrait


def scroll_area(body: QWidget) -> QScrollArea:
    """A borderless vertical scroll area that a finger can drag on a touch screen."""
    area = QScrollArea()
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidgetResizable(True)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    body.setObjectName("ScrollBody")
    area.setWidget(body)
    QScroller.grabGesture(area.viewport(), QScroller.ScrollerGestureType.TouchGesture)
    return area


def clear_layout(layout: QVBoxLayout) -> None:
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget() if item is not None else None
        if widget is not None:
            widget.deleteLater()
            widget.setParent(None)
