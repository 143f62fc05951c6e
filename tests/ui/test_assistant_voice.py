"""The assistant screen's voice parts: the avatar's mouth, the microphone button, partials."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtMultimedia import QMediaDevices
from PySide6.QtWidgets import QPushButton

from kiosk.core.clock import FakeClock
from kiosk.speech.playback import ClockedOutput, SpeechPlayer
from kiosk.speech.tts import TextToSpeech
from kiosk.ui.speech_out import TICK_MS, PlaybackDriver


def test_the_mouth_follows_the_speech_level_in_time_with_playback(
    make_ui, clock: FakeClock, tmp_path: Path
) -> None:
    ui = make_ui()
    ui.start_session()
    ui.bridge.show_assistant()
    avatar = ui.window.screens["assistant"].avatar
    spoken = TextToSpeech(tmp_path).synthesize("您好，请问您要办理什么业务？", "zh_CN")
    player = SpeechPlayer(ClockedOutput(clock.monotonic), clock.monotonic)
    driver = PlaybackDriver(player)
    driver.level_changed.connect(ui.bridge.assistant_level)
    assert avatar.mouth_open == 0.0
    player.play(spoken)
    driver.started()
    mouth, envelope = [], []
    while player.playing:
        clock.advance(TICK_MS / 1000)
        driver.tick()  # what the driver's timer does every 20 ms
        if player.playing:
            mouth.append(avatar.mouth_open)
            envelope.append(spoken.level_at(clock.monotonic()))
    driver.timer.stop()
    assert len(mouth) == pytest.approx(spoken.duration_s * 1000 / TICK_MS, abs=2)
    assert np.corrcoef(mouth, envelope)[0, 1] > 0.95
    assert max(mouth) > 0.9 and mouth.count(0.0) > 3  # opens wide, closes in pauses
    # one frame late would be a different mouth: it is the level at the playback position
    assert np.corrcoef(mouth[:-5], envelope[5:])[0, 1] < np.corrcoef(mouth, envelope)[0, 1]
    assert avatar.mouth_open == 0.0  # idle once the speech is over


def test_stopping_playback_closes_the_mouth(make_ui, clock: FakeClock, tmp_path: Path) -> None:
    ui = make_ui()
    avatar = ui.window.screens["assistant"].avatar
    spoken = TextToSpeech(tmp_path).synthesize("请稍等，我来帮您查询。", "zh_CN")
    player = SpeechPlayer(ClockedOutput(clock.monotonic), clock.monotonic)
    driver = PlaybackDriver(player)
    driver.level_changed.connect(ui.bridge.assistant_level)
    player.play(spoken)
    driver.started()
    while avatar.mouth_open == 0.0 and clock.monotonic() < spoken.duration_s:
        clock.advance(TICK_MS / 1000)
        driver.tick()
    assert avatar.mouth_open > 0
    driver.request_stop()  # from "another thread": queued to the UI thread
    assert avatar.mouth_open > 0
    from PySide6.QtWidgets import QApplication

    QApplication.processEvents()
    assert avatar.mouth_open == 0.0 and not player.playing and not driver.timer.isActive()


def test_microphone_button_modes(make_ui, qtbot) -> None:
    ui = make_ui()
    ui.start_session()
    ui.bridge.show_assistant()
    screen = ui.window.screens["assistant"]
    mic = ui.window.findChild(QPushButton, "AssistantMicButton")
    requests: list[bool] = []
    ui.bridge.listen_requested.connect(requests.append)
    assert not mic.isVisible()  # no voice: touch and typing only
    ui.bridge.assistant_voice.emit("tap")
    assert mic.isVisible() and mic.text() == "点击说话"
    qtbot.mouseClick(mic, Qt.MouseButton.LeftButton)
    assert requests == [True]
    ui.bridge.assistant_voice.emit("listening")
    assert mic.isChecked() and screen.avatar.listening
    qtbot.mouseClick(mic, Qt.MouseButton.LeftButton)
    assert requests == [True, False]
    ui.bridge.assistant_voice.emit("hold")
    qtbot.mousePress(mic, Qt.MouseButton.LeftButton)
    assert requests[-1] is True
    ui.bridge.assistant_voice.emit("listening")
    qtbot.mouseRelease(mic, Qt.MouseButton.LeftButton)
    assert requests == [True, False, True, False]
    ui.bridge.assistant_partial.emit("我想问一下")
    assert screen.partial.isVisible() and screen.partial.text().startswith("我想问一下")
    ui.bridge.assistant_partial.emit("")
    assert not screen.partial.isVisible()
    ui.set_language("en")
    ui.bridge.assistant_voice.emit("tap")
    assert mic.text() == "Tap to talk"


@pytest.mark.skipif(
    QMediaDevices.defaultAudioOutput().isNull(),
    reason="no audio output device here (CI has no sound card); the recording output "
    "tests cover the same scheduling",
)
def test_the_qt_audio_output_plays_speech(qtbot, tmp_path: Path) -> None:
    import time

    from kiosk.ui.speech_out import QtAudioOut

    spoken = TextToSpeech(tmp_path).synthesize("你好", "zh_CN")
    player = SpeechPlayer(QtAudioOut(), time.monotonic)
    driver = PlaybackDriver(player)
    player.play(spoken)
    driver.started()
    qtbot.waitUntil(lambda: not player.playing, timeout=int(spoken.duration_s * 1000) + 5000)


def _text_only_voice(ui, tmp_path: Path, **kwargs):  # type: ignore[no-untyped-def]
    import dataclasses

    from kiosk.booth.voice import BoothVoice
    from kiosk.config import load_config

    config = load_config(environ={})
    config = dataclasses.replace(
        config, speech=dataclasses.replace(config.speech, models_dir=str(tmp_path / "none"))
    )
    voice = BoothVoice(
        config,
        ui.clock,
        output=ClockedOutput(ui.clock.monotonic),
        tts=TextToSpeech(tmp_path / "tts"),
        answer=lambda text, lang: f"答：{text}",
        **kwargs,
    )
    voice.attach(ui)
    return voice


def test_without_a_model_the_clerk_answers_typed_questions_aloud(
    make_ui, qtbot, tmp_path: Path
) -> None:
    from PySide6.QtWidgets import QLineEdit

    ui = make_ui()
    ui.start_session()
    ui.bridge.show_assistant()
    voice = _text_only_voice(ui, tmp_path)
    try:
        mic = ui.window.findChild(QPushButton, "AssistantMicButton")
        assert not mic.isVisible() and voice.recognizer is None  # touch and typing only
        box = ui.window.findChild(QLineEdit, "AssistantInput")
        box.setText("公积金怎么提")
        with qtbot.waitSignal(voice.driver.level_changed, timeout=30_000):
            qtbot.keyClick(box, Qt.Key.Key_Return)
        screen = ui.window.screens["assistant"]
        assert screen.turns == [("citizen", "公积金怎么提"), ("clerk", "答：公积金怎么提")]
        assert voice.player.playing and voice.spoken[-1].caption == "答：公积金怎么提"
        assert ui.window.footer.captions.text() == "答：公积金怎么提"
        ui.end_session("citizen")  # the citizen leaves: silence at once
        assert not voice.player.playing and voice.spoken == []
    finally:
        voice.close()


def test_no_answers_from_the_knowledge_base_while_a_service_conversation_runs(
    make_ui, tmp_path: Path
) -> None:
    ui = make_ui()
    ui.start_session()
    ui.bridge.show_assistant()
    asked: list[str] = []
    voice = _text_only_voice(ui, tmp_path, conversation_running=lambda: True)
    voice.answer = lambda text, lang: asked.append(text) or ""
    try:
        ui.bridge.assistant_answered.emit("五万")
        voice._answers.shutdown(wait=True)  # whatever was queued has run
        assert asked == []
    finally:
        voice.close()


def test_the_done_screens_outcome_is_said_aloud_in_the_citizens_language(
    make_ui, qtbot, tmp_path: Path
) -> None:
    from kiosk.ui.viewmodels import DoneView, Plain

    ui = make_ui()
    ui.start_session()
    ui.set_language("en")
    voice = _text_only_voice(ui, tmp_path)
    try:
        with qtbot.waitSignal(voice.driver.level_changed, timeout=30_000):
            ui.bridge.show_done(DoneView(Plain("Withdrawal"), Plain("Receipt"), state="referred"))
            ui.bridge.show_screen("done")
        assert voice.player.playing
        said = voice.spoken[-1]
        assert said.caption.startswith("Submitted: a clerk will review it. Your application")
        assert ui.window.footer.captions.text() == said.caption
    finally:
        voice.close()
