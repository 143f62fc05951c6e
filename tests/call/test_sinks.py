"""Received video: the sink converts frames to RGB in a worker thread, never on the loop.

The booth's call screen pulls each clerk's latest frame on a timer; converting it there
(YUV to RGB, for every clerk) stalled the event loop that also runs the call's media.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import av
import numpy as np
import pytest
from aiortc import MediaStreamTrack

from kiosk.call import sinks
from kiosk.call.sinks import VideoSink

from .peers import wait_until


class QueuedTrack(MediaStreamTrack):
    """A received video track fed by the test."""

    kind = "video"

    def __init__(self) -> None:
        super().__init__()
        self.queue: asyncio.Queue[av.VideoFrame] = asyncio.Queue()

    async def recv(self) -> av.VideoFrame:
        return await self.queue.get()


def _frame(grey: int) -> av.VideoFrame:
    return av.VideoFrame.from_ndarray(np.full((48, 64, 3), grey, np.uint8), format="rgb24")


async def test_frames_are_converted_in_a_thread_while_the_loop_keeps_turning(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    release = threading.Event()
    converted_on: list[int] = []
    convert = sinks.rgb_of

    def slow_rgb_of(frame: av.VideoFrame) -> Any:
        converted_on.append(threading.get_ident())
        release.wait(10)  # a conversion that takes as long as the test wants
        return convert(frame)

    monkeypatch.setattr(sinks, "rgb_of", slow_rgb_of)
    track = QueuedTrack()
    sink = VideoSink(track)
    try:
        track.queue.put_nowait(_frame(40))
        await wait_until(lambda: converted_on, 10, "the conversion to start")
        ticks = 0
        for _ in range(20):  # the loop keeps turning while it runs
            await asyncio.sleep(0)
            ticks += 1
        assert ticks == 20 and sink.frames == 1
        assert sink.latest_rgb() is None  # the screen asks and does not wait
        for grey in (80, 120):  # frames that arrive meanwhile: only the newest is converted
            track.queue.put_nowait(_frame(grey))
        await wait_until(lambda: sink.frames == 3, 10, "the frames to arrive")
        release.set()
        await wait_until(
            lambda: (rgb := sink.latest_rgb()) is not None and int(rgb[0, 0, 0]) == 120,
            10,
            "the newest frame converted",
        )
        assert threading.get_ident() not in converted_on
        assert len(converted_on) == 2  # the first frame, then the newest (80 was skipped)
    finally:
        release.set()
        await sink.close()
