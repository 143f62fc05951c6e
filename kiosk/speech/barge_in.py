"""Barge-in: when the citizen starts speaking, the clerk stops talking.

The UI plays the clerk's speech (Qt) and implements :class:`Playback`; the recognizer
reports :class:`~kiosk.speech.vad.SpeechStarted`. :class:`BargeIn` joins the two: while
the clerk speaks, the voice-activity detector is made less sensitive (the loudspeaker
must not count as the citizen, on booths without echo cancellation), and speech that
still gets through stops playback at once.
"""

from __future__ import annotations

import threading
from typing import Protocol

from kiosk.speech.vad import SpeechStarted, VoiceActivityDetector


class Playback(Protocol):
    """The UI's player of the clerk's speech."""

    def stop(self) -> None:
        """Stop playing now (called from the recognizer's thread: queue it to the UI)."""
        ...


class BargeIn:
    def __init__(
        self,
        playback: Playback,
        vad: VoiceActivityDetector | None = None,
        speaking_sensitivity: float = 3.0,
    ) -> None:
        self._playback = playback
        self._vad = vad
        self._factor = speaking_sensitivity
        self._lock = threading.Lock()
        self._speaking = False
        self._quiet_min_rms = vad.min_rms if vad else 0.0
        self.interruptions = 0

    @property
    def speaking(self) -> bool:
        return self._speaking

    def speech_started(self) -> None:
        """The UI started playing the clerk's speech."""
        with self._lock:
            self._speaking = True
            if self._vad is not None:
                self._vad.min_rms = self._quiet_min_rms * self._factor

    def speech_finished(self) -> None:
        """Playback ended (or was stopped)."""
        with self._lock:
            self._speaking = False
            if self._vad is not None:
                self._vad.min_rms = self._quiet_min_rms

    def on_event(self, event: object) -> bool:
        """Feed every recognition event; True when it interrupted the clerk."""
        if not isinstance(event, SpeechStarted):
            return False
        with self._lock:
            if not self._speaking:
                return False
            self._speaking = False
            if self._vad is not None:
                self._vad.min_rms = self._quiet_min_rms
            self.interruptions += 1
        self._playback.stop()
        return True
