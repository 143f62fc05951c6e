"""Exponential backoff with jitter, for anything that retries the hub.

The n-th delay (n = 0, 1, ...) is drawn from ``[ceiling/2, ceiling]`` where
``ceiling = min(maximum, minimum * factor**n)``, and never goes below ``minimum``:
with the defaults 0.5 s, 1 s, 2 s ... 30 s, each shortened by up to half at random so
that a hundred booths that lost the same hub do not all knock at the same instant.
The random source is injected, so tests choose the jitter.
"""

from __future__ import annotations

import random
from collections.abc import Callable


class Backoff:
    """The delays between attempts; :meth:`reset` after a success."""

    def __init__(
        self,
        minimum: float = 0.5,
        maximum: float = 30.0,
        *,
        factor: float = 2.0,
        rand: Callable[[], float] = random.random,
    ) -> None:
        if not 0 < minimum <= maximum:
            raise ValueError("backoff needs 0 < minimum <= maximum")
        if factor < 1:
            raise ValueError("backoff factor must be at least 1")
        self.minimum = minimum
        self.maximum = maximum
        self._factor = factor
        self._rand = rand
        self._failures = 0

    @property
    def failures(self) -> int:
        """How many delays were handed out since the last :meth:`reset`."""
        return self._failures

    def next_delay(self) -> float:
        """The delay before the next attempt; each call counts one more failure."""
        # Cap the exponent so a booth offline for a week does not overflow a float.
        exponent = min(self._failures, 64)
        ceiling = min(self.maximum, self.minimum * self._factor**exponent)
        self._failures += 1
        jitter = min(max(self._rand(), 0.0), 1.0)
        return max(self.minimum, ceiling * (0.5 + 0.5 * jitter))

    def reset(self) -> None:
        self._failures = 0
