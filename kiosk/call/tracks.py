"""Outgoing media tracks: a camera or microphone source turned into an aiortc track.

A :class:`CameraTrack` pulls the latest frame of its :class:`FrameSource` at a fixed
frame rate. While its :class:`Gate` is closed (no consent yet, audio-only, camera
paused) it hands aiortc nothing at all, so no picture leaves the booth; the sender
simply waits. A :class:`MicrophoneTrack` sends 20 ms of sound at a time, silence while
muted.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import av
import numpy as np
from aiortc import MediaStreamTrack

from kiosk.call.sources import (
    AUDIO_TIME_BASE,
    SAMPLE_RATE,
    VIDEO_TIME_BASE,
    AudioSource,
    FrameSource,
)
from kiosk.core.clock import Clock

AUDIO_PTIME_S = 0.020


class Gate:
    """An open/closed switch that tracks wait on and the UI observes."""

    def __init__(self, is_open: bool = False) -> None:
        self._event = asyncio.Event()
        if is_open:
            self._event.set()
        self._observers: list[Callable[[bool], None]] = []

    @property
    def is_open(self) -> bool:
        return self._event.is_set()

    def set(self, is_open: bool) -> None:
        if is_open == self.is_open:
            return
        if is_open:
            self._event.set()
        else:
            self._event.clear()
        for observer in list(self._observers):
            observer(is_open)

    def observe(self, observer: Callable[[bool], None]) -> None:
        self._observers.append(observer)

    async def wait_open(self) -> None:
        await self._event.wait()


class CameraTrack(MediaStreamTrack):
    """A video track fed by a frame source at ``fps`` while its gate is open."""

    kind = "video"

    def __init__(self, source: FrameSource, gate: Gate, clock: Clock, fps: float = 15.0) -> None:
        super().__init__()
        self.source = source
        self._gate = gate
        self._clock = clock
        self._period = 1.0 / fps
        self._origin: float | None = None
        self._next = 0.0
        self._black: av.VideoFrame | None = None
        self.frames_sent = 0

    async def recv(self) -> av.VideoFrame:
        if not self._gate.is_open:
            await self._gate.wait_open()
            self._next = 0.0  # start a fresh schedule after a pause
        now = self._clock.monotonic()
        if self._origin is None:
            self._origin = now
        if self._next > now:
            await self._clock.sleep(self._next - now)
            now = self._clock.monotonic()
        self._next = max(self._next + self._period, now) if self._next else now + self._period
        rgb = self.source.read()
        if rgb is None:
            if self._black is None:
                self._black = av.VideoFrame.from_ndarray(
                    np.zeros((480, 640, 3), np.uint8), format="rgb24"
                )
            frame = self._black
        else:
            frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
        frame.pts = int((now - self._origin) / VIDEO_TIME_BASE)
        frame.time_base = VIDEO_TIME_BASE
        self.frames_sent += 1
        return frame


class MicrophoneTrack(MediaStreamTrack):
    """An audio track sending 20 ms frames of its source, silence while its gate is shut."""

    kind = "audio"

    def __init__(self, source: AudioSource, clock: Clock, unmuted: Gate | None = None) -> None:
        super().__init__()
        self.source = source
        self._unmuted = unmuted or Gate(is_open=True)
        self._clock = clock
        self._samples = int(SAMPLE_RATE * AUDIO_PTIME_S)
        self._origin: float | None = None
        self._sent = 0

    async def recv(self) -> av.AudioFrame:
        now = self._clock.monotonic()
        if self._origin is None:
            self._origin = now
        due = self._origin + self._sent / SAMPLE_RATE
        if due > now:
            await self._clock.sleep(due - now)
        elif now - due > 0.5:  # the loop stalled: do not burst the backlog
            self._sent = int((now - self._origin) * SAMPLE_RATE)
        pcm = self.source.read(self._samples)
        if not self._unmuted.is_open:
            pcm = np.zeros(self._samples, np.int16)
        frame = av.AudioFrame.from_ndarray(pcm.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = SAMPLE_RATE
        frame.pts = self._sent
        frame.time_base = AUDIO_TIME_BASE
        self._sent += self._samples
        return frame
