"""The assistant screen asks back: the clarifying question's choices are buttons, and the
tapped one answers its topic, captioned like every answer.

The booth's UI runs headless with :class:`kiosk.booth.voice.BoothVoice` attached as the
composition root attaches it (speech out off: the same captions, no audio), answering
from the real knowledge base and catalog through the booth's own reply function.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QPushButton

from kiosk.config import load_config
from kiosk.core.catalog import load_catalog
from kiosk.core.clock import FakeClock
from kiosk.privacy.vault import SessionVault
from kiosk.speech.answering import Answerer, AskingBack
from kiosk.speech.knowledge import load_knowledge_base
from kiosk.speech.playback import ClockedOutput

WAIT_MS = 30_000


@pytest.fixture
def booth_ui(qapp: Any, tmp_path: Path) -> Iterator[Any]:
    from kiosk.config import BoothConfig
    from kiosk.ui.booth_ui import BoothCollaborators, BoothUi

    ui = BoothUi(
        BoothConfig(fullscreen=False),
        BoothCollaborators(
            catalog=load_catalog(),
            session_factory=lambda: SessionVault(root=tmp_path / "sessions"),
            clock=FakeClock(),
        ),
    )
    ui.window.show()
    ui.start_session()
    ui.bridge.show_assistant()
    yield ui
    ui.close()


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_a_tapped_choice_shows_that_topics_answer(booth_ui: Any, qtbot: Any, lang: str) -> None:
    from kiosk.booth.voice import BoothVoice, assistant_reply

    ui, bridge = booth_ui, booth_ui.bridge
    ui.set_language(lang)
    answerer = Answerer(load_knowledge_base(), catalog=ui.bridge.catalog)
    talk = AskingBack(answerer)
    config = load_config(environ={})
    config = dataclasses.replace(
        config, speech=dataclasses.replace(config.speech, listen="off", speak=False)
    )
    voice = BoothVoice(
        config,
        ui.clock,
        output=ClockedOutput(ui.clock.monotonic),
        answer=lambda text, lang: assistant_reply(talk.ask(text, lang)),
    )
    voice.attach(ui)
    try:
        turns: list[tuple[str, str]] = []
        bridge.assistant_turn.connect(lambda who, text: turns.append((who, text)))
        box = ui.window.findChild(QLineEdit, "AssistantInput")
        box.setText("公积金怎么取")
        with qtbot.waitSignal(
            bridge.assistant_turn, check_params_cb=lambda who, _t: who == "clerk", timeout=WAIT_MS
        ):
            qtbot.keyClick(box, Qt.Key.Key_Return)
        asked = AskingBack(answerer).ask("公积金怎么取", bridge.language)
        assert turns[-1] == ("clerk", asked.answer)
        buttons = [
            ui.window.findChild(QPushButton, f"assistant_choice_{i}")
            for i in range(len(asked.clarify))
        ]
        assert [b.text() for b in buttons] == [c.label for c in asked.clarify]
        assert all(b.isVisible() for b in buttons)
        chosen = asked.clarify[1]
        with qtbot.waitSignal(
            bridge.assistant_turn, check_params_cb=lambda who, _t: who == "clerk", timeout=WAIT_MS
        ):
            qtbot.mouseClick(buttons[1], Qt.MouseButton.LeftButton)
        expected = answerer.kb.entry(chosen.topic).answer.get(bridge.language)
        assert turns[-2:] == [("citizen", chosen.label), ("clerk", expected)]
        captions = ui.window.footer.captions
        assert captions.text() == expected  # captioned like any answer
        assert ui.window.findChild(QPushButton, "assistant_choice_0") is None or not (
            ui.window.findChild(QPushButton, "assistant_choice_0").isVisible()
        )
    finally:
        voice.close()
