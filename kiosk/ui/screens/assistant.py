"""The digital clerk (数字业务员): its face, its conversation as captions, text box, microphone.

The clerk speaks (when the booth has a voice) and every turn is also written here, so a
citizen who cannot hear, or a booth without a speech model, holds the same conversation
by touch and typing. Quick answers are the phrases the clerk expects next. The avatar's
mouth follows the level of the speech being played (``assistant_level``); while the
citizen speaks, the words recognised so far show under the conversation
(``assistant_partial``). The microphone button follows ``assistant_voice``: hidden
without a microphone or model ("off"), tap to talk ("tap"), hold to talk ("hold"),
always listening ("always"), or listening now ("listening"); it reports presses and
releases as ``listen_requested``.

ID numbers and bank card numbers in the conversation and in the words being recognised
are shown masked (kiosk.privacy.masking), as on the confirm screen: the booth's walls are
glass. Only the text box shows what the citizen is typing, while she types it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from kiosk.privacy.masking import mask_sensitive_text
from kiosk.ui.bridge import BoothBridge
from kiosk.ui.screens.base import Screen, clear_layout, scroll_area
from kiosk.ui.widgets.avatar import ClerkAvatar
from kiosk.ui.widgets.elements import button, exempt_from_translation, label
from kiosk.ui.widgets.flow_layout import FlowLayout

MAX_CHOICES = 4


class AssistantScreen(Screen):
    name = "assistant"

    def __init__(self, bridge: BoothBridge, parent: QWidget | None = None) -> None:
        super().__init__(bridge, parent)
        self.turns: list[tuple[str, str]] = []
        self.voice = "off"
        self._held = False  # the push-to-talk button is down
        self._pushing = False  # a press in push-to-talk mode, until its click
        self.avatar = ClerkAvatar()
        self.title = label("title")
        self.hint = label("subtitle")
        top = QHBoxLayout()
        top.setSpacing(28)
        top.addWidget(self.avatar, 0, Qt.AlignmentFlag.AlignTop)
        heading = QVBoxLayout()
        heading.setSpacing(8)
        heading.addWidget(self.title)
        heading.addWidget(self.hint)
        heading.addStretch(1)
        top.addLayout(heading, 1)
        self.page.addLayout(top)
        body = QWidget()
        self.log = QVBoxLayout(body)
        self.log.setContentsMargins(0, 0, 8, 0)
        self.log.setSpacing(14)
        self.log.setAlignment(Qt.AlignmentFlag.AlignTop)  # turns from the top, not spread
        self.area = scroll_area(body)
        self.page.addWidget(self.area, 1)
        self.partial = label("subtitle")
        self.partial.setObjectName("AssistantPartial")
        self.partial.setAlignment(Qt.AlignmentFlag.AlignRight)
        exempt_from_translation(self.partial)  # the citizen's own words
        self.partial.hide()
        self.page.addWidget(self.partial)
        # the choices of a clarifying question wrap onto a second line rather than
        # squeeze (English labels in elderly mode were cut at both ends)
        self.choices_box = QWidget()
        self.choices = FlowLayout(self.choices_box, spacing=12)
        self.page.addWidget(self.choices_box)
        row = QHBoxLayout()
        row.setSpacing(18)
        self.input = QLineEdit()
        self.input.setObjectName("AssistantInput")
        self.input.returnPressed.connect(self._send)
        self.send = button("primary", "")
        self.send.setObjectName("AssistantSendButton")
        self.send.clicked.connect(self._send)
        self.mic = button("", "", checkable=True)
        self.mic.setObjectName("AssistantMicButton")
        self.mic.pressed.connect(self._mic_pressed)
        self.mic.released.connect(self._mic_released)
        self.mic.clicked.connect(self._mic_clicked)
        self.mic.hide()
        row.addWidget(self.input, 3)
        row.addWidget(self.send, 1)
        row.addWidget(self.mic, 2)
        self.page.addLayout(row)
        bridge.assistant_turn.connect(self.add_turn)
        bridge.assistant_choices.connect(self.show_choices)
        bridge.assistant_level.connect(self.avatar.set_level)
        bridge.assistant_partial.connect(self.show_partial)
        bridge.assistant_voice.connect(self.set_voice)
        bridge.elderly_changed.connect(self.avatar.set_elderly)
        bridge.session_changed.connect(self._on_session)

    def add_turn(self, who: str, text: str) -> None:
        self.turns.append((who, text))
        line = label("section" if who == "clerk" else "body", mask_sensitive_text(text), fit=True)
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

    def show_partial(self, text: str) -> None:
        self.partial.setText(f"{mask_sensitive_text(text)} …" if text else "")
        self.partial.setVisible(bool(text))

    def set_voice(self, state: str) -> None:
        self.voice = state
        self.mic.setVisible(state != "off")
        self.mic.setChecked(state in ("listening", "always"))
        self.avatar.set_listening(state in ("listening", "always"))
        if state not in ("listening", "hold"):
            self._held = False
        self._mic_text()

    def _mic_pressed(self) -> None:
        self._pushing = self.voice == "hold"
        if self._pushing:
            self._held = True
            self.bridge.listen_requested.emit(True)

    def _mic_released(self) -> None:
        if self._held:
            self._held = False
            self.bridge.listen_requested.emit(False)

    def _mic_clicked(self) -> None:
        if not self._pushing:  # push-to-talk: the press and the release did it
            self.bridge.listen_requested.emit(self.voice == "tap")
        self._pushing = False
        self.mic.setChecked(self.voice in ("listening", "always"))

    def _mic_text(self) -> None:
        texts = {
            "tap": self.tr("点击说话"),
            "hold": self.tr("按住说话"),
            "always": self.tr("正在听，请直接说"),
            "listening": self.tr("正在听…"),
        }
        self.mic.setText(texts.get(self.voice, ""))

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
            self.clear_conversation()

    def clear_conversation(self) -> None:
        self.turns.clear()
        clear_layout(self.log)
        clear_layout(self.choices)  # type: ignore[arg-type]
        self.input.clear()
        self.show_partial("")
        self.avatar.set_level(0.0)

    def retranslate(self) -> None:
        self.title.setText(self.tr("数字业务员"))
        self.hint.setText(self.tr("请直接说出或输入您的回答，也可以随时提问。"))
        self.input.setPlaceholderText(self.tr("在此输入…"))
        self.send.setText(self.tr("发送"))
        self._mic_text()
