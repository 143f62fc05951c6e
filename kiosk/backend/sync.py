"""What the booth does when its link to the hub comes and goes.

:class:`HubSync` listens to the control channel's state:

- ONLINE: refresh the catalog (ETag: usually a 304), wake the outbox so saved writes go
  at once rather than at the end of their backoff, and tell the hub about sessions a
  restart closed (:meth:`Recovery.notify_hub`);
- OFFLINE: mark the catalog offline, so every screen that shows "last synced" agrees
  with the banner that shows "offline".

While online it also refreshes the catalog every ``catalog_refresh_s`` on the injected
clock, so a catalog published on the hub reaches the booth without a reconnect.
Nothing here raises into the channel: failures are logged and the next state change or
period tries again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Protocol

from kiosk.backend.catalog_cache import CatalogStatus
from kiosk.backend.channel import ChannelStatus, ConnectionState
from kiosk.core.clock import Clock
from kiosk.core.errors import XiaowuError

log = logging.getLogger(__name__)


class StatusSource(Protocol):
    """The control channel, as far as HubSync needs it."""

    @property
    def status(self) -> ChannelStatus: ...

    def add_listener(self, listener: Callable[[ChannelStatus], None]) -> Callable[[], None]: ...


class Catalog(Protocol):
    async def refresh(self) -> CatalogStatus: ...

    def mark_offline(self) -> None: ...


class Wakeable(Protocol):
    def wake(self) -> None: ...


class SessionReporter(Protocol):
    async def notify_hub(self) -> int: ...


class HubSync:
    """Reacts to the channel's state; :meth:`start` it after wiring, :meth:`stop` at exit."""

    def __init__(
        self,
        channel: StatusSource,
        catalog: Catalog,
        outbox: Wakeable,
        clock: Clock,
        *,
        sessions: SessionReporter | None = None,
        catalog_refresh_s: float = 600.0,
    ) -> None:
        self._channel = channel
        self._catalog = catalog
        self._outbox = outbox
        self._clock = clock
        self._sessions = sessions
        self._refresh_s = catalog_refresh_s
        self._tasks: set[asyncio.Task[None]] = set()
        self._remove: Callable[[], None] | None = None
        self._periodic: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._remove = self._channel.add_listener(self._on_status)
        self._periodic = asyncio.get_running_loop().create_task(self._refresh_periodically())
        if self._channel.status.online:
            self._on_status(self._channel.status)

    async def stop(self) -> None:
        if self._remove is not None:
            self._remove()
            self._remove = None
        tasks = [*self._tasks, *([self._periodic] if self._periodic else [])]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._periodic = None

    def _on_status(self, status: ChannelStatus) -> None:
        if status.state is ConnectionState.ONLINE:
            task = asyncio.get_running_loop().create_task(self._came_online())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        elif status.state is ConnectionState.OFFLINE:
            self._catalog.mark_offline()

    async def _came_online(self) -> None:
        self._outbox.wake()
        await self._guarded("refresh the catalog", self._catalog.refresh())
        if self._sessions is not None:
            await self._guarded("report closed sessions", self._sessions.notify_hub())

    async def _refresh_periodically(self) -> None:
        while True:
            await self._clock.sleep(self._refresh_s)
            if self._channel.status.online:
                await self._guarded("refresh the catalog", self._catalog.refresh())

    async def _guarded(self, what: str, work: Awaitable[object]) -> None:
        try:
            await work
        except XiaowuError as exc:
            log.warning("could not %s: %s", what, exc.code)
        except Exception:
            log.exception("could not %s", what)
