"""The pure judges of a call's health: liveness and video quality."""

from __future__ import annotations

import pytest

from kiosk.call.liveness import Liveness
from kiosk.call.quality import SenderSample, VideoQuality


def test_a_moving_counter_keeps_the_peer_alive() -> None:
    live = Liveness(4.0, now=0.0)
    for step in range(1, 40):
        live.observe(step * 0.5, received=step * 10)
        assert not live.is_dead(step * 0.5)


def test_silence_is_detected_within_the_deadline_plus_one_sample() -> None:
    live = Liveness(4.0, now=0.0)
    t, count = 0.0, 0
    while t < 10.0:  # packets until 10.2 s, sampled every 0.5 s
        t += 0.5
        count += 25
        live.observe(t, count)
    cut = 10.2
    live.observe(10.5, count + 5)  # the last packets arrived just before the cut
    t = 10.5
    while not live.is_dead(t):
        t += 0.5
        live.observe(t, count + 5)
    assert cut + 3.5 <= t <= cut + 4.5


def test_a_heartbeat_message_counts_as_life() -> None:
    live = Liveness(4.0, now=0.0)
    live.observe(0.5, 1)
    live.heard(4.0)
    live.observe(4.5, 1)
    assert not live.is_dead(6.0)
    assert live.is_dead(8.0)
    with pytest.raises(ValueError):
        Liveness(0, now=0)


def _feed(
    quality: VideoQuality,
    start: float,
    seconds: float,
    loss: float,
    sent0: int = 0,
    lost0: int = 0,
    kind: str = "video",
) -> tuple[int, int]:
    sent, lost, changed = sent0, lost0, False
    t = start
    while t < start + seconds:
        t += 0.5
        sent += 50
        lost += int(50 * loss)
        sample = SenderSample(t, sent, lost)
        changed |= quality.sample(
            sample if kind == "video" else None, sample if kind == "audio" else None
        )
    return sent, lost


def test_heavy_video_loss_falls_back_to_audio_only_after_a_full_window() -> None:
    quality = VideoQuality(max_loss=0.25, window_s=5.0, recover_after_s=30.0)
    sent, lost = _feed(quality, 0.0, 10.0, loss=0.05)
    assert not quality.audio_only
    sent, lost = _feed(quality, 10.0, 1.0, loss=0.6, sent0=sent, lost0=lost)
    assert not quality.audio_only  # a short burst is not enough
    _feed(quality, 11.0, 5.0, loss=0.6, sent0=sent, lost0=lost)
    assert quality.audio_only


def test_video_comes_back_after_a_long_clean_audio_period() -> None:
    quality = VideoQuality(max_loss=0.25, window_s=5.0, recover_after_s=30.0)
    _feed(quality, 0.0, 8.0, loss=0.5)
    assert quality.audio_only
    _feed(quality, 8.0, 20.0, loss=0.0, kind="audio")
    assert quality.audio_only
    _feed(quality, 28.0, 15.0, loss=0.0, sent0=2000, kind="audio")
    assert not quality.audio_only
