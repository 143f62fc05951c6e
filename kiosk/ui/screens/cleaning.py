"""Screen-cleaning mode: a calm page that ignores every touch while a countdown runs.

The touches are swallowed by :class:`kiosk.ui.lockdown.Lockdown`'s event filter; this page
only shows what is happening and how long it lasts.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from kiosk.ui.bridge import BoothBridge
from kiosk.ui.screens.base import Screen
from kiosk.ui.widgets.elements import exempt_from_translation, label


class CleaningScreen(Screen):
    name = "cleaning"

    def __init__(self, bridge: BoothBridge, parent: QWidget | None = None) -> None:
        super().__init__(bridge, parent)
        self.seconds_left = 0
        self.page.addStretch(2)
        self.title = label("hero")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.page.addWidget(self.title)
        self.message = label("subtitle")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.page.addWidget(self.message)
        self.count = label("big", wrap=False)
        exempt_from_translation(self.count)
        self.count.setObjectName("CleaningCountdown")
        self.count.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.page.addWidget(self.count)
        self.after = label("muted")
        self.after.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.page.addWidget(self.after)
        self.page.addStretch(3)

    def show_countdown(self, seconds_left: int) -> None:
        self.seconds_left = seconds_left
        self.count.setText(str(seconds_left))
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("正在清洁屏幕"))
        self.message.setText(self.tr("触摸已暂停，请放心擦拭。"))
        self.after.setText(self.tr("倒计时结束后自动恢复"))
