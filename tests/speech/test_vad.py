"""Voice-activity endpointing on synthetic audio with known speech times."""

from __future__ import annotations

import numpy as np
import pytest

from kiosk.speech.vad import SpeechEnded, SpeechStarted, VoiceActivityDetector

RATE = 16000


def _tone(seconds: float, amplitude: float = 0.3) -> np.ndarray:
    t = np.arange(int(RATE * seconds)) / RATE
    return amplitude * np.sin(2 * np.pi * 220 * t)


def _noise(seconds: float, level: float = 0.002) -> np.ndarray:
    return np.random.default_rng(7).normal(0, level, int(RATE * seconds))


def _pcm(samples: np.ndarray) -> bytes:
    return (samples * 32767).astype("<i2").tobytes()


def test_finds_start_and_end_of_each_utterance_whatever_the_chunk_size() -> None:
    audio = np.concatenate([_noise(1.0), _tone(0.8), _noise(1.0), _tone(0.5), _noise(1.0)])
    for chunk_s in (0.01, 0.1, 0.37):
        vad = VoiceActivityDetector(RATE, end_silence_ms=400)
        pcm = _pcm(audio)
        size = int(RATE * chunk_s) * 2
        events = [e for i in range(0, len(pcm), size) for e in vad.feed(pcm[i : i + size])]
        assert [type(e) for e in events] == [SpeechStarted, SpeechEnded] * 2
        assert events[0].at_s == pytest.approx(1.0, abs=0.03)
        assert events[1].at_s == pytest.approx(1.8, abs=0.03)
        assert events[2].at_s == pytest.approx(2.8, abs=0.03)
        assert events[3].at_s == pytest.approx(3.3, abs=0.03)


def test_a_click_is_not_speech_and_an_open_utterance_ends_with_the_stream() -> None:
    vad = VoiceActivityDetector(RATE)
    assert vad.feed(_pcm(np.concatenate([_noise(0.5), _tone(0.02), _noise(0.5)]))) == []
    events = vad.feed(_pcm(_tone(0.5)))
    assert [type(e) for e in events] == [SpeechStarted]
    assert vad.finish() == [SpeechEnded(pytest.approx(1.52, abs=0.03))]


def test_odd_byte_count_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        VoiceActivityDetector().feed(b"\x00\x01\x02")
