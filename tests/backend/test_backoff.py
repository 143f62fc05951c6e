"""Backoff delays, and the channel waiting them out on a FakeClock."""

from __future__ import annotations

import asyncio

import pytest

from kiosk.backend.backoff import Backoff
from kiosk.backend.channel import BoothChannel, ChannelStatus, ConnectionState
from kiosk.core.clock import FakeClock


def test_delays_double_from_the_minimum_up_to_the_maximum_without_jitter() -> None:
    backoff = Backoff(0.5, 30.0, rand=lambda: 1.0)
    assert [backoff.next_delay() for _ in range(9)] == [0.5, 1, 2, 4, 8, 16, 30, 30, 30]


def test_jitter_shortens_by_at_most_half_and_never_below_the_minimum() -> None:
    backoff = Backoff(0.5, 30.0, rand=lambda: 0.0)
    assert [backoff.next_delay() for _ in range(8)] == [0.5, 0.5, 1, 2, 4, 8, 15, 15]


def test_random_jitter_stays_in_bounds_and_reset_starts_over() -> None:
    import random

    rng = random.Random(42)
    backoff = Backoff(0.5, 30.0, rand=rng.random)
    delays = [backoff.next_delay() for _ in range(200)]
    assert all(0.5 <= d <= 30.0 for d in delays)
    assert len(set(delays[10:])) > 100  # really jittered, not one fixed value
    backoff.reset()
    assert backoff.failures == 0 and backoff.next_delay() <= 0.5


def test_nonsense_settings_are_refused() -> None:
    with pytest.raises(ValueError):
        Backoff(0, 30)
    with pytest.raises(ValueError):
        Backoff(5, 1)


async def test_channel_waits_each_backoff_delay_on_the_clock(unused_tcp_port: int) -> None:
    """Against a closed port every attempt fails; the channel sleeps 0.5, 1, 2, 4 ... on
    the injected clock and does not try again before the delay has passed."""
    clock = FakeClock()
    channel = BoothChannel(
        f"ws://127.0.0.1:{unused_tcp_port}/ws/booth",
        "t",
        clock,
        backoff=Backoff(0.5, 30.0, rand=lambda: 1.0),
    )
    heard: asyncio.Queue[ChannelStatus] = asyncio.Queue()
    channel.add_listener(heard.put_nowait)
    channel.start()
    try:
        waits: list[float] = []
        attempts = 0
        while len(waits) < 8:
            status = await asyncio.wait_for(heard.get(), 10)
            if status.state is ConnectionState.RECONNECTING:
                attempts += 1
                continue
            assert status.state is ConnectionState.OFFLINE
            assert status.reason == "hub_unavailable" and status.attempt == len(waits) + 1
            assert status.retry_in_s is not None
            waits.append(status.retry_in_s)
            # Just short of the delay: let the loop run, nothing may happen.
            clock.advance(status.retry_in_s - 0.01)
            for _ in range(20):
                await asyncio.sleep(0)
            assert heard.empty() and attempts == len(waits)
            clock.advance(0.01)
        assert waits == [0.5, 1, 2, 4, 8, 16, 30, 30]
    finally:
        await channel.stop()
    assert channel.status.state is ConnectionState.OFFLINE and channel.status.reason == "stopped"


async def test_retry_now_cuts_the_delay_short(unused_tcp_port: int) -> None:
    clock = FakeClock()
    channel = BoothChannel(
        f"ws://127.0.0.1:{unused_tcp_port}/ws/booth", "t", clock, backoff=Backoff(10, 30)
    )
    heard: asyncio.Queue[ChannelStatus] = asyncio.Queue()
    channel.add_listener(heard.put_nowait)
    channel.start()
    try:
        states = [(await asyncio.wait_for(heard.get(), 10)).state for _ in range(2)]
        assert states == [ConnectionState.RECONNECTING, ConnectionState.OFFLINE]
        channel.retry_now()  # the clock never moves: only retry_now can start attempt 2
        status = await asyncio.wait_for(heard.get(), 10)
        assert status.state is ConnectionState.RECONNECTING and status.attempt == 1
    finally:
        await channel.stop()
