"""Where every unhandled failure lands: a calm, translated message and a way on."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QWidget

from kiosk.ui.bridge import BoothBridge
from kiosk.ui.screens.base import Screen
from kiosk.ui.texts import error_message
from kiosk.ui.widgets.elements import button, label
from kiosk.ui.widgets.emblem import StatusMark


class ErrorScreen(Screen):
    name = "error"

    def __init__(self, bridge: BoothBridge, parent: QWidget | None = None) -> None:
        super().__init__(bridge, parent)
        self.code = "internal"
        self.page.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(StatusMark("problem", 160))
        row.addStretch(1)
        self.page.addLayout(row)
        self.title = label("title")
        self.title.setObjectName("ErrorTitle")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message = label("subtitle")
        self.message.setObjectName("ErrorMessage")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.page.addWidget(self.title)
        self.page.addWidget(self.message)
        self.page.addStretch(2)
        self.back = button("primary", "")
        self.back.setObjectName("ErrorBackButton")
        self.back.clicked.connect(bridge.home_requested)
        self.page.addWidget(self.back)
        bridge.error_shown.connect(self.show_code)

    def show_code(self, code: str) -> None:
        self.code = code
        self.retranslate()

    def retranslate(self) -> None:
        title, message = error_message(self.code)
        self.title.setText(title)
        self.message.setText(message)
        self.back.setText(self.tr("返回首页"))
