"""Incoming media: every received track is consumed by a sink.

aiortc decodes a received track only as fast as someone calls ``recv()``; a track
nobody reads fills its queue forever. A :class:`VideoSink` reads every frame and keeps
only the latest, converted to an RGB array (:meth:`VideoSink.latest_rgb`) so the UI can
paint at its own pace. The conversion (YUV to RGB, a few ms a frame, for every clerk of
the call) runs in a worker thread, the newest frame first, never on the event loop: the
UI's paint timer only picks up what is ready. An :class:`AudioSink`
reads every frame, keeps a level, and hands frames to an optional player (the UI's
speaker adapter).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

import av
import numpy as np
from aiortc import MediaStreamTrack
from aiortc.mediastreams import MediaStreamError

from kiosk.call.cancelling import cancel_and_wait
from kiosk.call.sources import RGB

log = logging.getLogger(__name__)


def rgb_of(frame: av.VideoFrame) -> RGB:
    """A decoded frame as an HxWx3 RGB array (blocking: the sink calls it in a thread)."""
    rgb: RGB = frame.to_ndarray(format="rgb24")  # type: ignore[assignment]
    return rgb


class VideoSink:
    """Consumes one received video track; keeps its latest frame, converted to RGB."""

    def __init__(self, track: MediaStreamTrack, on_frame: Callable[[], None] | None = None) -> None:
        self.track = track
        self.frames = 0
        self._latest: av.VideoFrame | None = None
        self._rgb: RGB | None = None
        self._converting = False
        self._closed = False
        self._on_frame = on_frame
        self._task = asyncio.ensure_future(self._run())

    async def _run(self) -> None:
        with contextlib.suppress(MediaStreamError):
            while True:
                frame = await self.track.recv()
                assert isinstance(frame, av.VideoFrame)
                self._latest = frame
                self.frames += 1
                if not self._converting:
                    self._convert(frame)
                if self._on_frame is not None:
                    self._on_frame()

    def _convert(self, frame: av.VideoFrame) -> None:
        # One conversion at a time: frames that arrive meanwhile wait, and only the newest
        # of them is converted next (a slow machine shows fewer frames, never older ones).
        self._converting = True
        future = asyncio.get_running_loop().run_in_executor(None, rgb_of, frame)
        future.add_done_callback(lambda done: self._converted(frame, done))

    def _converted(self, frame: av.VideoFrame, done: asyncio.Future[RGB]) -> None:
        self._converting = False
        if self._closed or done.cancelled():
            return
        if done.exception() is not None:
            log.warning("call: a received frame could not be converted: %s", done.exception())
        else:
            self._rgb = done.result()
        if self._latest is not None and self._latest is not frame:
            self._convert(self._latest)

    def latest_rgb(self) -> RGB | None:
        """The newest frame converted so far as HxWx3 RGB, or None before the first one
        is (it never waits for a conversion)."""
        return self._rgb

    async def close(self) -> None:
        self._closed = True
        await cancel_and_wait(self._task)


class AudioSink:
    """Consumes one received audio track; keeps a level and feeds an optional player."""

    def __init__(
        self, track: MediaStreamTrack, player: Callable[[av.AudioFrame], None] | None = None
    ) -> None:
        self.track = track
        self.frames = 0
        self.samples = 0
        self.level = 0.0  # RMS of the last frame, 0..1
        self._player = player
        self._task = asyncio.ensure_future(self._run())

    async def _run(self) -> None:
        with contextlib.suppress(MediaStreamError):
            while True:
                frame = await self.track.recv()
                assert isinstance(frame, av.AudioFrame)
                self.frames += 1
                self.samples += frame.samples
                pcm = frame.to_ndarray()
                if pcm.size:
                    self.level = float(np.sqrt(np.mean((pcm / 32768.0) ** 2)))
                if self._player is not None:
                    self._player(frame)

    async def close(self) -> None:
        await cancel_and_wait(self._task)
