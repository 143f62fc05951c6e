"""Confirm the fields read from documents or filled with a clerk (ID numbers masked)."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from kiosk.privacy.masking import mask_id_number
from kiosk.ui.bridge import BoothBridge
from kiosk.ui.screens.base import Screen, clear_layout, scroll_area
from kiosk.ui.texts import problem_message
from kiosk.ui.viewmodels import FormView
from kiosk.ui.widgets.elements import button, card, label


class ConfirmScreen(Screen):
    name = "confirm"

    def __init__(self, bridge: BoothBridge, parent: QWidget | None = None) -> None:
        super().__init__(bridge, parent)
        self.view = FormView(None, ())
        self.title = label("title")
        self.hint = label("subtitle")
        self.page.addWidget(self.title)
        self.page.addWidget(self.hint)
        body = QWidget()
        self.fields = QVBoxLayout(body)
        self.fields.setContentsMargins(0, 0, 8, 0)
        self.fields.setSpacing(14)
        self.page.addWidget(scroll_area(body), 1)
        row = QHBoxLayout()
        row.setSpacing(18)
        self.dispute = button("", "")
        self.dispute.setObjectName("DisputeButton")
        self.dispute.clicked.connect(bridge.fields_disputed)
        self.confirm = button("primary", "")
        self.confirm.setObjectName("ConfirmButton")
        self.confirm.clicked.connect(self._confirm)
        row.addWidget(self.dispute, 1)
        row.addWidget(self.confirm, 2)
        self.page.addLayout(row)
        bridge.form_shown.connect(self.show_view)

    def show_view(self, view: FormView) -> None:
        self.view = view
        self.retranslate()

    def _confirm(self) -> None:
        self.bridge.fields_confirmed.emit({f.key: f.value for f in self.view.fields})

    def retranslate(self) -> None:
        lang = self.lang
        v = self.view
        title = v.title.get(lang) if v.title else ""
        self.title.setText(
            self.tr("请核对：{t}").format(t=title) if title else self.tr("请核对信息")
        )
        self.hint.setText(self.tr("以下内容由系统识别或工作人员填写，请逐项核对。"))
        self.dispute.setText(self.tr("有误，找人工修改"))
        self.confirm.setText(self.tr("确认无误，提交"))
        self.confirm.setEnabled(bool(v.fields))
        clear_layout(self.fields)
        if not v.fields:
            self.fields.addWidget(label("muted", self.tr("暂无需要核对的内容。")))
        for f in v.fields:
            box = card()
            box.setObjectName(f"field_{f.key}")
            column = QVBoxLayout(box)
            column.setContentsMargins(26, 16, 26, 18)
            column.setSpacing(6)
            column.addWidget(label("muted", f.label.get(lang)))
            value = mask_id_number(f.value) if f.kind == "id_number" else f.value
            shown = label("section", value or self.tr("（未填写）"))
            shown.setProperty("i18n_exempt", bool(value))  # citizen data is not translated
            column.addWidget(shown)
            if f.problem:
                column.addWidget(label("problem", "⚠ " + problem_message(f.problem)))
            self.fields.addWidget(box)
            box.show()
        self.fields.addStretch(1)
