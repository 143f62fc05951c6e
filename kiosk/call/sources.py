"""Where the booth's outgoing pictures and sound come from.

A :class:`FrameSource` hands out the latest picture of one camera as an RGB array
(height x width x 3, uint8); an :class:`AudioSource` hands out microphone samples
(48 kHz mono int16). The call module pulls from them at its own frame rate, so a camera
that delivers faster or slower than the call sends is never a problem.

- :class:`SyntheticPattern`: a moving test pattern with a label ("FACE", "DOC"), the
  time and a frame counter drawn as blocks that survive video compression
  (:func:`read_counter` reads it back), for the demo, tests and benchmarks.
- :class:`FileFrameSource`: the frames of a video file, looped.
- :class:`PushFrameSource` / :class:`PushAudioSource`: a real device adapter (the UI's
  QtMultimedia cameras and microphone) pushes into these from any thread.

Sources refuse to deliver anything until started: the call starts them only after the
citizen's consent.
"""

from __future__ import annotations

import threading
from fractions import Fraction
from pathlib import Path
from typing import Any, Protocol

import cv2
import numpy as np
import numpy.typing as npt

from kiosk.core.clock import Clock

RGB = npt.NDArray[np.uint8]
PCM = npt.NDArray[np.int16]
SAMPLE_RATE = 48_000

COUNTER_BITS = 16
TICKS_PER_S = 60  # the synthetic counter advances 60 times a second
_BLOCK_W, _BLOCK_H = 40, 24
_COLOURS = {"FACE": (190, 40, 40), "DOC": (40, 40, 190)}


class FrameSource(Protocol):
    """One camera: ``read()`` returns its latest RGB frame, or None before the first."""

    label: str

    def start(self) -> None: ...

    def stop(self) -> None: ...

    @property
    def active(self) -> bool: ...

    def read(self) -> RGB | None: ...


class AudioSource(Protocol):
    """One microphone: ``read(n)`` returns ``n`` samples (48 kHz, mono, int16)."""

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def read(self, samples: int) -> PCM: ...


def label_colour(label: str) -> tuple[int, int, int]:
    """The background colour of a synthetic pattern with this label (RGB)."""
    return _COLOURS.get(label, (40, 150, 40))


def read_counter(rgb: RGB) -> int:
    """The frame counter drawn by :class:`SyntheticPattern` into the top row of ``rgb``."""
    value = 0
    for bit in range(COUNTER_BITS):
        x = bit * _BLOCK_W
        block = rgb[4 : _BLOCK_H - 4, x + 8 : x + _BLOCK_W - 8]
        if block.size and float(block.mean()) > 127.0:
            value |= 1 << bit
    return value


