"""The call heals itself when the media path is cut and comes back."""

from __future__ import annotations

import time

import pytest

from kiosk.config import CallConfig
from tests.call.peers import (
    Recorder,
    two_party_call,
    wait_until,
)
from tests.call.relay import UdpRelay, relayed_signaling, running_relay


@pytest.mark.slow
async def test_cut_path_shows_reconnecting_within_5s_and_recovers_within_15s() -> None:
    async with running_relay() as relay:
        await _cut_and_restore(relay)


async def _cut_and_restore(relay: UdpRelay) -> None:
    config = CallConfig()  # the booth's real defaults
    booth_port, clerk_port = relayed_signaling(relay)
    events = Recorder()
    async with two_party_call(booth_port, clerk_port, config, events) as (booth, clerk):
        await booth.start()
        await wait_until(lambda: booth.state == "connected", 10, "connected")
        await wait_until(
            lambda: clerk.video_sinks and clerk.video_sinks[0].frames > 3,
            10,
            "video through the relay",
        )
        assert relay.forwarded > 0

        generation = booth.generation
        relay.cut = True
        cut_at = time.monotonic()
        await wait_until(lambda: booth.state == "reconnecting", 8, "reconnecting")
        detected = events.first("reconnecting", after=cut_at)
        assert detected is not None and detected - cut_at <= 5.0
        # it keeps offering new connections while the path is down: one at once,
        # another one reconnect_attempt_s later
        await wait_until(
            lambda: booth.generation >= generation + 2,
            config.reconnect_attempt_s + 4,
            "a second new offer",
        )
        assert booth.state == "reconnecting"

        relay.cut = False
        restored_at = time.monotonic()
        await wait_until(lambda: booth.state == "connected", 16, "recovered")
        recovered = events.first("connected", after=restored_at)
        assert recovered is not None and recovered - restored_at <= 15.0
        print(f"detected {detected - cut_at:.2f} s, recovered {recovered - restored_at:.2f} s")
        # media flows again on the new connection, both ways
        await wait_until(
            lambda: (
                clerk.video_sinks
                and clerk.video_sinks[0].frames > 3
                and booth.video_sinks
                and booth.video_sinks[0].frames > 3
            ),
            10,
            "media after recovery",
        )


@pytest.mark.slow
async def test_heavy_loss_towards_the_clerk_falls_back_to_audio_only() -> None:
    async with running_relay() as relay:
        await _lossy_path(relay)


async def _lossy_path(relay: UdpRelay) -> None:
    config = CallConfig(audio_only_loss=0.2)
    booth_port, clerk_port = relayed_signaling(relay)
    events = Recorder()
    async with two_party_call(booth_port, clerk_port, config, events) as (booth, clerk):
        await booth.start()
        await wait_until(lambda: booth.state == "connected", 10, "connected")
        await wait_until(
            lambda: clerk.video_sinks and clerk.video_sinks[0].frames > 3,
            10,
            "video through the relay",
        )
        assert events.quality == []
        relay.loss = 0.5  # half of what the booth sends is lost
        await wait_until(lambda: events.quality, 40, "the audio-only verdict")
        assert events.quality == [("clerk:1", True)]
        assert booth.state == "connected"  # lossy, not dead: no reconnection
        loss = booth.quality.loss()
        assert loss is None or loss >= 0.2


@pytest.mark.slow
async def test_a_first_connection_that_never_comes_up_is_retried() -> None:
    async with running_relay() as relay:
        relay.cut = True  # the path is down when the call starts
        config = CallConfig(reconnect_attempt_s=3.0)
        booth_port, clerk_port = relayed_signaling(relay)
        async with two_party_call(booth_port, clerk_port, config) as (booth, clerk):
            await booth.start()
            first = booth.generation
            await wait_until(lambda: booth.state == "reconnecting", 8, "a retry")
            await wait_until(lambda: booth.generation > first, 8, "a new offer")
            relay.cut = False
            await wait_until(lambda: booth.state == "connected", 15, "connected at last")
            await wait_until(
                lambda: clerk.video_sinks and clerk.video_sinks[0].frames > 3, 10, "media"
            )
