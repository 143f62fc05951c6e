"""Language switch (简体 / 繁體 / English) and the elderly-mode toggle (长辈模式)."""

from __future__ import annotations

from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QWidget

from kiosk.ui.bridge import BoothBridge
from kiosk.ui.widgets.elements import button, exempt_from_translation

# Each language is named in itself, so these labels are the same in every UI language.
LANGUAGE_NAMES = (("zh_CN", "简体"), ("zh_HK", "繁體"), ("en", "English"))


class LanguageBar(QWidget):
    def __init__(self, bridge: BoothBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(12)
        self.group = QButtonGroup(self)
        self.buttons = {}
        for code, name in LANGUAGE_NAMES:
            b = button("", name, checkable=True)
            b.setObjectName(f"lang_{code}")
            exempt_from_translation(b)
            b.clicked.connect(lambda _=False, code=code: bridge.language_requested.emit(code))
            self.group.addButton(b)
            self.buttons[code] = b
            row.addWidget(b)
        row.addStretch(1)
        self.elderly = button("", "", checkable=True)
        self.elderly.setObjectName("ElderlyToggle")
        self.elderly.clicked.connect(lambda checked: bridge.elderly_requested.emit(checked))
        row.addWidget(self.elderly)

    def retranslate(self) -> None:
        self.buttons[self.bridge.language].setChecked(True)
        self.elderly.setChecked(self.bridge.elderly)
        self.elderly.setText(self.tr("长辈模式"))
