"""Playing the clerk's speech: scheduling PCM into an audio output, the mouth's level, barge-in.

Theory of operation::

    SpokenText (WAV + envelope) --play()--> SpeechPlayer --write(pcm)--> AudioOut
                                               ^                            |
                        pump() on a UI timer --+       played_s() <---------+
                                               |
                 level() = envelope at played_s()  (the avatar's mouth)
                 stop()  = barge-in: the output is dropped at once

:class:`SpeechPlayer` holds no thread and no timer: the UI calls :meth:`SpeechPlayer.pump`
every few tens of milliseconds (a ``QTimer``), and each pump tops the output's buffer up
to ``buffer_s`` ahead of what has been played, so nothing ever blocks the event loop and
a stop takes effect within one buffer. What has been *played* is the output's own
figure (``QAudioSink.processedUSecs`` on a booth), so the mouth follows the sound, not
the writing. Without an audio device (CI, a booth whose speaker is broken),
:class:`ClockedOutput` plays into nothing at the pace of an injected clock and keeps the
PCM it was given: the same code runs up to the device, captions and mouth included.
"""

from __future__ import annotations

import io
import wave
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Protocol

from kiosk.speech.tts import SpokenText

BYTES_PER_SAMPLE = 2  # mono 16-bit little-endian everywhere in the booth's speech


class AudioOut(Protocol):
    """An audio output taking mono 16-bit PCM (``QAudioSink`` on a booth)."""

    def open(self, sample_rate: int, volume: float) -> None:
        """Get ready to play ``sample_rate`` Hz mono PCM at ``volume`` (0..1)."""
        ...

    def write(self, pcm: bytes) -> int:
        """Queue ``pcm`` for playing; returns how many bytes were taken."""
        ...

    def played_s(self) -> float:
        """Seconds of audio actually played since :meth:`open`."""
        ...

    def close(self) -> None:
        """Stop at once, dropping what is queued."""
        ...


class PlayState(Enum):
    IDLE = "idle"
    PLAYING = "playing"


@dataclass(frozen=True, slots=True)
class PlaybackStarted:
    """The first audio of ``caption`` went to the output."""

    caption: str
    at: float  # the clock's time of the first write


@dataclass(frozen=True, slots=True)
class PlaybackEnded:
    caption: str
    interrupted: bool  # stopped (barge-in, a new utterance) before its end


PlaybackEvent = PlaybackStarted | PlaybackEnded

VOLUME = {False: 0.85, True: 1.0}  # elderly mode: the output at full volume (and espeak louder)


def wav_pcm16(wav: bytes) -> tuple[bytes, int]:
    """A WAV file's audio as mono 16-bit PCM and its sample rate."""
    with wave.open(io.BytesIO(wav), "rb") as reader:
        if reader.getsampwidth() != BYTES_PER_SAMPLE:
            raise ValueError("speech WAV must be 16-bit")
        channels, rate = reader.getnchannels(), reader.getframerate()
        raw = reader.readframes(reader.getnframes())
    if channels > 1:
        import numpy as np

        samples = np.frombuffer(raw, dtype="<i2").reshape(-1, channels).mean(axis=1)
        raw = samples.astype("<i2").tobytes()
    return raw, rate


class SpeechPlayer:
    """Plays one :class:`SpokenText` at a time into an :class:`AudioOut` (UI thread only)."""

    def __init__(
        self,
        output: AudioOut,
        monotonic: Callable[[], float],
        on_event: Callable[[PlaybackEvent], None] | None = None,
        *,
        buffer_s: float = 0.2,
    ) -> None:
        self._out = output
        self._monotonic = monotonic
        self._on_event = on_event or (lambda _event: None)
        self._buffer_s = buffer_s
        self.state = PlayState.IDLE
        self.spoken: SpokenText | None = None
        self._pcm = b""
        self._rate = 0
        self._written = 0
        self._started = False

    @property
    def playing(self) -> bool:
        return self.state is PlayState.PLAYING

    def play(self, spoken: SpokenText) -> bool:
        """Start speaking ``spoken`` (stopping what was playing). False when it has no
        audio: the caption is all there is."""
        self.stop()
        if not spoken.wav:
            return False
        self._pcm, self._rate = wav_pcm16(spoken.wav)
        self.spoken = spoken
        self._written = 0
        self._started = False
        self._out.open(self._rate, VOLUME[spoken.elderly])
        self.state = PlayState.PLAYING
        self.pump()
        return True

    def pump(self) -> None:
        """Top the output up and notice the end; call it often (every 20-50 ms)."""
        if self.state is not PlayState.PLAYING:
            return
        ahead = int((self._out.played_s() + self._buffer_s) * self._rate) * BYTES_PER_SAMPLE
        while self._written < min(ahead, len(self._pcm)):
            taken = self._out.write(self._pcm[self._written : max(ahead, self._written)])
            if taken <= 0:
                break
            if not self._started:
                self._started = True
                self._on_event(PlaybackStarted(self._caption(), self._monotonic()))
            self._written += taken
        if self._written >= len(self._pcm) and self._out.played_s() >= self.duration_s:
            self._finish(interrupted=False)

    def stop(self) -> None:
        """Stop now (barge-in, or the screen moved on); nothing when idle."""
        if self.state is PlayState.PLAYING:
            self._finish(interrupted=True)

    @property
    def duration_s(self) -> float:
        return len(self._pcm) / BYTES_PER_SAMPLE / self._rate if self._rate else 0.0

    def position_s(self) -> float:
        return min(self._out.played_s(), self.duration_s) if self.playing else 0.0

    def level(self) -> float:
        """How open the clerk's mouth is now: the envelope where playback is (0 if idle)."""
        if self.spoken is None or not self.playing:
            return 0.0
        return self.spoken.level_at(self._out.played_s())

    def _caption(self) -> str:
        return self.spoken.caption if self.spoken else ""

    def _finish(self, *, interrupted: bool) -> None:
        self._out.close()
        self.state = PlayState.IDLE
        caption = self._caption()
        self.spoken, self._pcm, self._written = None, b"", 0
        self._on_event(PlaybackEnded(caption, interrupted))


class ClockedOutput:
    """An output with no device: it "plays" at the pace of ``monotonic`` and records the
    PCM it was given (the booth without a speaker; tests; the playback benchmark)."""

    def __init__(self, monotonic: Callable[[], float], capacity_s: float = 1.0) -> None:
        self._monotonic = monotonic
        self._capacity_s = capacity_s
        self.sample_rate = 0
        self.volume = 0.0
        self.recorded = bytearray()  # every byte written since the last open
        self.opened = 0
        self.closed = 0
        self._opened_at = 0.0
        self._is_open = False

    def open(self, sample_rate: int, volume: float) -> None:
        self.sample_rate, self.volume = sample_rate, volume
        self.recorded = bytearray()
        self._opened_at = self._monotonic()
        self._is_open = True
        self.opened += 1

    def write(self, pcm: bytes) -> int:
        if not self._is_open:
            return 0
        room = int((self.played_s() + self._capacity_s) * self.sample_rate) * BYTES_PER_SAMPLE
        taken = max(0, min(len(pcm), room - len(self.recorded)))
        taken -= taken % BYTES_PER_SAMPLE
        self.recorded += pcm[:taken]
        return taken

    def played_s(self) -> float:
        if not self._is_open or not self.sample_rate:
            return 0.0
        written_s = len(self.recorded) / BYTES_PER_SAMPLE / self.sample_rate
        return min(written_s, self._monotonic() - self._opened_at)

    def close(self) -> None:
        self._is_open = False
        self.closed += 1
