"""The booth control channel: one WebSocket to the hub that always comes back.

Theory of operation::

      start()
         |
         v
    RECONNECTING --handshake + welcome--> ONLINE --connection lost / hub silent--+
         ^                                                                     |
         |                                                                     v
         +---------------- backoff delay elapsed (or retry_now()) ------- OFFLINE
                                                                     (retry_in_s set)

The booth authenticates with its Bearer token, waits for the hub's ``welcome`` (which
gives the heartbeat period), then runs three loops until the connection ends:

- the *reader* answers the hub's pings, and passes commands to the registered handlers;
- the *heartbeat* sends our own ping every period and declares the hub dead after three
  periods without any frame from it (a half-open TCP connection looks alive otherwise);
- the *writer* sends queued acks and events in order.

Commands run through their handler and are acknowledged with ``ok`` or the error's
``code`` (:class:`~kiosk.core.errors.XiaowuError`), ``internal`` for any other exception,
``unknown_command`` when nothing handles the name. Ordered handlers run one at a time in
arrival order (``start_session`` before its ``push``); unordered ones (``signal``) run at
once. A command id already handled is acknowledged again with the remembered result and
not run twice, so a hub that re-sends an unacknowledged command after a reconnect does
not open the door twice.

Events and acks wait in a bounded in-memory queue while the hub is away and go out in
order after the reconnect; events sent with ``buffer=False`` (call signaling, health)
are dropped instead, because they are worthless late. Durable writes belong in the
outbox, not here.

After a lost connection the channel waits ``Backoff.next_delay()`` on the injected
:class:`~kiosk.core.clock.Clock` (0.5 s .. 30 s with jitter by default) and tries again;
the backoff is reset once the hub has welcomed the booth. Every state change is published
to listeners as a :class:`ChannelStatus`, so the UI can show "offline".
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import datetime as dt
import enum
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus, WebSocketException

from kiosk.backend.backoff import Backoff
from kiosk.backend.messages import (
    Ack,
    BadFrame,
    Command,
    Event,
    Frame,
    Ping,
    Pong,
    Welcome,
    encode_frame,
    parse_frame,
)
from kiosk.core.clock import Clock
from kiosk.core.errors import HubRejected, HubUnavailable, XiaowuError

log = logging.getLogger(__name__)

T = TypeVar("T")


class ConnectionState(enum.StrEnum):
    ONLINE = "online"  # welcomed by the hub, heartbeats flowing
    OFFLINE = "offline"  # not connected: waiting before the next attempt, or stopped
    RECONNECTING = "reconnecting"  # an attempt to connect is under way


@dataclass(frozen=True, slots=True)
class ChannelStatus:
    """What the UI needs to show about the link to the hub."""

    state: ConnectionState
    since: dt.datetime
    attempt: int = 0  # failed attempts since the booth was last online
    retry_in_s: float | None = None  # OFFLINE: the delay before the next attempt
    reason: str | None = None  # OFFLINE: why (an error code, or "stopped")
    booth_id: str | None = None  # ONLINE: the id the hub knows this booth by

    @property
    def online(self) -> bool:
        return self.state is ConnectionState.ONLINE


CommandHandler = Callable[[Command], Awaitable[None]]
StatusListener = Callable[[ChannelStatus], None]


class HubSilent(HubUnavailable):
    """The hub stopped answering heartbeats."""

    code = "hub_silent"


@dataclass(slots=True)
class _Outgoing:
    frame: Frame
    durable: bool  # survives a disconnect (acks, events sent with buffer=True)


@dataclass(frozen=True, slots=True)
class _Route:
    handler: CommandHandler
    ordered: bool


class BoothChannel:
    """The booth's end of ``/ws/booth``; :meth:`start` it once, :meth:`stop` at exit."""

    def __init__(
        self,
        url: str,
        token: str,
        clock: Clock,
        *,
        backoff: Backoff | None = None,
        open_timeout_s: float = 10.0,
        welcome_timeout_s: float = 10.0,
        dead_after_heartbeats: int = 3,
        max_buffered: int = 1000,
        remembered_commands: int = 512,
    ) -> None:
        self._url = url
        self._token = token
        self._clock = clock
        self._backoff = backoff or Backoff()
        self._open_timeout_s = open_timeout_s
        self._welcome_timeout_s = welcome_timeout_s
        self._dead_after = dead_after_heartbeats
        self._routes: dict[str, _Route] = {}
        self._listeners: list[StatusListener] = []
        self._status = ChannelStatus(ConnectionState.OFFLINE, clock.now(), reason="not_started")
        self._outgoing: collections.deque[_Outgoing] = collections.deque()
        self._max_buffered = max_buffered
        self._outgoing_ready = asyncio.Event()
        self._ordered: asyncio.Queue[Command] = asyncio.Queue()
        self._results: collections.OrderedDict[str, Ack] = collections.OrderedDict()
        self._remembered = remembered_commands
        self._in_progress: set[str] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._runner: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._awaiting: dict[str, asyncio.Future[Ack]] = {}  # event id -> the hub's ack
        self._last_rx = 0.0
        self.welcome: Welcome | None = None  # the hub's last welcome (its door key...)

    # -- wiring ---------------------------------------------------------------------

    def on_command(self, name: str, handler: CommandHandler, *, ordered: bool = True) -> None:
        """Run ``handler`` for every command called ``name`` (one handler per name)."""
        if name in self._routes:
            raise ValueError(f"a handler for {name!r} is already registered")
        self._routes[name] = _Route(handler, ordered)

    def add_listener(self, listener: StatusListener) -> Callable[[], None]:
        """Call ``listener`` on every state change; returns a function that removes it."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    @property
    def status(self) -> ChannelStatus:
        return self._status

    @property
    def buffered(self) -> int:
        """Frames waiting to be sent (while offline, or just queued)."""
        return len(self._outgoing)

    # -- running --------------------------------------------------------------------

    def start(self) -> asyncio.Task[None]:
        """Start connecting (and reconnecting) in the background."""
        if self._runner is not None and not self._runner.done():
            raise RuntimeError("the channel is already running")
        self._runner = asyncio.get_running_loop().create_task(self.run(), name="booth-channel")
        return self._runner

    async def stop(self) -> None:
        """Close the connection and stop reconnecting."""
        runner, self._runner = self._runner, None
        if runner is not None:
            runner.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await runner

    def retry_now(self) -> None:
        """Cut the current backoff delay short (e.g. the network came back)."""
        self._wake.set()

    async def wait_for(self, state: ConnectionState) -> ChannelStatus:
        """Wait until the channel is in ``state`` (returns at once if it already is)."""
        if self._status.state is state:
            return self._status
        reached: asyncio.Future[ChannelStatus] = asyncio.get_running_loop().create_future()

        def check(status: ChannelStatus) -> None:
            if status.state is state and not reached.done():
                reached.set_result(status)

        remove = self.add_listener(check)
        try:
            return await reached
        finally:
            remove()

    async def run(self) -> None:
        """Connect, serve, and reconnect with backoff until cancelled."""
        worker = asyncio.get_running_loop().create_task(self._run_ordered())
        attempt = 0
        try:
            while True:
                self._publish(ConnectionState.RECONNECTING, attempt=attempt)
                reason = await self._connection()
                if self._status.online:
                    attempt = 0
                attempt += 1
                delay = self._backoff.next_delay()
                log.info("hub link down (%s); next attempt in %.1f s", reason, delay)
                self._drop_volatile()
                self._fail_waiters()
                if reason == "unauthorized":
                    # Only an operator can fix a refused token: knock rarely meanwhile.
                    delay = self._backoff.maximum
                self._publish(
                    ConnectionState.OFFLINE, attempt=attempt, retry_in_s=delay, reason=reason
                )
                await self._pause(delay)
        finally:
            worker.cancel()
            for task in list(self._tasks):
                task.cancel()
            self._fail_waiters()
            # Commands cut short by the stop were never acknowledged: the hub may send
            # them again, and they must run then.
            self._in_progress.clear()
            self._publish(ConnectionState.OFFLINE, reason="stopped")

    # -- sending --------------------------------------------------------------------

    def send_event(
        self,
        name: str,
        data: dict[str, Any] | None = None,
        *,
        event_id: str | None = None,
        buffer: bool = True,
    ) -> str:
        """Queue an event for the hub and return its id.

        With ``buffer=False`` the event is only worth sending now: raises
        :class:`HubUnavailable` when offline, and is dropped if the link goes down first.
        """
        if not buffer and not self._status.online:
            raise HubUnavailable(f"cannot send {name!r}: the hub is offline")
        event = Event(id=event_id or str(uuid.uuid4()), name=name, data=dict(data or {}))
        self._enqueue(_Outgoing(event, durable=buffer))
        return event.id

    async def request(
        self, name: str, data: dict[str, Any] | None = None, *, timeout_s: float = 10.0
    ) -> dict[str, Any]:
        """Send an event now and wait for the hub's ack; the ack's ``data``.

        For events whose answer the booth needs (``call_request`` -> the queue entry).
        Raises :class:`HubUnavailable` when offline, when the link drops or no ack comes
        within ``timeout_s`` on the clock, and :class:`HubRejected` with the hub's code
        when it refuses.
        """
        event_id = self.send_event(name, data, buffer=False)
        future: asyncio.Future[Ack] = asyncio.get_running_loop().create_future()
        self._awaiting[event_id] = future
        try:
            ack = await self._within(timeout_s, future)
        finally:
            self._awaiting.pop(event_id, None)
        if ack is None:
            raise HubUnavailable(f"the hub did not acknowledge {name!r} in time")
        if not ack.ok:
            raise HubRejected(f"the hub refused {name!r}", code=ack.error or HubRejected.code)
        return dict(ack.data or {})

    def _enqueue(self, item: _Outgoing) -> None:
        if len(self._outgoing) >= self._max_buffered:
            dropped = self._outgoing.popleft()
            log.warning("outgoing queue full; dropped the oldest %s", type(dropped.frame).__name__)
        self._outgoing.append(item)
        self._outgoing_ready.set()

    def _fail_waiters(self) -> None:
        for future in self._awaiting.values():
            if not future.done():
                future.set_exception(HubUnavailable("the link to the hub was lost"))

    def _drop_volatile(self) -> None:
        kept = [item for item in self._outgoing if item.durable]
        if len(kept) != len(self._outgoing):
            log.info("dropped %d stale frames", len(self._outgoing) - len(kept))
            self._outgoing = collections.deque(kept)

    # -- one connection -------------------------------------------------------------

    async def _connection(self) -> str:
        """Connect and serve until the link ends; the reason it ended."""
        headers = {"Authorization": f"Bearer {self._token}"}
        try:
            async with connect(
                self._url,
                additional_headers=headers,
                open_timeout=self._open_timeout_s,
                ping_interval=None,  # our own heartbeats run on the injected clock
                close_timeout=1.0,
                max_size=4 * 1024 * 1024,
            ) as ws:
                welcome = await self._within(self._welcome_timeout_s, self._welcome(ws))
                if welcome is None:
                    return "no_welcome"
                self._backoff.reset()
                self.welcome = welcome
                self._last_rx = self._clock.monotonic()
                log.info("hub link up as booth %s", welcome.booth_id)
                self._publish(ConnectionState.ONLINE, booth_id=welcome.booth_id)
                return await self._serve(ws, welcome.heartbeat_s)
        except InvalidStatus as exc:
            status = exc.response.status_code
            log.warning("the hub refused the booth's connection: HTTP %d", status)
            return "unauthorized" if status in (401, 403) else "hub_refused"
        except (OSError, TimeoutError, WebSocketException, BadFrame) as exc:
            log.info("hub link failed: %s", type(exc).__name__)
            return HubUnavailable.code

    async def _welcome(self, ws: ClientConnection) -> Welcome:
        while True:
            frame = parse_frame(await ws.recv())
            if isinstance(frame, Welcome):
                return frame
            if isinstance(frame, Ping):
                await ws.send(encode_frame(Pong(frame.ts)))

    async def _serve(self, ws: ClientConnection, heartbeat_s: float) -> str:
        loop = asyncio.get_running_loop()
        tasks = {
            loop.create_task(self._read(ws)),
            loop.create_task(self._heartbeat(ws, heartbeat_s)),
            loop.create_task(self._write(ws)),
        }
        try:
            done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        finished = done.pop()
        exc = finished.exception()
        if exc is None:
            return finished.result()
        if isinstance(exc, ConnectionClosed | OSError):
            return "connection_lost"
        if isinstance(exc, XiaowuError):
            return exc.code
        raise exc

    async def _read(self, ws: ClientConnection) -> str:
        async for text in ws:
            self._last_rx = self._clock.monotonic()
            try:
                frame = parse_frame(text)
            except BadFrame as exc:
                log.warning("ignored a malformed frame from the hub: %s", exc)
                continue
            if isinstance(frame, Ping):
                await ws.send(encode_frame(Pong(frame.ts)))
            elif isinstance(frame, Command):
                self._dispatch(frame)
            elif isinstance(frame, Ack):
                waiter = self._awaiting.get(frame.id)
                if waiter is not None and not waiter.done():
                    waiter.set_result(frame)
            elif not isinstance(frame, Pong):
                log.debug("ignored a %s frame", type(frame).__name__)
        return "hub_closed"

    async def _heartbeat(self, ws: ClientConnection, period: float) -> str:
        while True:
            await self._clock.sleep(period)
            if self._clock.monotonic() - self._last_rx >= self._dead_after * period:
                log.warning("the hub has been silent for %d heartbeats", self._dead_after)
                return HubSilent.code
            await ws.send(encode_frame(Ping(ts=self._clock.now().timestamp())))

    async def _write(self, ws: ClientConnection) -> str:
        while True:
            while self._outgoing:
                # Sent before it leaves the queue: a frame interrupted by a lost link is
                # sent again after the reconnect (the hub dedupes by id).
                await ws.send(encode_frame(self._outgoing[0].frame))
                self._outgoing.popleft()
            self._outgoing_ready.clear()
            await self._outgoing_ready.wait()

    # -- commands -------------------------------------------------------------------

    def _dispatch(self, command: Command) -> None:
        done = self._results.get(command.id)
        if done is not None:
            log.info("command %s (%s) repeated; acknowledged again", command.id, command.name)
            self._enqueue(_Outgoing(done, durable=True))
            return
        if command.id in self._in_progress:
            return
        route = self._routes.get(command.name)
        if route is None:
            log.warning("no handler for command %r", command.name)
            self._finish(command, Ack(command.id, ok=False, error="unknown_command"))
            return
        self._in_progress.add(command.id)
        if route.ordered:
            self._ordered.put_nowait(command)
        else:
            task = asyncio.get_running_loop().create_task(self._execute(command))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _run_ordered(self) -> None:
        while True:
            command = await self._ordered.get()
            await self._execute(command)

    async def _execute(self, command: Command) -> None:
        route = self._routes[command.name]
        try:
            await route.handler(command)
        except XiaowuError as exc:
            log.info("command %s failed: %s", command.name, exc.code)
            ack = Ack(command.id, ok=False, error=exc.code)
        except Exception:
            log.exception("command %s crashed its handler", command.name)
            ack = Ack(command.id, ok=False, error="internal")
        else:
            ack = Ack(command.id, ok=True)
        self._finish(command, ack)

    def _finish(self, command: Command, ack: Ack) -> None:
        self._in_progress.discard(command.id)
        self._results[command.id] = ack
        while len(self._results) > self._remembered:
            self._results.popitem(last=False)
        self._enqueue(_Outgoing(ack, durable=True))

    # -- helpers --------------------------------------------------------------------

    def _publish(
        self,
        state: ConnectionState,
        *,
        attempt: int = 0,
        retry_in_s: float | None = None,
        reason: str | None = None,
        booth_id: str | None = None,
    ) -> None:
        self._status = ChannelStatus(
            state, self._clock.now(), attempt, retry_in_s, reason, booth_id
        )
        for listener in list(self._listeners):
            try:
                listener(self._status)
            except Exception:
                log.exception("a channel status listener failed")

    async def _pause(self, seconds: float) -> None:
        self._wake.clear()
        loop = asyncio.get_running_loop()
        sleeper = loop.create_task(self._clock.sleep(seconds))
        waker = loop.create_task(self._wake.wait())
        try:
            await asyncio.wait({sleeper, waker}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            sleeper.cancel()
            waker.cancel()

    async def _within(self, seconds: float, work: Awaitable[T]) -> T | None:
        """``work``'s result, or None if ``seconds`` pass on the clock first."""
        loop = asyncio.get_running_loop()
        task = asyncio.ensure_future(work)
        timer = loop.create_task(self._clock.sleep(seconds))
        try:
            await asyncio.wait({task, timer}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            timer.cancel()
            if not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        return None if task.cancelled() else task.result()
