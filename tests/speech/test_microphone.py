"""The recognizer's audio sources: a WAV file as the microphone, 48 kHz brought to 16 kHz."""

from __future__ import annotations

import threading
import wave
from pathlib import Path

import numpy as np

from kiosk.speech.audio_files import wav_as_pcm16
from kiosk.speech.microphone import Downsampler, WavMicrophone


def test_downsampling_keeps_speech_band_and_drops_nothing() -> None:
    rate = 48000
    t = np.arange(rate) / rate
    tone = (8000 * np.sin(2 * np.pi * 440 * t)).astype(np.int16)
    down = Downsampler()
    pcm = b"".join(down(piece) for piece in np.array_split(tone, 7))  # uneven chunks
    out = np.frombuffer(pcm, dtype="<i2").astype(float)
    assert len(out) == 16000
    expected = 8000 * np.sin(2 * np.pi * 440 * (np.arange(16000) * 3 + 1) / rate)
    assert np.max(np.abs(out - expected)) < 0.02 * 8000  # a 440 Hz tone passes unchanged
    spectrum = np.abs(np.fft.rfft(out))
    assert np.argmax(spectrum) == 440  # 1 Hz bins over one second


def test_a_wav_file_is_delivered_whole_then_ends(tmp_path: Path) -> None:
    path = tmp_path / "speech.wav"
    samples = (np.sin(np.arange(22050 * 2) / 10) * 9000).astype("<i2")
    with wave.open(str(path), "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(22050)  # as espeak-ng writes it: resampled to 16 kHz
        writer.writeframes(samples.tobytes())
    got: list[bytes] = []
    ended = threading.Event()
    mic = WavMicrophone(path)
    mic.start(got.append, ended.set)
    assert ended.wait(10)
    mic.stop()
    assert b"".join(got) == wav_as_pcm16(path)
    assert all(len(chunk) == 3200 for chunk in got[:-1])  # 100 ms chunks
