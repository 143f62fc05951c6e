"""Frame and audio sources: what the call sends, and the privacy rule that nothing
leaves a source before it is started."""

from __future__ import annotations

import threading
from pathlib import Path

import av
import numpy as np
import pytest

from kiosk.call.sources import (
    FileFrameSource,
    PushAudioSource,
    PushFrameSource,
    SyntheticPattern,
    ToneSource,
    label_colour,
    read_counter,
)
from kiosk.core.clock import FakeClock


def test_synthetic_pattern_tells_its_label_and_counter_and_moves_with_time() -> None:
    clock = FakeClock()
    pattern = SyntheticPattern("DOC", clock)
    assert pattern.read() is None  # not started: nothing at all
    pattern.start()
    clock.advance(10.0)
    first = pattern.read()
    assert first is not None and first.shape == (480, 640, 3) and first.dtype == np.uint8
    assert pattern.read() is first  # same tick, same frame for every reader
    assert read_counter(first) == 600
    assert tuple(first[-10, 10]) == label_colour("DOC")
    clock.advance(1.0)
    second = pattern.read()
    assert second is not None and read_counter(second) == 660
    assert not np.array_equal(first[200:260], second[200:260])  # the bar moved
    pattern.stop()
    assert pattern.read() is None


def test_push_source_takes_frames_from_another_thread_only_while_started() -> None:
    source = PushFrameSource("FACE")
    frame = np.full((480, 640, 3), 7, np.uint8)
    assert source.push(frame) is False  # before consent: dropped
    assert source.read() is None
    source.start()
    pusher = threading.Thread(target=source.push, args=(frame,))
    pusher.start()
    pusher.join()
    latest = source.read()
    assert latest is not None and int(latest[0, 0, 0]) == 7
    with pytest.raises(ValueError):
        source.push(np.zeros((480, 640), np.uint8))
    source.stop()
    assert source.read() is None  # stopping forgets the last picture


def test_file_source_loops_over_a_video_file(tmp_path: Path) -> None:
    path = tmp_path / "clip.mp4"
    with av.open(str(path), "w") as container:
        stream = container.add_stream("mpeg4", rate=10)
        stream.width, stream.height, stream.pix_fmt = 160, 120, "yuv420p"
        for shade in (40, 120, 200):
            rgb = np.full((120, 160, 3), shade, np.uint8)
            for packet in stream.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    source = FileFrameSource(path)
    assert source.read() is None
    source.start()
    shades = []
    for _ in range(6):
        frame = source.read()
        assert frame is not None and frame.shape == (120, 160, 3)
        shades.append(int(frame.mean()))
    source.stop()
    assert shades[0] < shades[1] < shades[2]
    assert [abs(a - b) < 8 for a, b in zip(shades[:3], shades[3:], strict=True)] == [True] * 3


def test_tone_and_pushed_audio() -> None:
    tone = ToneSource(440.0, amplitude=0.5)
    assert not tone.read(960).any()  # not started: silence
    tone.start()
    samples = tone.read(960)
    assert samples.dtype == np.int16 and samples.shape == (960,)
    assert 0.3 < np.sqrt(np.mean((samples / 32768.0) ** 2)) < 0.4  # a sine of 0.5 peak
    mic = PushAudioSource(max_seconds=0.1)
    mic.push(np.ones(100, np.int16))
    assert not mic.read(100).any()  # pushed before start: dropped
    mic.start()
    mic.push(np.arange(1, 20_001, dtype=np.int16))
    first = mic.read(960)
    assert first[0] == 20_001 - 4_800  # only the newest 0.1 s are kept
    assert len(mic.read(10_000)) == 10_000  # short reads are padded with silence


def test_freed_heap_can_be_returned_after_a_call() -> None:
    from kiosk.call.heap import release_freed_memory

    assert release_freed_memory() is True  # glibc on Debian
