"""The operator's screens: a PIN pad behind the hidden gesture, and the operator menu.

They are passive views driven by :class:`kiosk.ui.lockdown.Lockdown` (not by the citizen's
bridge): they report taps through their own signals and show what they are told. Both
follow the booth's language and elderly mode like every screen.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QPushButton, QWidget

from kiosk.ui.bridge import BoothBridge
from kiosk.ui.screens.base import Screen
from kiosk.ui.widgets.elements import button, card, exempt_from_translation, label

PIN_MAX_DIGITS = 12
STATUS_MARK = {"ok": "✓", "warn": "!", "fail": "✗"}


class PinPadScreen(Screen):
    """Ten digits, delete, cancel and OK; the PIN shows as dots."""

    name = "operator_pin"
    pin_entered = Signal(str)
    cancelled = Signal()

    def __init__(self, bridge: BoothBridge, parent: QWidget | None = None) -> None:
        super().__init__(bridge, parent)
        self.pin = ""
        self.state = "enter"  # "enter", "wrong", "locked", "unconfigured"
        self.tries_left = 0
        self.locked_s = 0
        self.page.addStretch(1)
        self.title = label("title")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.page.addWidget(self.title)
        self.dots = label("big", wrap=False)
        exempt_from_translation(self.dots)
        self.dots.setObjectName("PinDots")
        self.dots.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.page.addWidget(self.dots)
        self.message = label("subtitle")
        self.message.setObjectName("PinMessage")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.page.addWidget(self.message)
        grid = QGridLayout()
        grid.setSpacing(16)
        self.digits: dict[str, QPushButton] = {}
        for i, digit in enumerate("123456789"):
            self.digits[digit] = self._digit(digit)
            grid.addWidget(self.digits[digit], i // 3, i % 3)
        self.delete = button("key", "")
        self.delete.setObjectName("PinDelete")
        self.delete.clicked.connect(self._delete)
        self.digits["0"] = self._digit("0")
        self.ok = button("primary", "")
        self.ok.setObjectName("PinOk")
        self.ok.clicked.connect(self._submit)
        grid.addWidget(self.delete, 3, 0)
        grid.addWidget(self.digits["0"], 3, 1)
        grid.addWidget(self.ok, 3, 2)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addLayout(grid, 4)
        row.addStretch(1)
        self.page.addLayout(row)
        self.page.addStretch(1)
        self.cancel = button("", "")
        self.cancel.setObjectName("PinCancel")
        self.cancel.clicked.connect(self.cancelled)
        self.page.addWidget(self.cancel)

    def _digit(self, digit: str) -> QPushButton:
        key = button("key", digit)
        exempt_from_translation(key)
        key.setObjectName(f"PinKey{digit}")
        key.setMinimumHeight(110)
        key.clicked.connect(lambda _=False, d=digit: self._type(d))
        return key

    def _type(self, digit: str) -> None:
        if self.state != "locked" and len(self.pin) < PIN_MAX_DIGITS:
            self.pin += digit
            self._show_dots()

    def _delete(self) -> None:
        self.pin = self.pin[:-1]
        self._show_dots()

    def _submit(self) -> None:
        pin, self.pin = self.pin, ""
        self._show_dots()
        if pin:
            self.pin_entered.emit(pin)

    def _show_dots(self) -> None:
        self.dots.setText("●" * len(self.pin) or "—")

    def show_state(self, state: str, *, tries_left: int = 0, locked_s: int = 0) -> None:
        """What to tell the operator: enter a PIN, it was wrong, or the pad is locked."""
        self.state = state
        self.tries_left = tries_left
        self.locked_s = locked_s
        if state == "locked":
            self.pin = ""
        for key in (*self.digits.values(), self.ok, self.delete):
            key.setEnabled(state != "locked")
        self._show_dots()
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("运维人员验证"))
        if self.state == "wrong":
            text = self.tr("密码错误，还可以再试 {n} 次。").format(n=self.tries_left)
        elif self.state == "locked":
            minutes, seconds = divmod(max(self.locked_s, 0), 60)
            text = self.tr("错误次数过多，请在 {time} 后再试。").format(
                time=f"{minutes}:{seconds:02d}"
            )
        elif self.state == "unconfigured":
            text = self.tr("本机未设置运维密码。")
        else:
            text = self.tr("请输入运维密码")
        self.message.setText(text)
        self.delete.setText(self.tr("删除"))
        self.ok.setText(self.tr("确定"))
        self.cancel.setText(self.tr("取消"))


class OperatorMenuScreen(Screen):
    """What an operator may do: leave the app, clean the screen, see the self-check, go back."""

    name = "operator_menu"
    exit_requested = Signal()
    cleaning_requested = Signal()
    doctor_requested = Signal()
    back_requested = Signal()

    def __init__(self, bridge: BoothBridge, parent: QWidget | None = None) -> None:
        super().__init__(bridge, parent)
        self.title = label("title")
        self.page.addWidget(self.title)
        self.hint = label("subtitle")
        self.page.addWidget(self.hint)
        self.exit = button("", "")
        self.exit.setObjectName("OperatorExit")
        self.exit.clicked.connect(self.exit_requested)
        self.clean = button("primary", "")
        self.clean.setObjectName("OperatorClean")
        self.clean.clicked.connect(self.cleaning_requested)
        self.doctor = button("", "")
        self.doctor.setObjectName("OperatorDoctor")
        self.doctor.clicked.connect(self.doctor_requested)
        self.back = button("", "")
        self.back.setObjectName("OperatorBack")
        self.back.clicked.connect(self.back_requested)
        for b in (self.clean, self.doctor, self.exit, self.back):
            b.setMinimumHeight(100)
            self.page.addWidget(b)
        self.findings_box = card()
        self.findings_box.hide()
        box = QHBoxLayout(self.findings_box)
        box.setContentsMargins(24, 20, 24, 20)
        # Doctor findings are an operator's technical text, shown as the checks wrote them.
        self.findings = label("muted")
        exempt_from_translation(self.findings)
        self.findings.setObjectName("DoctorFindings")
        self.findings.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        box.addWidget(self.findings)
        self.status = label("body")
        self.status.setObjectName("DoctorStatus")
        box.insertWidget(0, self.status)
        box.setDirection(QHBoxLayout.Direction.TopToBottom)
        box.addStretch(1)
        self.checking = False
        self.page.addWidget(self.findings_box, 1)
        self.page.addStretch(1)

    def show_findings(self, findings: list[Any]) -> None:
        lines = [
            f"{STATUS_MARK.get(f.status, '?')} {f.check}: {f.detail}"
            + (f" → {f.fix}" if f.fix and f.status != "ok" else "")
            for f in findings
        ]
        self.checking = False
        self.findings.setText("\n".join(lines))
        self.findings_box.setVisible(True)
        self.retranslate()

    def show_checking(self) -> None:
        self.checking = True
        self.findings.setText("")
        self.findings_box.show()
        self.retranslate()

    def clear_findings(self) -> None:
        self.findings.setText("")
        self.findings_box.hide()

    def retranslate(self) -> None:
        self.title.setText(self.tr("运维菜单"))
        self.hint.setText(self.tr("本次办理已结束，市民资料已清除。"))
        self.exit.setText(self.tr("退出应用"))
        self.clean.setText(self.tr("清洁屏幕"))
        self.doctor.setText(self.tr("设备自检"))
        self.back.setText(self.tr("返回"))
        if self.checking:
            self.status.setText(self.tr("正在自检，请稍候……"))
        elif self.findings.text():
            self.status.setText(self.tr("自检结果"))
        else:
            self.status.setText(self.tr("没有自检结果。"))
