from __future__ import annotations

import asyncio

from kiosk.core.clock import FakeClock


async def test_fake_clock_wakes_sleepers_in_order() -> None:
    clock = FakeClock()
    woke: list[str] = []

    async def sleeper(name: str, seconds: float) -> None:
        await clock.sleep(seconds)
        woke.append(name)

    tasks = [asyncio.ensure_future(sleeper("late", 10)), asyncio.ensure_future(sleeper("soon", 2))]
    await asyncio.sleep(0)
    assert clock.sleepers == 2
    clock.advance(5)
    await asyncio.sleep(0)
    assert woke == ["soon"]
    clock.advance(5)
    await asyncio.gather(*tasks)
    assert woke == ["soon", "late"]
    assert clock.monotonic() == 10
