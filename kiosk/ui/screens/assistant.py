"""The digital clerk (数字业务员): its conversation as captions, a text box and quick answers.

The clerk speaks (when the booth has a voice) and every turn is also written here, so a
citizen who cannot hear, or a booth without a speech model, holds the same conversation
by touch and typing. Quick answers are the phrases the clerk expects next.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from kiosk.ui.bridge import BoothBridge
from kiosk.ui.screens.base import Screen, clear_layout, scroll_area
from kiosk.ui.widgets.elements import button, exempt_from_translation, label

MAX_CHOICES = 4


class AssistantScreen(Screen):
    name = "assistant"

    def __init__(self, bridge: BoothBridge, parent: QWidget | None = None) -> None:
        super().__init__(bridge, parent)
        self.turns: list[tuple[str, str]] = []
        self.title = label("title")
        self.hint = label("subtitle")
        self.page.addWidget(self.title)
        self.page.addWidget(self.hint)
        body = QWidget()
        self.log = QVBoxLayout(body)
        self.log.setContentsMargins(0, 0, 8, 0)
        self.log.setSpacing(14)
        self.area = scroll_area(body)
        self.page.addWidget(self.area, 1)
        self.choices = QHBoxLayout()
        self.choices.setSpacing(12)
        self.page.addLayout(self.choices)
        row = QHBoxLayout()
        row.setSpacing(18)
        self.input = QLineEdit()
        self.input.setObjectName("AssistantInput")
        self.input.returnPressed.connect(self._send)
        self.send = button("primary", "")
        self.send.setObjectName("AssistantSendButton")
        self.send.clicked.connect(self._send)
        row.addWidget(self.input, 3)
        row.addWidget(self.send, 1)
        self.page.addLayout(row)
        bridge.assistant_turn.connect(self.add_turn)
        bridge.assistant_choices.connect(self.show_choices)
        bridge.session_changed.connect(self._on_session)

    def add_turn(self, who: str, text: str) -> None:
        self.turns.append((who, text))
        line = label("section" if who == "clerk" else "body", text)
        exempt_from_translation(line)  # the conversation is not translated
        line.setAlignment(
            Qt.AlignmentFlag.AlignLeft if who == "clerk" else Qt.AlignmentFlag.AlignRight
        )
        line.setObjectName(f"turn_{len(self.turns)}")
        self.log.addWidget(line)
        line.show()
        bar = self.area.verticalScrollBar()
        bar.setValue(bar.maximum())

    def show_choices(self, choices: tuple[str, ...]) -> None:
        clear_layout(self.choices)  # type: ignore[arg-type]
        for i, text in enumerate(choices[:MAX_CHOICES]):
            b = button("", text)
            exempt_from_translation(b)
            b.setObjectName(f"assistant_choice_{i}")
            b.clicked.connect(lambda _=False, t=text: self._answer(t))
            self.choices.addWidget(b)
            b.show()

    def _send(self) -> None:
        text = self.input.text().strip()
        if text:
            self.input.clear()
            self._answer(text)

    def _answer(self, text: str) -> None:
        self.bridge.say_assistant("citizen", text)
        self.bridge.assistant_answered.emit(text)

    def _on_session(self, active: bool) -> None:
        if not active:  # the conversation is the citizen's data: gone with the session
            self.turns.clear()
            clear_layout(self.log)
            clear_layout(self.choices)  # type: ignore[arg-type]
            self.input.clear()

    def retranslate(self) -> None:
        self.title.setText(self.tr("数字业务员"))
        self.hint.setText(self.tr("请直接说出或输入您的回答，也可以随时提问。"))
        self.input.setPlaceholderText(self.tr("在此输入…"))
        self.send.setText(self.tr("发送"))
