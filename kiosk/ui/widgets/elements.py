"""Constructors for the styled building blocks (labels, buttons, cards).

Widgets get a ``role`` property that :func:`kiosk.ui.theme.stylesheet` styles, so no
colour or size is written here. A widget whose text is the same in every language on
purpose (the language names 简体 / 繁體 / English, keypad letters) carries the property
``i18n_exempt`` so the translation test skips it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QSizePolicy, QWidget


def label(role: str = "body", text: str = "", *, wrap: bool = True) -> QLabel:
    widget = QLabel(text)
    widget.setProperty("role", role)
    widget.setWordWrap(wrap)
    widget.setTextFormat(Qt.TextFormat.PlainText)
    return widget


def button(role: str = "", text: str = "", *, checkable: bool = False) -> QPushButton:
    widget = QPushButton(text)
    if role:
        widget.setProperty("role", role)
    widget.setCheckable(checkable)
    widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # touch screen: no focus rings
    widget.setCursor(Qt.CursorShape.PointingHandCursor)
    return widget


def card() -> QFrame:
    frame = QFrame()
    frame.setProperty("role", "card")
    return frame


def exempt_from_translation(widget: QWidget) -> QWidget:
    widget.setProperty("i18n_exempt", True)
    return widget


def restyle(widget: QWidget) -> None:
    """Re-apply the stylesheet after a ``role`` property changed."""
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)


class TappableCard(QFrame):
    """A card that acts as one big button (a whole service tile is the touch target)."""

    clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "card")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(
            event.position().toPoint()
        ):
            self.clicked.emit()
        super().mouseReleaseEvent(event)
