"""Watchdog pets and a lag probe that run *on* the UI's event loop.

The booth runs asyncio on Qt's event loop (qasync), so a coroutine scheduled there only
runs while the UI loop is turning. :class:`LoopWatchdog` pets systemd from such a
coroutine: a hung UI stops the pets and systemd restarts the app. Each tick also measures
how late it woke (the loop's lag) and records stalls over a threshold.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from dataclasses import dataclass
from typing import Protocol

from kiosk.core.clock import Clock

log = logging.getLogger(__name__)


class Notifier(Protocol):
    def watchdog(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class Stall:
    """The loop did not turn for ``lag_s`` seconds, noticed at monotonic time ``at``."""

    at: float
    lag_s: float


class LoopWatchdog:
    """Pets the watchdog every ``interval_s`` and records stalls above ``stall_s``."""

    def __init__(
        self,
        clock: Clock,
        notifier: Notifier,
        *,
        interval_s: float,
        tick_s: float = 0.05,
        stall_s: float = 0.05,
        keep: int = 200,
    ) -> None:
        self._clock = clock
        self._notifier = notifier
        self._interval = interval_s
        self._tick = tick_s
        self._stall = stall_s
        self.stalls: deque[Stall] = deque(maxlen=keep)
        self.max_lag_s = 0.0
        self.pets = 0

    async def run(self) -> None:
        """Tick until cancelled."""
        last_pet = self._clock.monotonic()
        self._pet()
        while True:
            before = self._clock.monotonic()
            await self._clock.sleep(self._tick)
            now = self._clock.monotonic()
            lag = now - before - self._tick
            if lag > self._stall:
                self.stalls.append(Stall(at=now, lag_s=lag))
                log.warning("UI loop stalled for %.0f ms", lag * 1000)
            self.max_lag_s = max(self.max_lag_s, lag)
            if now - last_pet >= self._interval:
                self._pet()
                last_pet = now

    def _pet(self) -> None:
        if self._notifier.watchdog():
            self.pets += 1

    def start(self) -> asyncio.Task[None]:
        return asyncio.get_running_loop().create_task(self.run(), name="loop-watchdog")
