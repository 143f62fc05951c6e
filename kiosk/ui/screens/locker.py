"""The parcel locker: which door, what to do, and what the locker reports."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QWidget

from kiosk.ui.bridge import BoothBridge
from kiosk.ui.screens.base import Screen
from kiosk.ui.viewmodels import LockerView
from kiosk.ui.widgets.elements import button, card, label


class LockerScreen(Screen):
    name = "locker"

    def __init__(self, bridge: BoothBridge, parent: QWidget | None = None) -> None:
        super().__init__(bridge, parent)
        self.view = LockerView("", "opening")
        self.title = label("title")
        self.page.addWidget(self.title)
        self.page.addStretch(1)
        box = card()
        inner = QHBoxLayout(box)
        inner.setContentsMargins(40, 40, 40, 40)
        self.slot = label("big", wrap=False)
        self.slot.setObjectName("LockerSlot")
        self.slot.setAlignment(Qt.AlignmentFlag.AlignCenter)
        inner.addWidget(self.slot)
        self.page.addWidget(box)
        self.state = label("subtitle")
        self.state.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.page.addWidget(self.state)
        self.page.addStretch(2)
        self.done = button("primary", "")
        self.done.setObjectName("LockerDoneButton")
        self.done.clicked.connect(bridge.locker_finished)
        self.page.addWidget(self.done)
        bridge.locker_changed.connect(self.show_view)

    def show_view(self, view: LockerView) -> None:
        self.view = view
        self.retranslate()

    def retranslate(self) -> None:
        v = self.view
        self.title.setText(self.tr("请投递材料原件"))
        self.slot.setText(self.tr("{n} 号柜门").format(n=v.slot) if v.slot else self.tr("柜门"))
        states = {
            "opening": self.tr("柜门正在打开，请稍候…"),
            "open": self.tr("柜门已打开。请将装有材料的信封放入柜内，然后关好柜门。"),
            "closed_with_item": self.tr("已收到您的材料，柜门已关闭。谢谢！"),
            "closed_empty": self.tr("柜门已关闭，但没有检测到物品。如需重新投递，请联系人工服务。"),
            "jammed": self.tr("柜门未能打开，工作人员将协助您处理。"),
        }
        self.state.setText(states[v.state])
        self.done.setText(self.tr("完成，下一步"))
        self.done.setEnabled(v.state in ("closed_with_item", "closed_empty"))
