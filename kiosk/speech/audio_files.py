"""Reading WAV files as the recognizer's input: 16 kHz, mono, 16-bit PCM bytes."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np

from kiosk.core.errors import XiaowuError


class AudioFileError(XiaowuError):
    """The audio file cannot be read as speech."""

    code = "audio_file"


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """Samples as float32 mono in [-1, 1] and the sample rate."""
    try:
        with wave.open(str(path), "rb") as wav:
            width = wav.getsampwidth()
            channels = wav.getnchannels()
            rate = wav.getframerate()
            raw = wav.readframes(wav.getnframes())
    except (OSError, EOFError, wave.Error) as exc:
        raise AudioFileError(f"{path}: not a readable WAV file ({exc})") from exc
    if width != 2:
        raise AudioFileError(f"{path}: {8 * width}-bit audio; 16-bit PCM is needed")
    samples = np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0
    if channels > 1:
        samples = samples.reshape(-1, channels).mean(axis=1)
    return samples, rate


def resample(samples: np.ndarray, rate: int, target: int) -> np.ndarray:
    """Linear-interpolation resampling (enough for speech going into a recognizer)."""
    if rate == target or len(samples) == 0:
        return samples
    n = round(len(samples) * target / rate)
    positions = np.linspace(0, len(samples) - 1, n)
    out: np.ndarray = np.interp(positions, np.arange(len(samples)), samples)
    return out.astype(np.float32)


def to_pcm16(samples: np.ndarray) -> bytes:
    pcm: bytes = (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2").tobytes()
    return pcm


def wav_as_pcm16(path: Path, rate: int = 16000) -> bytes:
    """The WAV file at ``path`` as ``rate`` Hz mono 16-bit little-endian PCM."""
    samples, source_rate = read_wav(path)
    return to_pcm16(resample(samples, source_rate, rate))


def chunks(pcm: bytes, seconds: float = 0.1, rate: int = 16000) -> list[bytes]:
    """``pcm`` cut into chunks of ``seconds``, as a microphone delivers it."""
    size = int(rate * seconds) * 2
    return [pcm[i : i + size] for i in range(0, len(pcm), size)]
