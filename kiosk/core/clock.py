"""Time as an injected collaborator.

Everything that waits or measures time takes a :class:`Clock`, so tests advance a
:class:`FakeClock` instead of sleeping.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import heapq
import itertools
import time
from typing import Protocol


class Clock(Protocol):
    """What components need of time."""

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back; only differences mean anything."""
        ...

    def now(self) -> dt.datetime:
        """The wall-clock time, timezone-aware."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Wait for ``seconds`` of this clock's time."""
        ...


CHINA_TZ = dt.timezone(dt.timedelta(hours=8), name="CST")


class SystemClock:
    """The real clock. Wall time is given in China Standard Time."""

    def monotonic(self) -> float:
        return time.monotonic()

    def now(self) -> dt.datetime:
        return dt.datetime.now(CHINA_TZ)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


class FakeClock:
    """A clock that moves only when told to.

    ``sleep`` parks the caller until :meth:`advance` moves time past its deadline, so a
    test can run an idle timeout of five minutes in no time at all.
    """

    def __init__(self, start: dt.datetime | None = None) -> None:
        self._mono = 0.0
        self._start = start or dt.datetime(2026, 11, 28, 9, 0, tzinfo=CHINA_TZ)
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()

    def monotonic(self) -> float:
        return self._mono

    def now(self) -> dt.datetime:
        return self._start + dt.timedelta(seconds=self._mono)

    async def sleep(self, seconds: float) -> None:
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self._mono + max(0.0, seconds), next(self._seq), fut))
        await fut

    def advance(self, seconds: float) -> None:
        """Move time forward and wake every sleeper whose deadline has passed."""
        self._mono += seconds
        while self._sleepers and self._sleepers[0][0] <= self._mono:
            _, _, fut = heapq.heappop(self._sleepers)
            if not fut.done():
                fut.set_result(None)

    @property
    def sleepers(self) -> int:
        """How many callers are parked in :meth:`sleep`."""
        return sum(1 for _, _, f in self._sleepers if not f.done())
