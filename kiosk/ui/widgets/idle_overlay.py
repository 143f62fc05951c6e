"""The idle warning laid over the whole window: a countdown and "I need more time", or,
while the citizen waits for a clerk, "still waiting?" with "keep waiting" and "stop"."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from kiosk.ui.bridge import BoothBridge
from kiosk.ui.widgets.elements import button, card, label


class IdleOverlay(QWidget):
    def __init__(self, bridge: BoothBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("IdleOverlay")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.bridge = bridge
        self.seconds_left = 0
        outer = QVBoxLayout(self)
        outer.setContentsMargins(60, 60, 60, 60)
        outer.addStretch(1)
        box = card()
        box.setMaximumWidth(900)
        inner = QVBoxLayout(box)
        inner.setContentsMargins(48, 44, 48, 44)
        inner.setSpacing(24)
        self.title = label("title")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.count = label("big", wrap=False)
        self.count.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message = label("body")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        inner.addWidget(self.title)
        inner.addWidget(self.count)
        inner.addWidget(self.message)
        buttons = QHBoxLayout()
        buttons.setSpacing(18)
        self.end = button("", "")
        self.end.clicked.connect(bridge.end_requested)
        self.more = button("primary", "")
        self.more.setObjectName("MoreTimeButton")
        self.more.clicked.connect(bridge.more_time_requested)
        buttons.addWidget(self.end, 1)
        buttons.addWidget(self.more, 2)
        inner.addLayout(buttons)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(box, 10)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(1)
        self.hide()
        bridge.idle_warning.connect(self.warn)
        bridge.idle_cleared.connect(self.hide)

    def warn(self, seconds_left: int) -> None:
        self.seconds_left = seconds_left
        self.count.setText(str(seconds_left))
        self.retranslate()
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect())
        self.show()
        self.raise_()

    def retranslate(self) -> None:
        if self.bridge.waiting_for_clerk:  # the idle reset pauses while she waits for a clerk
            self.title.setText(self.tr("您还在等候工作人员吗？"))
            self.message.setText(
                self.tr("{n} 秒后将取消排队并结束本次办理，清除您留下的全部资料。").format(
                    n=self.seconds_left
                )
            )
            self.more.setText(self.tr("继续等候"))
            self.end.setText(self.tr("不等了"))
            return
        self.title.setText(self.tr("您还在吗？"))
        self.message.setText(
            self.tr("{n} 秒后将结束本次办理，并清除您留下的全部资料。").format(n=self.seconds_left)
        )
        self.more.setText(self.tr("我需要更多时间"))
        self.end.setText(self.tr("结束办理"))
