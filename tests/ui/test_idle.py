"""The pure idle logic: warning, countdown, extension, expiry."""

from __future__ import annotations

import pytest

from kiosk.ui.idle import IdlePhase, IdleTimer


def test_warns_then_expires() -> None:
    timer = IdleTimer(timeout_s=120, warning_s=30, now=0.0)
    assert timer.poll(89.9) is IdlePhase.ACTIVE
    assert timer.poll(90.0) is IdlePhase.WARNING
    assert timer.seconds_left(90.0) == 30
    assert timer.seconds_left(100.5) == 20
    assert timer.poll(119.9) is IdlePhase.WARNING
    assert timer.poll(120.0) is IdlePhase.EXPIRED
    assert timer.seconds_left(130.0) == 0


def test_touch_restarts_the_wait_but_not_during_the_warning() -> None:
    timer = IdleTimer(timeout_s=120, warning_s=30, now=0.0)
    timer.activity(80.0)
    assert timer.poll(169.0) is IdlePhase.ACTIVE
    assert timer.poll(170.0) is IdlePhase.WARNING
    timer.activity(171.0)  # a stray touch does not dismiss the warning
    assert timer.poll(200.0) is IdlePhase.EXPIRED


def test_more_time_extends_and_expiry_is_final() -> None:
    timer = IdleTimer(timeout_s=60, warning_s=20, now=0.0)
    assert timer.poll(45.0) is IdlePhase.WARNING
    timer.extend(45.0)
    assert timer.poll(60.0) is IdlePhase.ACTIVE
    assert timer.poll(105.0) is IdlePhase.EXPIRED
    timer.extend(106.0)
    assert timer.poll(106.0) is IdlePhase.EXPIRED


def test_rejects_a_zero_timeout() -> None:
    with pytest.raises(ValueError):
        IdleTimer(timeout_s=0, warning_s=0, now=0.0)
