"""Voice-activity endpointing: where speech starts and ends in a stream of 16-bit PCM.

Sans-IO: ``feed(pcm) -> [events]``. Time is the audio's own (samples fed / sample rate),
so the detector needs no clock and gives the same answer at any feeding speed. A frame is
voiced when its RMS is above ``ratio`` times the running noise floor (and above
``min_rms``); speech starts after ``start_ms`` of voiced frames and ends after
``end_silence_ms`` without one. While the booth itself speaks, the UI may raise
``min_rms`` so the loudspeaker does not count as the citizen (see barge-in).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class SpeechStarted:
    """The citizen started speaking at ``at_s`` seconds into the stream."""

    at_s: float


@dataclass(frozen=True, slots=True)
class SpeechEnded:
    """The citizen stopped speaking at ``at_s`` (end of the last voiced frame)."""

    at_s: float


VadEvent = SpeechStarted | SpeechEnded


class VoiceActivityDetector:
    def __init__(
        self,
        sample_rate: int = 16000,
        frame_ms: int = 20,
        start_ms: int = 60,
        end_silence_ms: int = 500,
        min_rms: float = 200.0,
        ratio: float = 3.0,
        noise_alpha: float = 0.05,
    ) -> None:
        self.sample_rate = sample_rate
        self._frame = sample_rate * frame_ms // 1000
        self._start_frames = max(1, start_ms // frame_ms)
        self._end_frames = max(1, end_silence_ms // frame_ms)
        self.min_rms = min_rms
        self._ratio = ratio
        self._alpha = noise_alpha
        self._noise = min_rms / ratio
        self._pending = np.zeros(0, dtype=np.int16)
        self._samples = 0  # samples consumed in whole frames
        self.speaking = False
        self._voiced_run = 0
        self._silent_run = 0
        self._last_voice_end = 0.0

    @property
    def position_s(self) -> float:
        return self._samples / self.sample_rate

    def feed(self, pcm: bytes) -> list[VadEvent]:
        """Consume 16-bit little-endian mono PCM; return what happened in it."""
        if len(pcm) % 2:
            raise ValueError("PCM must be whole 16-bit samples")
        data = np.concatenate([self._pending, np.frombuffer(pcm, dtype="<i2")])
        events: list[VadEvent] = []
        whole = len(data) - len(data) % self._frame
        for start in range(0, whole, self._frame):
            frame = data[start : start + self._frame].astype(np.float64)
            rms = float(np.sqrt(np.mean(frame * frame)))
            self._samples += self._frame
            event = self._step(rms)
            if event is not None:
                events.append(event)
        self._pending = data[whole:]
        return events

    def finish(self) -> list[VadEvent]:
        """The stream ended: close an utterance still open."""
        if self.speaking:
            self.speaking = False
            self._voiced_run = self._silent_run = 0
            return [SpeechEnded(self._last_voice_end)]
        return []

    def _step(self, rms: float) -> VadEvent | None:
        voiced = rms > max(self.min_rms, self._noise * self._ratio)
        frame_s = self._frame / self.sample_rate
        if not voiced:
            self._noise = (1 - self._alpha) * self._noise + self._alpha * rms
        if not self.speaking:
            self._voiced_run = self._voiced_run + 1 if voiced else 0
            if self._voiced_run >= self._start_frames:
                self.speaking = True
                self._silent_run = 0
                self._last_voice_end = self.position_s
                return SpeechStarted(self.position_s - self._voiced_run * frame_s)
            return None
        if voiced:
            self._silent_run = 0
            self._last_voice_end = self.position_s
            return None
        self._silent_run += 1
        if self._silent_run >= self._end_frames:
            self.speaking = False
            self._voiced_run = 0
            return SpeechEnded(self._last_voice_end)
        return None