class SyntheticPattern:
    """A moving test pattern that tells what it is and when it was drawn."""

    def __init__(self, label: str, clock: Clock, width: int = 640, height: int = 480) -> None:
        if width < COUNTER_BITS * _BLOCK_W or height < 120:
            raise ValueError("pattern must be at least 640x120 to carry its counter")
        self.label = label
        self._clock = clock
        self._background = np.empty((height, width, 3), np.uint8)
        self._background[:] = label_colour(label)
        self._tick = -1
        self._frame: RGB | None = None
        self._active = False

    def start(self) -> None:
        self._active = True

    def stop(self) -> None:
        self._active = False

    @property
    def active(self) -> bool:
        return self._active

    def read(self) -> RGB | None:
        """The pattern at this moment; readers within the same tick share one frame."""
        if not self._active:
            return None
        tick = int(self._clock.monotonic() * TICKS_PER_S)
        if tick == self._tick and self._frame is not None:
            return self._frame
        self._tick = tick
        count = tick % (1 << COUNTER_BITS)
        frame = self._background.copy()
        height, width = frame.shape[:2]
        bar = 60 + (count * 4) % (width - 100)  # the left edge stays the plain colour
        frame[_BLOCK_H + 8 :, bar : bar + 40] = 235
        for bit in range(COUNTER_BITS):
            frame[:_BLOCK_H, bit * _BLOCK_W : (bit + 1) * _BLOCK_W] = 255 if count >> bit & 1 else 0
        stamp = f"{self._clock.monotonic():10.2f}"
        cv2.putText(
            frame, self.label, (40, height // 2), cv2.FONT_HERSHEY_SIMPLEX, 3, (255, 255, 255), 6
        )
        cv2.putText(
            frame, stamp, (40, height - 40), cv2.FONT_HERSHEY_SIMPLEX, 1.2, (255, 255, 255), 2
        )
        self._frame = frame
        return frame


class FileFrameSource:
    """The frames of a video file, one per ``read()``, starting over at the end."""

    def __init__(self, path: str | Path, label: str = "FILE") -> None:
        self.label = label
        self._path = Path(path)
        self._container: Any = None
        self._frames: Any = None
        self._lock = threading.Lock()

    def start(self) -> None:
        import av

        with self._lock:
            if self._container is None:
                self._container = av.open(str(self._path))
                self._frames = self._container.decode(video=0)

    def stop(self) -> None:
        with self._lock:
            if self._container is not None:
                self._container.close()
            self._container = self._frames = None

    @property
    def active(self) -> bool:
        return self._container is not None

    def read(self) -> RGB | None:
        with self._lock:
            if self._container is None:
                return None
            for _attempt in range(2):
                try:
                    frame = next(self._frames)
                except StopIteration:
                    self._container.seek(0)
                    self._frames = self._container.decode(video=0)
                    continue
                rgb: RGB = frame.to_ndarray(format="rgb24")
                return rgb
            return None


class PushFrameSource:
    """A camera whose frames are pushed in by a device adapter, from any thread.

    A push while the source is stopped is dropped: no picture leaves the camera
    adapter before the call has started the source (after consent).
    """

    def __init__(self, label: str) -> None:
        self.label = label
        self._lock = threading.Lock()
        self._latest: RGB | None = None
        self._active = False

    def start(self) -> None:
        with self._lock:
            self._active = True

    def stop(self) -> None:
        with self._lock:
            self._active = False
            self._latest = None

    @property
    def active(self) -> bool:
        return self._active

    def push(self, rgb: RGB) -> bool:
        """Offer a new frame (RGB, HxWx3 uint8); False when the source is stopped."""
        if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
            raise ValueError("frames must be HxWx3 uint8 RGB")
        with self._lock:
            if not self._active:
                return False
            self._latest = rgb
            return True

    def read(self) -> RGB | None:
        with self._lock:
            return self._latest


class ToneSource:
    """A sine tone (or silence with ``frequency=0``), phase-continuous across reads."""

    def __init__(self, frequency: float = 440.0, amplitude: float = 0.2) -> None:
        self._frequency = frequency
        self._amplitude = amplitude
        self._phase = 0
        self._active = False

    def start(self) -> None:
        self._active = True

    def stop(self) -> None:
        self._active = False

    def read(self, samples: int) -> PCM:
        if not self._active or self._frequency <= 0:
            return np.zeros(samples, np.int16)
        t = (np.arange(samples) + self._phase) / SAMPLE_RATE
        self._phase += samples
        wave = np.sin(2 * np.pi * self._frequency * t) * self._amplitude * 32767
        return wave.astype(np.int16)


class PushAudioSource:
    """A microphone whose samples are pushed in by a device adapter, from any thread.

    Keeps at most ``max_seconds`` of sound; a read with too little buffered is padded
    with silence so the call never waits for the microphone.
    """

    def __init__(self, max_seconds: float = 0.5) -> None:
        self._lock = threading.Lock()
        self._buffer = np.zeros(0, np.int16)
        self._max = int(max_seconds * SAMPLE_RATE)
        self._active = False

    def start(self) -> None:
        with self._lock:
            self._active = True

    def stop(self) -> None:
        with self._lock:
            self._active = False
            self._buffer = np.zeros(0, np.int16)

    def push(self, samples: PCM) -> None:
        with self._lock:
            if self._active:
                self._buffer = np.concatenate([self._buffer, samples.astype(np.int16)])
                self._buffer = self._buffer[-self._max :]

    def read(self, samples: int) -> PCM:
        with self._lock:
            out = self._buffer[:samples]
            self._buffer = self._buffer[samples:]
        if len(out) < samples:
            out = np.concatenate([out, np.zeros(samples - len(out), np.int16)])
        return out


VIDEO_TIME_BASE = Fraction(1, 90_000)
AUDIO_TIME_BASE = Fraction(1, SAMPLE_RATE)
