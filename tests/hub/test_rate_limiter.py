"""The hub's keyed sliding-window rate limiter (kiosk.hub.auth.RateLimiter) on a fake clock."""

from __future__ import annotations

from kiosk.core.clock import FakeClock
from kiosk.hub.auth import RateLimiter


def test_take_allows_the_limit_per_key_then_says_how_long_to_wait() -> None:
    clock = FakeClock()
    limiter = RateLimiter(clock, 3, 60.0)
    assert [limiter.take("addr:a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.take("addr:a") == 60.0
    assert limiter.take("addr:b") == 0.0  # another key has its own window
    clock.advance(20.0)
    assert limiter.take("addr:a") == 40.0  # the first hit leaves the window at 60 s


def test_the_window_slides_hit_by_hit() -> None:
    clock = FakeClock()
    limiter = RateLimiter(clock, 2, 10.0)
    limiter.take("k")
    clock.advance(6.0)
    limiter.take("k")
    clock.advance(4.0)
    assert limiter.take("k") == 0.0  # the first left the window; the second is still in
    assert limiter.wait("k") == 6.0


def test_a_refused_take_counts_nothing_and_all_keys_must_allow() -> None:
    clock = FakeClock()
    limiter = RateLimiter(clock, 5, 60.0, limits={"phone": 1})
    assert limiter.take("phone:p", "addr:a") == 0.0
    assert limiter.take("phone:p", "addr:a") == 60.0  # the phone's limit is 1
    assert limiter.take("phone:q", "addr:a") == 0.0  # the address took 2 of its 5
    assert limiter.take("addr:a") == 0.0
    assert limiter.wait("addr:a") == 0.0  # 3 of 5: the refused one did not count


def test_keys_are_bounded() -> None:
    limiter = RateLimiter(FakeClock(), 1, 60.0, max_keys=2)
    for key in ("a", "b", "c"):
        limiter.take(key)
    assert limiter.wait("a") == 0.0  # the oldest key went
    assert limiter.wait("c") == 60.0

