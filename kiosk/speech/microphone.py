"""Where the recognizer's audio comes from: one interface, a real microphone or a WAV file.

A :class:`Microphone` delivers 16 kHz mono 16-bit PCM to ``on_pcm`` in chunks, from any
thread, between :meth:`Microphone.start` and :meth:`Microphone.stop`; ``on_end`` is
called when the source has no more audio (a file's end). On a booth it is the
QtMultimedia microphone (``kiosk.ui.qt_media.QtMicrophone``, 48 kHz, brought down to
16 kHz by :class:`Downsampler`); in tests and the demo it is :class:`WavMicrophone`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

import numpy as np

from kiosk.speech.audio_files import chunks, wav_as_pcm16

RATE = 16000


class Microphone(Protocol):
    def start(self, on_pcm: Callable[[bytes], None], on_end: Callable[[], None]) -> None: ...

    def stop(self) -> None: ...


class Downsampler:
    """48 kHz int16 samples to 16 kHz PCM bytes: the mean of each three samples (a
    boxcar low-pass, enough against aliasing for speech recognition)."""

    def __init__(self, factor: int = 3) -> None:
        self._factor = factor
        self._rest = np.zeros(0, dtype=np.int16)

    def __call__(self, samples: np.ndarray) -> bytes:
        data = np.concatenate([self._rest, np.asarray(samples, dtype=np.int16)])
        whole = len(data) - len(data) % self._factor
        self._rest = data[whole:]
        mean = data[:whole].astype(np.int32).reshape(-1, self._factor).mean(axis=1)
        pcm: bytes = mean.astype("<i2").tobytes()
        return pcm


class WavMicrophone:
    """A WAV file as the microphone: its audio in ``chunk_s`` chunks from a thread, at
    the pace it was spoken (``paced``, the demo) or as fast as it can be read (tests)."""

    def __init__(self, path: Path, *, paced: bool = False, chunk_s: float = 0.1) -> None:
        self.path = path
        self._paced = paced
        self._chunk_s = chunk_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, on_pcm: Callable[[bytes], None], on_end: Callable[[], None]) -> None:
        if self._thread is not None:
            return
        pcm = wav_as_pcm16(self.path, RATE)
        self._stop.clear()

        def run() -> None:
            for chunk in chunks(pcm, self._chunk_s, RATE):
                if self._stop.is_set():
                    return
                on_pcm(chunk)
                if self._paced and self._stop.wait(self._chunk_s):
                    return  # stopped while "speaking"
            on_end()

        self._thread = threading.Thread(target=run, name="wav-microphone", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(5.0)
