"""The booth's one window: header, offline banner, the stack of screens, footer, overlay.

A change of look or language answers a touch at once by restyling and retranslating
only what is on screen (:meth:`BoothWindow.apply_look`): the parts around the stack that
are shown (header, footer) and the screen shown. The other screens and parts are brought
up to date when they are shown. Restyling is why: a stylesheet set on a widget re-polishes
every widget under it, shown or not, and the window holds ten screens (hundreds of
widgets, the home screen's service cards most of them). So the stylesheet is set on each
part and each screen, never on the window, whose own background is its palette.
"""

from __future__ import annotations

from PySide6.QtCore import QChildEvent, QEvent, QObject, Qt
from PySide6.QtGui import QColor, QPalette, QResizeEvent
from PySide6.QtWidgets import QLabel, QStackedWidget, QVBoxLayout, QWidget

from kiosk.ui.bridge import SCREENS, BoothBridge
from kiosk.ui.screens.assistant import AssistantScreen
from kiosk.ui.screens.attract import AttractScreen
from kiosk.ui.screens.base import Screen
from kiosk.ui.screens.call import CallScreen
from kiosk.ui.screens.capture import CaptureScreen
from kiosk.ui.screens.confirm import ConfirmScreen
from kiosk.ui.screens.done import DoneScreen
from kiosk.ui.screens.error import ErrorScreen
from kiosk.ui.screens.home import HomeScreen
from kiosk.ui.screens.locker import LockerScreen
from kiosk.ui.screens.rating import RatingScreen
from kiosk.ui.screens.service import ServiceScreen
from kiosk.ui.widgets.footer import Footer
from kiosk.ui.widgets.header import Header
from kiosk.ui.widgets.idle_overlay import IdleOverlay

SCREEN_CLASSES: tuple[type[Screen], ...] = (
    AttractScreen,
    HomeScreen,
    ServiceScreen,
    AssistantScreen,
    CallScreen,
    CaptureScreen,
    ConfirmScreen,
    LockerScreen,
    RatingScreen,
    DoneScreen,
    ErrorScreen,
)
assert tuple(c.name for c in SCREEN_CLASSES) == SCREENS

SIZES = {"portrait": (1080, 1920), "landscape": (1920, 1080)}


class BoothWindow(QWidget):
    def __init__(self, bridge: BoothBridge, orientation: str = "portrait") -> None:
        super().__init__()
        self.setObjectName("BoothWindow")
        self.bridge = bridge
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        self.header = Header(bridge)
        column.addWidget(self.header)
        self.banner = QLabel()
        self.banner.setObjectName("OfflineBanner")
        self.banner.setWordWrap(True)
        self.banner.hide()
        column.addWidget(self.banner)
        self.stack = QStackedWidget()
        self.screens: dict[str, Screen] = {}
        for cls in SCREEN_CLASSES:
            screen = cls(bridge)
            self.screens[cls.name] = screen
            self.stack.addWidget(screen)
        column.addWidget(self.stack, 1)
        self.footer = Footer(bridge)
        column.addWidget(self.footer)
        self.overlay = IdleOverlay(bridge, self)
        self.orientation = orientation
        self.set_orientation(orientation)
        self._sheet: str | None = None  # the look's stylesheet, once one is applied
        self._stale: set[str] = set()  # screens not restyled/retranslated since the change
        bridge.screen_changed.connect(self.show_screen)
        bridge.online_changed.connect(self._on_online)

    @property
    def current(self) -> Screen:
        widget = self.stack.currentWidget()
        assert isinstance(widget, Screen)
        return widget

    def show_screen(self, name: str) -> None:
        screen = self.screens[name]
        self._bring_up_to_date(screen)  # before it is shown: never a frame in the old look
        self.stack.setCurrentWidget(screen)

    def apply_look(self, sheet: str, background: str) -> None:
        """A new stylesheet or language: restyle and retranslate the parts around the stack
        and the screen on show now; every other screen when it is shown."""
        if sheet != self._sheet:
            self._sheet = sheet
            palette = self.palette()
            palette.setColor(QPalette.ColorRole.Window, QColor(background))
            self.setPalette(palette)
            for part in self._parts():
                if part.isVisible():
                    self._style(part)
                else:  # the idle overlay, the offline banner, the lockdown layer: when shown
                    part.removeEventFilter(self)
                    part.installEventFilter(self)
        self._retranslate_parts()
        self._stale = set(self.screens)
        self._bring_up_to_date(self.current)

    def _parts(self) -> list[QWidget]:
        """The window's own widgets other than the stack (header, banner, footer, overlay,
        and any layer or keyboard laid over the window)."""
        return [
            child
            for child in self.findChildren(
                QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly
            )
            if child is not self.stack
        ]

    def _style(self, widget: QWidget) -> None:
        if self._sheet is not None and widget.styleSheet() != self._sheet:
            widget.setStyleSheet(self._sheet)

    def _bring_up_to_date(self, screen: Screen) -> None:
        if screen.name in self._stale:
            self._stale.discard(screen.name)
            if self._sheet is not None:
                screen.restyle(self._sheet)
            screen.retranslate()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and isinstance(watched, QWidget):
            self._style(watched)  # a part hidden at the change of look, shown now
        return False

    def childEvent(self, event: QChildEvent) -> None:
        # A part added over the window later (the touch keyboard, a layer) takes the look
        # when Qt first polishes it, as it would have under a stylesheet on the window.
        super().childEvent(event)
        child = event.child()
        if (
            event.type() == QEvent.Type.ChildPolished
            and isinstance(child, QWidget)
            and child is not self.stack
        ):
            self._style(child)

    def set_orientation(self, orientation: str) -> None:
        self.orientation = orientation
        portrait = orientation == "portrait"
        for screen in self.screens.values():
            screen.set_orientation(portrait)
        self.setFixedSize(*SIZES[orientation])

    def unfix_size(self) -> None:
        """Let a fullscreen window take the screen's own size."""
        self.setMinimumSize(0, 0)
        self.setMaximumSize(16777215, 16777215)

    def _on_online(self, online: bool) -> None:
        self.banner.setVisible(not online)

    def retranslate(self) -> None:
        """Every text of every screen in the current language, now."""
        self._retranslate_parts()
        for screen in self.screens.values():
            screen.retranslate()
        self._stale.clear()

    def _retranslate_parts(self) -> None:
        self.header.retranslate()
        self.footer.retranslate()
        self.overlay.retranslate()
        self.banner.setText(
            self.tr("网络连接中断：您可以继续浏览办事指南，办理内容将在网络恢复后自动提交。")
        )

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.overlay.setGeometry(self.rect())
