"""The booth's assistant screen by voice: espeak-ng speech from a WAV through real vosk.

The booth's UI runs headless; :class:`kiosk.booth.voice.BoothVoice` is attached as the
composition root attaches it, with the Korean test model in grammar mode (the Chinese
model cannot be fetched here), the microphone replaced by a WAV file (or by chunks the
test pushes), and the loudspeaker by a recording output on the fake clock. Korean words
stand in for the citizen's Chinese questions: the test's ``answer`` maps the recognised
word to a Chinese question and asks the real knowledge base.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton

from kiosk.config import load_config
from kiosk.core.catalog import load_catalog
from kiosk.core.clock import FakeClock
from kiosk.privacy.vault import SessionVault
from kiosk.speech.answering import Answerer
from kiosk.speech.audio_files import chunks, to_pcm16, wav_as_pcm16
from kiosk.speech.knowledge import load_knowledge_base
from kiosk.speech.microphone import WavMicrophone
from kiosk.speech.playback import ClockedOutput, PlaybackEnded, PlaybackStarted
from kiosk.speech.tts import TextToSpeech

from .conftest import KOREAN_PHRASES

pytestmark = [pytest.mark.vosk, pytest.mark.slow]
WAIT_MS = 60_000
SILENCE = to_pcm16(np.zeros(8000, dtype=np.float32))  # 0.5 s
STAND_INS = {"월세": "租房可以提取公积金吗", "퇴직": "退休了怎么提取公积金"}


@pytest.fixture(scope="module")
def answerer() -> Answerer:
    return Answerer(load_knowledge_base())


@pytest.fixture
def booth_ui(qapp: Any, tmp_path: Path) -> Iterator[Any]:
    from kiosk.config import BoothConfig
    from kiosk.ui.booth_ui import BoothCollaborators, BoothUi

    clock = FakeClock()
    ui = BoothUi(
        BoothConfig(fullscreen=False),
        BoothCollaborators(
            catalog=load_catalog(),
            session_factory=lambda: SessionVault(root=tmp_path / "sessions"),
            clock=clock,
        ),
    )
    ui.window.show()
    ui.start_session()
    ui.bridge.show_assistant()
    yield ui
    ui.close()


def _voice(
    ui: Any, model: Any, answerer: Answerer, tmp_path: Path, listen: str, microphone: Any
) -> Any:
    from kiosk.booth.voice import BoothVoice

    config = load_config(environ={})
    config = dataclasses.replace(config, speech=dataclasses.replace(config.speech, listen=listen))

    def answer(text: str, lang: str) -> str:
        return answerer.ask(STAND_INS.get(text, text), lang).answer

    voice = BoothVoice(
        config,
        ui.clock,
        model=model,
        microphone=microphone,
        output=ClockedOutput(ui.clock.monotonic),
        tts=TextToSpeech(tmp_path / "tts"),
        answer=answer,
        grammar=KOREAN_PHRASES,
    )
    voice.attach(ui)
    return voice


def test_a_spoken_question_is_heard_answered_spoken_and_captioned(
    booth_ui: Any,
    korean_model: Any,
    answerer: Answerer,
    speak_korean: Callable[[str], Path],
    qtbot: Any,
    tmp_path: Path,
) -> None:
    ui, bridge = booth_ui, booth_ui.bridge
    wav = tmp_path / "question.wav"
    pcm = SILENCE + wav_as_pcm16(speak_korean("월세")) + SILENCE * 2
    _write_wav(wav, pcm)
    voice = _voice(ui, korean_model, answerer, tmp_path, "tap", WavMicrophone(wav))
    try:
        partials: list[str] = []
        turns: list[tuple[str, str]] = []
        bridge.assistant_partial.connect(partials.append)
        bridge.assistant_turn.connect(lambda who, text: turns.append((who, text)))
        mic = ui.window.findChild(QPushButton, "AssistantMicButton")
        assert mic.isVisible() and mic.text() == "点击说话"
        with qtbot.waitSignal(
            bridge.assistant_turn,
            check_params_cb=lambda who, _text: who == "clerk",
            timeout=WAIT_MS,
        ):
            qtbot.mouseClick(mic, Qt.MouseButton.LeftButton)  # tap to talk, then speak
        expected = answerer.ask(STAND_INS["월세"]).answer
        assert turns == [("citizen", "월세"), ("clerk", expected)]
        assert "월세" in [p for p in partials if p]  # the words shown live while speaking
        assert partials[-1] == ""  # and cleared once the utterance is final
        assert not voice.listening and mic.text() == "点击说话"  # one utterance per tap
        texts = [w.text() for w in ui.window.findChildren(QLabel) if w.isVisible()]
        assert "월세" in texts and expected in texts  # the conversation on screen
        # the answer is spoken, with its caption on screen while it plays
        with qtbot.waitSignal(voice.driver.level_changed, timeout=WAIT_MS):
            pass
        assert voice.player.playing and voice.spoken[-1].caption == expected
        captions = ui.window.footer.captions
        assert captions.isVisible() and captions.text() == expected
        avatar = ui.window.screens["assistant"].avatar
        opened = 0
        while voice.player.playing:
            ui.clock.advance(0.02)
            voice.driver.tick()
            opened += avatar.mouth_open > 0
        assert opened > 10 and avatar.mouth_open == 0.0
        assert len(voice.output.recorded) > voice.spoken[-1].duration_s * 16000
    finally:
        voice.close()


class _PushMicrophone:
    """A microphone the test speaks into chunk by chunk."""

    def __init__(self) -> None:
        self.on_pcm: Callable[[bytes], None] | None = None

    def start(self, on_pcm: Callable[[bytes], None], on_end: Callable[[], None]) -> None:
        self.on_pcm = on_pcm

    def stop(self) -> None:
        self.on_pcm = None


def test_the_citizen_speaking_interrupts_the_clerk(
    booth_ui: Any,
    korean_model: Any,
    answerer: Answerer,
    speak_korean: Callable[[str], Path],
    qtbot: Any,
    tmp_path: Path,
) -> None:
    bridge = booth_ui.bridge
    microphone = _PushMicrophone()
    voice = _voice(booth_ui, korean_model, answerer, tmp_path, "always", microphone)
    try:
        assert voice.listening and microphone.on_pcm is not None  # the screen is shown
        events: list[object] = []
        voice.player._on_event = lambda e: (events.append(e), voice._on_playback(e))
        with qtbot.waitSignal(voice.driver.level_changed, timeout=WAIT_MS):
            bridge.say_assistant("clerk", "请问您办理什么业务？您可以直接说。")
        assert voice.player.playing and isinstance(events[-1], PlaybackStarted)
        with qtbot.waitSignal(
            bridge.assistant_turn,
            check_params_cb=lambda who, _text: who == "citizen",
            timeout=WAIT_MS,
        ):
            for chunk in chunks(SILENCE + wav_as_pcm16(speak_korean("퇴직")) + SILENCE * 2):
                microphone.on_pcm(chunk)
        assert PlaybackEnded("请问您办理什么业务？您可以直接说。", interrupted=True) in events
        assert voice.barge_in.interruptions == 1 and voice.listening  # still listening
    finally:
        voice.close()


def _write_wav(path: Path, pcm: bytes) -> None:
    import wave

    with wave.open(str(path), "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(16000)
        writer.writeframes(pcm)
