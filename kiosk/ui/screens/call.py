"""The video call with clerks: waiting in a queue, connecting, in the call.

The call area (:attr:`CallScreen.video_area`) is an empty frame that the call part of the
booth fills with its video widgets; this screen shows the state around it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QVBoxLayout, QWidget

from kiosk.ui.bridge import BoothBridge
from kiosk.ui.screens.base import Screen
from kiosk.ui.viewmodels import CallView
from kiosk.ui.widgets.elements import button, label


class CallScreen(Screen):
    name = "call"

    def __init__(self, bridge: BoothBridge, parent: QWidget | None = None) -> None:
        super().__init__(bridge, parent)
        self.view = CallView("waiting")
        self.title = label("title")
        self.status = label("subtitle")
        self.page.addWidget(self.title)
        self.page.addWidget(self.status)
        self.video_area = QFrame()
        self.video_area.setObjectName("VideoArea")
        self.video_area.setProperty("role", "video")
        self.video_layout = QVBoxLayout(self.video_area)
        self.video_layout.setContentsMargins(24, 24, 24, 24)
        self.video_hint = label("body")
        self.video_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.video_layout.addWidget(self.video_hint)
        self.page.addWidget(self.video_area, 1)
        self.parties = label("body")
        self.page.addWidget(self.parties)
        row = QHBoxLayout()
        row.addStretch(1)
        self.hangup = button("clerk", "")
        self.hangup.setObjectName("HangupButton")
        self.hangup.clicked.connect(bridge.hangup_requested)
        row.addWidget(self.hangup)
        self.page.addLayout(row)
        bridge.call_changed.connect(self.show_view)

    def show_view(self, view: CallView) -> None:
        self.view = view
        self.retranslate()

    def retranslate(self) -> None:
        v = self.view
        lang = self.lang
        dept = v.department.get(lang) if v.department else ""
        titles = {
            "waiting": self.tr("正在为您呼叫工作人员"),
            "connecting": self.tr("正在接通…"),
            "in_call": self.tr("视频通话中"),
            "ended": self.tr("通话已结束"),
            "unavailable": self.tr("暂时没有空闲的工作人员"),
        }
        self.title.setText(titles[v.state])
        if v.state == "waiting":
            parts = [self.tr("排队部门：{d}").format(d=dept) if dept else self.tr("综合坐席")]
            if v.queue_position is not None:
                parts.append(self.tr("您前面还有 {n} 位").format(n=max(v.queue_position - 1, 0)))
            if v.wait_s is not None:
                parts.append(self.tr("预计等待约 {m} 分钟").format(m=max(1, round(v.wait_s / 60))))
            self.status.setText("  ·  ".join(parts))
        elif v.state == "unavailable":
            self.status.setText(self.tr("您可以先自助浏览办事指南，或稍后再次点击“人工服务”。"))
        elif v.state == "ended":
            self.status.setText(self.tr("感谢您的耐心，您可以继续办理或结束办理。"))
        else:
            self.status.setText(self.tr("请面向屏幕，工作人员可以看到您和高拍仪画面。"))
        self.video_hint.setText(
            self.tr("工作人员接通后，视频画面将显示在这里") if v.state != "in_call" else ""
        )
        names = [p.get(lang) for p in v.parties]
        self.parties.setText(
            self.tr("通话中的工作人员：{names}").format(
                names=(", " if lang == "en" else "、").join(names)
            )
            if names
            else ""
        )
        self.parties.setVisible(bool(names))
        self.hangup.setText(
            self.tr("挂断") if v.state in ("connecting", "in_call") else self.tr("取消呼叫")
        )
        self.hangup.setVisible(v.state in ("waiting", "connecting", "in_call"))
