"""An emulated booth for the operations tests: the booth's real channel client, health
reporter and restart policy, connected to a real hub (tests/ops/conftest.py)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from kiosk.backend.backoff import Backoff
from kiosk.backend.channel import BoothChannel, ConnectionState
from kiosk.backend.messages import Command
from kiosk.core.clock import SystemClock
from kiosk.devices.locker.bank import LockerBank, LockerTimings
from kiosk.ops.health import DiskHealth, HealthCollector, HealthReporter
from kiosk.ops.restart_policy import RestartPolicy
from tests.ops.conftest import OpsHub

#: what an emulated booth reports as its memory: the pytest process's own memory grows past
#: the booth's alert threshold over a long run, and is not the booth's
BOOTH_RSS = 300 << 20

FAST = LockerTimings(open_timeout_s=0.6, left_open_alert_s=30.0, close_timeout_s=60.0, poll_s=0.02)


class EmulatedBooth:
    """The booth's real channel client, health reporter and restart policy."""

    def __init__(self, hub: OpsHub, booth_id: str, locker: LockerBank | None = None) -> None:
        clock = SystemClock()
        self.id = booth_id
        self.channel = BoothChannel(
            hub.ws_url + "/ws/booth", hub.booth(booth_id), clock, backoff=Backoff(0.05, 0.2)
        )
        self.collector = HealthCollector(
            clock,
            devices={"door": lambda: True, "idcard": lambda: True},
            camera=lambda: True,
            microphone=lambda: True,
            locker=locker,
            disk=lambda: DiskHealth(free_bytes=40 << 30, total_bytes=64 << 30),
            rss=lambda: BOOTH_RSS,
        )
        self.channel.add_listener(self.collector.channel_status)
        self.reporter = HealthReporter(self.collector, self.channel, clock, period_s=3600)
        self.restarts: list[str] = []
        self.configs: list[dict[str, Any]] = []
        self.policy = RestartPolicy(clock, restart=self.restarts.append)
        self.channel.on_command("restart", self.policy.on_restart_command)
        self.channel.on_command("config", self._config)

    async def _config(self, command: Command) -> None:
        self.configs.append(dict(command.data))

    async def start(self) -> None:
        self.channel.start()
        await asyncio.wait_for(self.channel.wait_for(ConnectionState.ONLINE), 10)
        assert await self.reporter.report_now() is not None

    async def stop(self) -> None:
        await self.reporter.stop()
        await self.channel.stop()


async def eventually(probe: Callable[[], Any]) -> Any:
    """Poll an observable condition on the hub (its API) until it holds or 10 s pass."""
    deadline = time.monotonic() + 10.0
    while True:
        result = await asyncio.to_thread(probe)
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met")
        await asyncio.sleep(0.05)
