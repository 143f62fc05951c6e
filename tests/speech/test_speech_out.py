"""espeak-ng speech out: WAV, captions, envelope, elderly mode; barge-in."""

from __future__ import annotations

import io
import wave
from pathlib import Path

import numpy as np
import pytest

from kiosk.speech.barge_in import BargeIn
from kiosk.speech.tts import SpeechOutputError, TextToSpeech, envelope
from kiosk.speech.vad import SpeechEnded, SpeechStarted, VoiceActivityDetector


def _rms(wav: bytes) -> float:
    with wave.open(io.BytesIO(wav)) as reader:
        x = np.frombuffer(reader.readframes(reader.getnframes()), dtype="<i2").astype(float)
    return float(np.sqrt(np.mean(x * x)))


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("zh_CN", "您好，请问要办理什么业务？"),
        ("zh_HK", "您好，請問要辦理甚麼業務？"),
        ("en", "Hello, how can I help?"),
    ],
)
def test_each_language_speaks_to_a_wav_with_an_envelope(
    tmp_path: Path, lang: str, text: str
) -> None:
    spoken = TextToSpeech(tmp_path).synthesize(text, lang)
    assert spoken.caption == text and spoken.path and spoken.path.read_bytes() == spoken.wav
    assert spoken.duration_s > 0.5
    assert len(spoken.envelope) == pytest.approx(spoken.duration_s * 50, abs=1)
    assert max(spoken.envelope) == 1.0 and min(spoken.envelope) < 0.05  # pauses close it
    assert spoken.level_at(-1) == 0.0 and spoken.level_at(spoken.duration_s + 1) == 0.0


def test_elderly_mode_is_slower_and_louder(tmp_path: Path) -> None:
    tts = TextToSpeech(tmp_path)
    text = "请把身份证放到高拍仪下面。"
    normal = tts.synthesize(text)
    elderly = tts.synthesize(text, elderly=True)
    assert elderly.duration_s > normal.duration_s * 1.2
    assert _rms(elderly.wav) > _rms(normal.wav) * 1.3


def test_failure_keeps_the_caption(tmp_path: Path) -> None:
    tts = TextToSpeech(tmp_path, espeak="/nonexistent/espeak-ng")
    assert not tts.available
    with pytest.raises(SpeechOutputError):
        tts.synthesize("你好")
    spoken = tts.say("你好")
    assert spoken.caption == "你好" and spoken.wav == b"" and spoken.envelope == ()


def test_envelope_follows_the_level() -> None:
    rate = 1000
    quiet, loud = np.full(100, 0.1), np.full(100, 0.4)
    levels = envelope(np.concatenate([quiet, loud, np.zeros(100)]), rate, hz=100)
    assert levels == (0.25,) * 10 + (1.0,) * 10 + (0.0,) * 10


class _Player:
    def __init__(self) -> None:
        self.stopped = 0

    def stop(self) -> None:
        self.stopped += 1


def test_barge_in_stops_playback_only_while_speaking() -> None:
    player = _Player()
    vad = VoiceActivityDetector(min_rms=200)
    barge = BargeIn(player, vad)
    assert not barge.on_event(SpeechStarted(0.0))  # the clerk is silent: nothing to stop
    barge.speech_started()
    assert vad.min_rms == 600  # the loudspeaker must not count as the citizen
    assert not barge.on_event(SpeechEnded(1.0))
    assert barge.on_event(SpeechStarted(2.0))
    assert player.stopped == 1 and barge.interruptions == 1 and vad.min_rms == 200
    barge.speech_started()
    barge.speech_finished()
    assert not barge.on_event(SpeechStarted(3.0)) and player.stopped == 1


@pytest.mark.parametrize("lang", ["zh_CN", "zh_HK"])
def test_chinese_is_spoken_as_chinese_not_as_english_pinyin(lang: str) -> None:
    import subprocess

    from kiosk.speech.tts import VOICES

    phonemes = subprocess.run(
        ["espeak-ng", "-v", VOICES[lang], "-x", "-q", "请问您要提取多少钱"],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout
    assert phonemes.strip() and "(en)" not in phonemes  # no switch to English mid-sentence


def test_the_configured_mandarin_voice_is_the_one_spoken(tmp_path: Path) -> None:
    text = "您好，请问要办理什么业务？"
    cantonese = TextToSpeech(tmp_path / "a").synthesize(text, "zh_HK").wav
    default = TextToSpeech(tmp_path / "b").synthesize(text, "zh_CN").wav
    configured = TextToSpeech(tmp_path / "c", mandarin_voice="yue")
    assert default != cantonese  # the two voices do sound different
    assert configured.synthesize(text, "zh_CN").wav == cantonese  # [speech] voice = "yue"
    assert (
        configured.synthesize("Hello", "en").wav
        == TextToSpeech(tmp_path / "d").synthesize("Hello", "en").wav
    )  # the other languages keep their voices
