"""Constructors for the styled building blocks (labels, buttons, cards).

Widgets get a ``role`` property that :func:`kiosk.ui.theme.stylesheet` styles, so no
colour or size is written here. A widget whose text is the same in every language on
purpose (the language names 简体 / 繁體 / English, keypad letters) carries the property
``i18n_exempt`` so the translation test skips it.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QMouseEvent, QResizeEvent
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QSizePolicy, QWidget


class WrappingLabel(QLabel):
    """A word-wrapped label that asks its layout for the height its text needs at its
    actual width. Qt's layouts size a wrapped label by its size hint, worked out for a
    narrow default width, unless every layout up to the window passes height-for-width
    along (a scroll area's content or a bottom bar does not): long answers, captions and
    English or elderly-mode texts were cut off after two lines. Only where the text must
    show whole and the space around can give way: its minimum height counts towards the
    window's."""

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def setText(self, text: str) -> None:
        super().setText(text)
        self._fit()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.StyleChange, QEvent.Type.FontChange):
            self._fit()

    def _fit(self) -> None:
        if self.wordWrap() and self.width() > 0:
            needed = self.heightForWidth(self.width())
            if needed > 0 and needed != self.minimumHeight():
                self.setMinimumHeight(needed)


def label(
    role: str = "body", text: str = "", *, wrap: bool = True, fit: bool = False
) -> QLabel:
    """A label of ``role``; ``fit``: it grows to show all its wrapped text where its layout
    would not (:class:`WrappingLabel`: a scroll area's content, the bottom bar)."""
    widget = WrappingLabel(text) if wrap and fit else QLabel(text)
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
