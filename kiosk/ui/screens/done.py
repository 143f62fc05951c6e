"""The end of a service: what was achieved, where the certificate went, and leaving.

The same page shows a self-service item's review while the department's rules decide
("checking": the citizen waits; the page offers no "finish" then), and then how
it ended: done with the receipt's number (it is on the phone too), awaiting a
certificate, referred to a clerk (the phone is told), saved while the hub is away, or
rejected. Each outcome is announced: said aloud in the UI's language (slower in elderly
mode) and captioned, once per change.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QWidget

from kiosk.ui.bridge import BoothBridge
from kiosk.ui.screens.base import Screen
from kiosk.ui.viewmodels import DoneView
from kiosk.ui.widgets.elements import button, label
from kiosk.ui.widgets.emblem import StatusMark

MARKS = {"checking": "wait", "referred": "wait", "saved": "wait", "rejected": "problem"}


class DoneScreen(Screen):
    name = "done"

    def __init__(self, bridge: BoothBridge, parent: QWidget | None = None) -> None:
        super().__init__(bridge, parent)
        self.view = DoneView()
        self._announced = ""  # the last message said aloud
        self._captioned = False  # our message is in the captions area now
        self.page.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        self.mark = StatusMark("ok", 180)
        row.addWidget(self.mark)
        row.addStretch(1)
        self.page.addLayout(row)
        self.title = label("hero")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.service = label("subtitle")
        self.service.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.certificate = label("body")
        self.certificate.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.receipt = label("subtitle")
        self.receipt.setObjectName("ReceiptNumber")
        self.receipt.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.privacy = label("muted")
        self.privacy.setAlignment(Qt.AlignmentFlag.AlignCenter)
        for w in (self.title, self.service, self.certificate, self.receipt, self.privacy):
            w.setWordWrap(True)
            self.page.addWidget(w)
        self.page.addStretch(2)
        self.finish = button("primary", "")
        self.finish.setObjectName("FinishButton")
        self.finish.clicked.connect(bridge.end_requested)
        self.page.addWidget(self.finish)
        bridge.done_shown.connect(self.show_view)
        bridge.screen_changed.connect(self._on_screen)
        bridge.session_changed.connect(self._forget)

    def show_view(self, view: DoneView) -> None:
        self.view = view
        self.retranslate()
        if self.bridge.screen == "done":  # a late decision changes the page in view
            self._announce()

    def _on_screen(self, name: str) -> None:
        if name == "done":
            self._announce()
        elif self._captioned:
            self._captioned = False
            self.bridge.show_caption("")

    def _announce(self) -> None:
        if self.message != self._announced:  # once per outcome, not on every re-show
            self._announced = self.message
            self.bridge.announce(self.message)
        else:
            self.bridge.show_caption(self.message)
        self._captioned = True

    @property
    def message(self) -> str:
        """What the page says, as it is announced (spoken and captioned)."""
        stop = ". " if self.lang == "en" else "。"
        return f"{self.title.text()}{stop}{self.certificate.text()}"

    def _forget(self, _active: bool) -> None:
        self._announced = ""

    def retranslate(self) -> None:
        v = self.view
        lang = self.lang
        state = v.shown_state
        certificate = v.certificate.get(lang) if v.certificate is not None else ""
        self.mark.kind = MARKS.get(state, "ok")
        self.mark.update()
        if state == "checking":
            title = self.tr("正在审核")
            text = self.tr("正在核对您提交的申请，请稍候，不要离开。")
        elif state == "referred":
            title = self.tr("已提交，转人工审核")
            text = self.tr("您的申请需要工作人员审核。审核结果将发送到您的手机，您无需在此等候。")
        elif state == "saved":
            title = self.tr("已保存，将自动提交")
            text = self.tr(
                "网络暂时中断，您的申请已保存在本机，网络恢复后将自动提交。"
                "审核结果将发送到您的手机。"
            )
        elif state == "rejected":
            title = self.tr("未能办理")
            text = self.tr("您的申请未通过审核，原因将发送到您的手机。如有疑问请联系人工服务。")
        elif certificate and state == "done":
            title = self.tr("办理完成")
            text = self.tr("{c} 已发送至您的手机，请注意查收。").format(c=certificate)
        elif certificate:
            title = self.tr("办理完成")
            text = self.tr("{c} 办结后将发送至您的手机。").format(c=certificate)
        else:
            title = self.tr("办理完成")
            text = self.tr("办理进度和结果将通过短信通知您。")
        self.title.setText(title)
        self.certificate.setText(text)
        self.service.setText(v.service.get(lang) if v.service else "")
        self.service.setVisible(v.service is not None)
        shows_receipt = bool(v.receipt_number) and state == "done"
        self.receipt.setText(
            self.tr("{c}编号：{n}").format(c=certificate, n=v.receipt_number)
            if shows_receipt
            else ""
        )
        self.receipt.setVisible(shows_receipt)
        leaving = state != "checking"  # while the rules decide, the citizen waits
        self.privacy.setText(self.tr("点击“结束办理”后，您在本机留下的照片和资料将被彻底清除。"))
        self.privacy.setVisible(leaving)
        self.finish.setText(self.tr("结束办理"))
        self.finish.setVisible(leaving)
        if self._captioned:  # a language switch: the caption follows, unspoken
            self.bridge.show_caption(self.message)
