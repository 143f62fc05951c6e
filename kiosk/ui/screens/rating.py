"""好差评: five levels (GB/T 39734-2020) for one service item or one clerk."""

from __future__ import annotations

from PySide6.QtWidgets import QBoxLayout, QWidget

from kiosk.ui.bridge import BoothBridge
from kiosk.ui.screens.base import Screen
from kiosk.ui.texts import rating_levels
from kiosk.ui.viewmodels import Plain, RatingTarget
from kiosk.ui.widgets.elements import button, label, restyle


class RatingScreen(Screen):
    name = "rating"

    def __init__(self, bridge: BoothBridge, parent: QWidget | None = None) -> None:
        super().__init__(bridge, parent)
        self.target = RatingTarget("", Plain(""))
        self.title = label("title")
        self.subject = label("subtitle")
        self.page.addWidget(self.title)
        self.page.addWidget(self.subject)
        self.page.addSpacing(12)
        self.row = levels = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        levels.setSpacing(16)
        self.levels = {}
        for level, _text in rating_levels():
            b = button("rating", "")
            b.setObjectName(f"rating_{level}")
            b.clicked.connect(lambda _=False, lv=level: self._rate(lv))
            levels.addWidget(b)
            self.levels[level] = b
        self.page.addLayout(levels)
        self.page.addStretch(1)
        self.note = label("muted")
        self.page.addWidget(self.note)
        bridge.rating_shown.connect(self.show_target)

    def set_orientation(self, portrait: bool) -> None:
        super().set_orientation(portrait)
        # Landscape: the five levels side by side, stars above the words.
        self.row.setDirection(
            QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight
        )
        self.retranslate()

    def show_target(self, target: RatingTarget) -> None:
        self.target = target
        self.retranslate()

    def _rate(self, level: int) -> None:
        self.bridge.rating_submitted.emit(self.target.id, level)

    def retranslate(self) -> None:
        self.title.setText(self.tr("请为本次服务评价"))
        subject = self.target.label.get(self.lang)
        self.subject.setText(self.tr("评价对象：{s}").format(s=subject) if subject else "")
        self.subject.setVisible(bool(subject))
        stars = {5: "★★★★★", 4: "★★★★☆", 3: "★★★☆☆", 2: "★★☆☆☆", 1: "★☆☆☆☆"}
        for level, text in rating_levels():
            sep = "   " if self.portrait else "\n"
            self.levels[level].setText(f"{stars[level]}{sep}{text}")
            self.levels[level].setProperty("role", "rating" if self.portrait else "rating_compact")
            restyle(self.levels[level])
        self.note.setText(self.tr("您的评价将直接提交至政务服务“好差评”系统，匿名处理。"))
