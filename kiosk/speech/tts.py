"""Speech out: espeak-ng to a WAV file, with captions and a level envelope for the avatar.

Playback belongs to the UI (Qt); this module gives it everything it needs as plain data:
the WAV bytes (and file), the caption text (always, even when synthesis fails, so the
screen still shows what the clerk says), and the loudness over time in 0..1 so the
digital clerk's mouth can follow the speech. Elderly mode speaks slower and louder.
"""

from __future__ import annotations

import io
import logging
import shutil
import subprocess  # nosec B404 # espeak-ng with an argument list; text goes to stdin
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kiosk.core.errors import XiaowuError

log = logging.getLogger(__name__)

# espeak-ng 1.51's "cmn" voice turns characters into pinyin and then reads the syllables
# and tone digits as English words ("qing three wen four"); "cmn-latn-pinyin" speaks the
# same pinyin as Mandarin (and still reads capitalised Latin such as "ID" as English).
VOICES = {"zh_CN": "cmn-latn-pinyin", "zh_HK": "yue", "en": "en"}


class SpeechOutputError(XiaowuError):
    """Text could not be turned into speech (captions still show it)."""

    code = "speech_out"


@dataclass(frozen=True, slots=True)
class Voice:
    speed_wpm: int  # espeak-ng -s
    amplitude: int  # espeak-ng -a (0-200)
    pitch: int  # espeak-ng -p (0-99)


NORMAL = Voice(speed_wpm=165, amplitude=100, pitch=50)
ELDERLY = Voice(speed_wpm=120, amplitude=180, pitch=45)


@dataclass(frozen=True, slots=True)
class SpokenText:
    """One thing the clerk says: caption, audio and the mouth's envelope."""

    caption: str
    lang: str
    wav: bytes = b""  # a complete WAV file; empty when synthesis failed
    sample_rate: int = 0
    duration_s: float = 0.0
    envelope: tuple[float, ...] = ()  # level 0..1, one value per 1/envelope_hz seconds
    envelope_hz: float = 50.0
    path: Path | None = None  # the WAV on disk, for players that want a file
    elderly: bool = False

    def level_at(self, seconds: float) -> float:
        """The mouth opening at ``seconds`` into playback (0 before and after)."""
        index = int(seconds * self.envelope_hz)
        return self.envelope[index] if 0 <= index < len(self.envelope) else 0.0


class TextToSpeech:
    """espeak-ng behind a small API; ``synthesize`` blocks (run it off the UI thread)."""

    def __init__(
        self,
        out_dir: Path | None = None,
        espeak: str = "espeak-ng",
        envelope_hz: float = 50.0,
        normal: Voice = NORMAL,
        elderly: Voice = ELDERLY,
        timeout_s: float = 30.0,
        mandarin_voice: str = "",
    ) -> None:
        """``mandarin_voice``: the espeak-ng voice for zh_CN (``[speech] voice``, e.g. an
        mbrola voice installed on the booth); empty: ``VOICES["zh_CN"]``."""
        self._languages = {**VOICES, **({"zh_CN": mandarin_voice} if mandarin_voice else {})}
        self._out_dir = out_dir or Path(tempfile.mkdtemp(prefix="xiaowu-tts-"))
        self._espeak = espeak
        self._hz = envelope_hz
        self._voices = {False: normal, True: elderly}
        self._timeout = timeout_s
        self._count = 0

    @property
    def available(self) -> bool:
        return shutil.which(self._espeak) is not None

    def synthesize(self, text: str, lang: str = "zh_CN", *, elderly: bool = False) -> SpokenText:
        """Speak ``text`` in ``lang`` into a WAV file. Raises :class:`SpeechOutputError`."""
        voice = self._voices[elderly]
        self._out_dir.mkdir(parents=True, exist_ok=True)
        self._count += 1
        path = self._out_dir / f"say-{self._count:05d}.wav"
        command = [
            self._espeak,
            "-v",
            self._languages.get(lang, self._languages["zh_CN"]),
            "-s",
            str(voice.speed_wpm),
            "-a",
            str(voice.amplitude),
            "-p",
            str(voice.pitch),
            "-w",
            str(path),
            "--stdin",
        ]
        try:
            subprocess.run(  # nosec B603 # fixed binary, list args, the text only on stdin
                command,
                input=text.encode("utf-8"),
                check=True,
                capture_output=True,
                timeout=self._timeout,
            )
            wav = path.read_bytes()
        except (OSError, subprocess.SubprocessError) as exc:
            raise SpeechOutputError(f"espeak-ng failed: {exc}") from exc
        rate, samples = _decode(wav)
        return SpokenText(
            caption=text,
            lang=lang,
            wav=wav,
            sample_rate=rate,
            duration_s=len(samples) / rate if rate else 0.0,
            envelope=envelope(samples, rate, self._hz),
            envelope_hz=self._hz,
            path=path,
            elderly=elderly,
        )

    def say(self, text: str, lang: str = "zh_CN", *, elderly: bool = False) -> SpokenText:
        """Like :meth:`synthesize`, but a failure still returns the caption (no audio)."""
        try:
            return self.synthesize(text, lang, elderly=elderly)
        except SpeechOutputError as exc:
            log.warning("speech out unavailable: %s", exc.code)
            return SpokenText(caption=text, lang=lang, elderly=elderly)


def _decode(wav: bytes) -> tuple[int, np.ndarray]:
    with wave.open(io.BytesIO(wav), "rb") as reader:
        rate = reader.getframerate()
        raw = reader.readframes(reader.getnframes())
        channels = reader.getnchannels()
    samples = np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0
    if channels > 1:
        samples = samples.reshape(-1, channels).mean(axis=1)
    return rate, samples


def envelope(samples: np.ndarray, rate: int, hz: float = 50.0) -> tuple[float, ...]:
    """RMS level per 1/hz seconds, scaled so the loudest frame is 1."""
    if rate <= 0 or len(samples) == 0:
        return ()
    step = max(1, int(rate / hz))
    frames = len(samples) // step + (1 if len(samples) % step else 0)
    padded = np.zeros(frames * step, dtype=np.float32)
    padded[: len(samples)] = samples
    rms = np.sqrt(np.mean(padded.reshape(frames, step) ** 2, axis=1))
    peak = float(rms.max())
    if peak <= 0:
        return tuple(0.0 for _ in range(frames))
    return tuple(float(round(v, 4)) for v in rms / peak)
