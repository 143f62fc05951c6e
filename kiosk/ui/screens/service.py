"""A service's guide: what to bring, how it is done, and buttons to start or ask a clerk."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from kiosk.ui.bridge import BoothBridge
from kiosk.ui.screens.base import Screen, clear_layout, scroll_area
from kiosk.ui.texts import mode_text, step_text
from kiosk.ui.widgets.elements import button, card, label
from kiosk.ui.widgets.flow_layout import FlowLayout


class ServiceScreen(Screen):
    name = "service"

    def __init__(self, bridge: BoothBridge, parent: QWidget | None = None) -> None:
        super().__init__(bridge, parent)
        self.service: Any = None
        self.title = label("title")
        self.page.addWidget(self.title)
        chips = FlowLayout(spacing=10)  # long names wrap instead of widening the card
        self.department = label("chip", wrap=False)
        self.mode = label("chip", wrap=False)
        chips.addWidget(self.department)
        chips.addWidget(self.mode)
        self.page.addLayout(chips)
        self.summary = label("subtitle")
        self.page.addWidget(self.summary)
        body = QWidget()
        self.sections = QVBoxLayout(body)
        self.sections.setContentsMargins(0, 0, 8, 0)
        self.sections.setSpacing(18)
        self.page.addWidget(scroll_area(body), 1)
        row = QHBoxLayout()
        row.setSpacing(18)
        self.back = button("", "")
        self.back.clicked.connect(bridge.home_requested)
        self.ask = button("", "")
        self.ask.setObjectName("AskClerkButton")
        self.ask.clicked.connect(self._ask)
        self.start = button("primary", "")
        self.start.setObjectName("StartServiceButton")
        self.start.clicked.connect(self._start)
        row.addWidget(self.back)
        row.addWidget(self.ask, 1)
        row.addWidget(self.start, 2)
        self.page.addLayout(row)
        bridge.service_shown.connect(self.show_service)

    def show_service(self, service: Any) -> None:
        self.service = service
        self.retranslate()

    def _start(self) -> None:
        if self.service is not None:
            self.bridge.service_start_requested.emit(self.service.code)

    def _ask(self) -> None:
        self.bridge.clerk_requested.emit(self.service.department if self.service else "")

    def _section(self, title: str, lines: list[str]) -> None:
        box = card()
        column = QVBoxLayout(box)
        column.setContentsMargins(28, 22, 28, 24)
        column.setSpacing(10)
        column.addWidget(label("section", title))
        for line in lines:
            column.addWidget(label("body", line))
        self.sections.addWidget(box)
        box.show()

    def retranslate(self) -> None:
        self.back.setText(self.tr("返回"))
        self.ask.setText(self.tr("咨询人工"))
        self.start.setText(self.tr("开始办理"))
        clear_layout(self.sections)
        s = self.service
        if s is None:
            self.title.setText(self.tr("办事指南"))
            self.summary.setText(self.tr("请先在首页选择要办理的事项。"))
            self.department.hide()
            self.mode.hide()
            self.start.setEnabled(False)
            return
        lang = self.lang
        self.start.setEnabled(True)
        self.title.setText(s.name.get(lang))
        self.summary.setText(s.summary.get(lang))
        catalog = self.bridge.catalog
        self.department.setText(catalog.department(s.department).name.get(lang) if catalog else "")
        self.department.show()
        self.mode.setText(mode_text(s.mode))
        self.mode.show()
        materials = []
        for m in s.materials:
            parts = [m.name.get(lang)]
            if m.original_required:
                parts.append(self.tr("原件"))
            if m.copies:
                parts.append(self.tr("复印件 {n} 份").format(n=m.copies))
            materials.append("•  " + " · ".join(parts))
        if not materials:
            materials.append(self.tr("无需携带材料"))
        self._section(self.tr("需要准备的材料"), materials)
        steps = [
            f"{i}.  {(st.name.get(lang) or step_text(st.kind))}" for i, st in enumerate(s.steps, 1)
        ]
        self._section(self.tr("办理流程"), steps or [mode_text(s.mode)])
        how = [mode_text(s.mode)]
        if s.needs_clerk:
            how.append(self.tr("需要与工作人员视频连线，工作人员会全程协助。"))
        else:
            how.append(self.tr("可全程自助办理，如有疑问随时点击“人工服务”。"))
        if s.uses_locker:
            how.append(self.tr("需将原件投递至本机智能柜，工作人员核验后退还或存档。"))
        if s.certificate is not None:
            how.append(
                self.tr("办结后获得：{c}，将发送至您的手机。").format(c=s.certificate.get(lang))
            )
        if s.time_limit_days:
            how.append(self.tr("承诺办结时限：{n} 个工作日").format(n=s.time_limit_days))
        self._section(self.tr("办理方式"), how)
        self.sections.addStretch(1)
