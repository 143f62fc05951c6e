"""The end of a service: what was achieved, where the certificate went, and leaving."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QWidget

from kiosk.ui.bridge import BoothBridge
from kiosk.ui.screens.base import Screen
from kiosk.ui.viewmodels import DoneView
from kiosk.ui.widgets.elements import button, label
from kiosk.ui.widgets.emblem import StatusMark


class DoneScreen(Screen):
    name = "done"

    def __init__(self, bridge: BoothBridge, parent: QWidget | None = None) -> None:
        super().__init__(bridge, parent)
        self.view = DoneView()
        self.page.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(StatusMark("ok", 180))
        row.addStretch(1)
        self.page.addLayout(row)
        self.title = label("hero")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.service = label("subtitle")
        self.service.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.certificate = label("body")
        self.certificate.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.privacy = label("muted")
        self.privacy.setAlignment(Qt.AlignmentFlag.AlignCenter)
        for w in (self.title, self.service, self.certificate, self.privacy):
            self.page.addWidget(w)
        self.page.addStretch(2)
        self.finish = button("primary", "")
        self.finish.setObjectName("FinishButton")
        self.finish.clicked.connect(bridge.end_requested)
        self.page.addWidget(self.finish)
        bridge.done_shown.connect(self.show_view)

    def show_view(self, view: DoneView) -> None:
        self.view = view
        self.retranslate()

    def retranslate(self) -> None:
        v = self.view
        lang = self.lang
        self.title.setText(self.tr("办理完成"))
        self.service.setText(v.service.get(lang) if v.service else "")
        self.service.setVisible(v.service is not None)
        if v.certificate is not None and v.sent_to_phone:
            text = self.tr("{c} 已发送至您的手机，请注意查收。").format(c=v.certificate.get(lang))
        elif v.certificate is not None:
            text = self.tr("{c} 办结后将发送至您的手机。").format(c=v.certificate.get(lang))
        else:
            text = self.tr("办理进度和结果将通过短信通知您。")
        self.certificate.setText(text)
        self.privacy.setText(self.tr("点击“结束办理”后，您在本机留下的照片和资料将被彻底清除。"))
        self.finish.setText(self.tr("结束办理"))
