"""An on-screen letter keypad for pinyin search (no physical keyboard in a booth).

Qt Virtual Keyboard only appears under xcb with an input method configured; this keypad
works everywhere and is all the search needs: the catalog matches full pinyin and pinyin
initials (``gjj`` finds 公积金).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QWidget

from kiosk.ui.widgets.elements import button, exempt_from_translation

ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")


class PinyinKeypad(QWidget):
    letter = Signal(str)
    backspace = Signal()
    cleared = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("PinyinKeypad")
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(8)
        self.keys: dict[str, object] = {}
        for r, letters in enumerate(ROWS):
            offset = r  # stagger rows like a real keyboard (in half keys: columns of 2)
            for c, ch in enumerate(letters):
                key = button("key", ch.upper())
                exempt_from_translation(key)
                key.setObjectName(f"key_{ch}")
                key.clicked.connect(lambda _=False, ch=ch: self.letter.emit(ch))
                grid.addWidget(key, r, offset + 2 * c, 1, 2)
                self.keys[ch] = key
        self.delete_key = button("key", "")
        self.delete_key.setObjectName("key_backspace")
        self.delete_key.clicked.connect(self.backspace)
        grid.addWidget(self.delete_key, 2, 2 + 2 * len(ROWS[2]), 1, 3)
        self.clear_key = button("key", "")
        self.clear_key.setObjectName("key_clear")
        self.clear_key.clicked.connect(self.cleared)
        grid.addWidget(self.clear_key, 1, 1 + 2 * len(ROWS[1]), 1, 2)

    def retranslate(self) -> None:
        self.delete_key.setText(self.tr("删除"))
        self.clear_key.setText(self.tr("清空"))
