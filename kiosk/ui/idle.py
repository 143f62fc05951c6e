"""Idle timing of a citizen session, as plain logic with no Qt and no real time.

Theory of operation: a session is *active* while the citizen touches the screen. After
``timeout_s - warning_s`` seconds without a touch the booth shows a *warning* with a
countdown; touching elsewhere no longer counts, only "I need more time" (:meth:`extend`)
brings the session back. When the countdown reaches zero the session has *expired*: the UI
wipes it and returns to the attract screen. Idle time is measured on a monotonic clock
read by the caller, so tests feed numbers instead of sleeping.

    ACTIVE --(no touch for timeout-warning)--> WARNING --(countdown ends)--> EXPIRED
      ^  touch restarts the wait                  | extend()
      +-------------------------------------------+
"""

from __future__ import annotations

import enum
import math


class IdlePhase(enum.Enum):
    ACTIVE = "active"
    WARNING = "warning"
    EXPIRED = "expired"


class IdleTimer:
    """When a session has been idle too long; driven by :meth:`poll` with the time."""

    def __init__(self, timeout_s: float, warning_s: float, now: float) -> None:
        if timeout_s <= 0:
            raise ValueError("timeout_s must be positive")
        self.timeout_s = timeout_s
        self.warning_s = min(max(warning_s, 0.0), timeout_s)
        self._last_activity = now
        self._phase = IdlePhase.ACTIVE

    @property
    def phase(self) -> IdlePhase:
        return self._phase

    def activity(self, now: float) -> None:
        """The citizen touched the screen. Ignored once the warning shows."""
        if self._phase is IdlePhase.ACTIVE:
            self._last_activity = now

    def extend(self, now: float) -> None:
        """ "I need more time": back to active with a full wait, unless already expired."""
        if self._phase is not IdlePhase.EXPIRED:
            self._phase = IdlePhase.ACTIVE
            self._last_activity = now

    def poll(self, now: float) -> IdlePhase:
        """The phase at time ``now`` (phases only move forward between activities)."""
        if self._phase is IdlePhase.EXPIRED:
            return self._phase
        idle = now - self._last_activity
        if idle >= self.timeout_s:
            self._phase = IdlePhase.EXPIRED
        elif idle >= self.timeout_s - self.warning_s:
            self._phase = IdlePhase.WARNING
        return self._phase

    def seconds_left(self, now: float) -> int:
        """Whole seconds until the session expires (rounded up, never negative)."""
        return max(0, math.ceil(self._last_activity + self.timeout_s - now))
