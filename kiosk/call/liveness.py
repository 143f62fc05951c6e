"""Is the remote peer still there? A pure judge fed with evidence and the time.

aioice notices a dead path only after ~30 s of failed consent checks. The call module
instead samples, every heartbeat period, a counter of everything received from the peer
(RTP, RTCP and the data-channel heartbeats both sides send each second). A counter
that moves is evidence of life; no evidence for ``dead_after_s`` means the peer is
lost. Time is whatever the caller passes, so tests need no clock at all.
"""

from __future__ import annotations


class Liveness:
    """Decides from a received-packets counter whether the peer is alive."""

    def __init__(self, dead_after_s: float, now: float) -> None:
        if dead_after_s <= 0:
            raise ValueError("dead_after_s must be positive")
        self.dead_after_s = dead_after_s
        self._last_alive = now
        self._last_count: int | None = None
        self._last_sample = now

    def observe(self, now: float, received: int) -> None:
        """Record the peer's received-packets counter at time ``now``.

        A counter that moved proves the peer was alive at some moment since the previous
        sample, perhaps just after it; counting from the previous sample keeps the
        detection within ``dead_after_s`` plus one sampling period of the real loss.
        """
        if self._last_count is None:
            self._last_alive = now
        elif received != self._last_count:
            self._last_alive = max(self._last_alive, self._last_sample)
        self._last_count = received
        self._last_sample = now

    def heard(self, now: float) -> None:
        """Record a direct sign of life (a heartbeat message)."""
        self._last_alive = now

    def silent_for(self, now: float) -> float:
        return max(0.0, now - self._last_alive)

    def is_dead(self, now: float) -> bool:
        return self.silent_for(now) >= self.dead_after_s
