"""An on-screen letter keypad for pinyin search (no physical keyboard in a booth).

Qt Virtual Keyboard only appears under xcb with an input method configured; this keypad
works everywhere and is all the search needs: the catalog matches full pinyin and pinyin
initials (``gjj`` finds 公积金).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from kiosk.ui.widgets.elements import button, exempt_from_translation

ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")


class PinyinKeypad(QWidget):
    letter = Signal(str)
    backspace = Signal()
    cleared = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("PinyinKeypad")
        rows = QVBoxLayout(self)
        rows.setContentsMargins(0, 0, 0, 0)
        rows.setSpacing(8)
        self.keys: dict[str, QPushButton] = {}
        self.delete_key = button("key", "")
        self.delete_key.setObjectName("key_backspace")
        self.delete_key.clicked.connect(self.backspace)
        self.clear_key = button("key", "")
        self.clear_key.setObjectName("key_clear")
        self.clear_key.clicked.connect(self.cleared)
        for wide in (self.delete_key, self.clear_key):
            wide.setProperty("wide", True)  # room for a word, not a letter
        extras = {1: self.clear_key, 2: self.delete_key}
        for r, letters in enumerate(ROWS):
            row = QHBoxLayout()
            row.setSpacing(8)
            row.addStretch(r)  # stagger the rows like a real keyboard (half a key per row)
            for ch in letters:
                key = button("key", ch.upper())
                exempt_from_translation(key)
                key.setObjectName(f"key_{ch}")
                key.clicked.connect(lambda _=False, ch=ch: self.letter.emit(ch))
                key.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
                row.addWidget(key, 2)
                self.keys[ch] = key
            if r in extras:
                extra = extras[r]
                extra.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
                row.addWidget(extra, 3)
            row.addStretch((2, 0, 3)[r])  # right edges roughly line up
            rows.addLayout(row)

    def retranslate(self) -> None:
        self.delete_key.setText(self.tr("删除"))
        self.clear_key.setText(self.tr("清空"))
