"""Two real aiortc peers in one process over crossed signaling queues."""

from __future__ import annotations

import numpy as np

from kiosk.call.signaling import crossed_signaling
from kiosk.call.sources import label_colour, read_counter
from tests.call.peers import (
    FAST,
    Recorder,
    two_party_call,
    wait_until,
)


def _looks_like(rgb: np.ndarray, label: str) -> bool:
    """The pattern's background colour fills the lower-left corner of the frame."""
    corner = rgb[-30:-5, 5:30].reshape(-1, 3).mean(axis=0)
    return bool(np.abs(corner - np.array(label_colour(label))).max() < 40)


async def test_media_flows_both_ways_and_frames_carry_their_content() -> None:
    booth_port, clerk_port = crossed_signaling()
    booth_events = Recorder()
    async with two_party_call(booth_port, clerk_port, FAST, booth_events) as (booth, clerk):
        await booth.start()
        await wait_until(
            lambda: booth.state == "connected" and clerk.state == "connected",
            10,
            "both sides connected",
        )
        # the clerk receives two videos (face, document) and the tone
        await wait_until(
            lambda: (
                len(clerk.video_sinks) == 2
                and all(s.frames >= 5 for s in clerk.video_sinks)
                and clerk.audio_sinks
                and clerk.audio_sinks[0].frames >= 20
            ),
            10,
            "the clerk to receive both videos and audio",
        )
        await wait_until(
            lambda: (
                booth.video_sinks
                and booth.video_sinks[0].frames >= 5
                and booth.audio_sinks
                and booth.audio_sinks[0].frames >= 20
            ),
            10,
            "the booth to receive the clerk's video and audio",
        )
        face, document = (s.latest_rgb() for s in clerk.video_sinks)
        assert face is not None and document is not None
        assert face.shape == (480, 640, 3)
        assert _looks_like(face, "FACE") and not _looks_like(face, "DOC")
        assert _looks_like(document, "DOC")
        clerk_video = booth.video_sinks[0].latest_rgb()
        assert clerk_video is not None and _looks_like(clerk_video, "CLERK")
        # the picture moves: the counter drawn into the frames advances
        first = read_counter(face)
        await wait_until(
            lambda: read_counter(clerk.video_sinks[0].latest_rgb()) != first,
            5,
            "a newer face frame",
        )
        assert clerk.audio_sinks[0].level > 0.05  # a tone, not silence
        assert booth.setup_s is not None and booth.setup_s < 5
    assert booth.state == "closed"
