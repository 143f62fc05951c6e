"""The booth's one window: header, offline banner, the stack of screens, footer, overlay."""

from __future__ import annotations

from PySide6.QtGui import QResizeEvent
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
        bridge.screen_changed.connect(self.show_screen)
        bridge.online_changed.connect(self._on_online)

    @property
    def current(self) -> Screen:
        widget = self.stack.currentWidget()
        assert isinstance(widget, Screen)
        return widget

    def show_screen(self, name: str) -> None:
        self.stack.setCurrentWidget(self.screens[name])

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
        self.header.retranslate()
        self.footer.retranslate()
        self.overlay.retranslate()
        self.banner.setText(
            self.tr("网络连接中断：您可以继续浏览办事指南，办理内容将在网络恢复后自动提交。")
        )
        for screen in self.screens.values():
            screen.retranslate()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.overlay.setGeometry(self.rect())
