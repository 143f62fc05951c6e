"""Several hub processes on one PostgreSQL share their live connections through
PostgreSQL's LISTEN/NOTIFY (no other service to run).

Theory of operation
===================
Every process keeps its own switchboard (kiosk.hub.switchboard) and a replica of what the
others hold: which peers are connected where (with department and presence) and who is
in which call. Whatever changes that, and whatever must reach a peer connected to
another process, is published as one JSON message on the channel ``xiaowu_hub``:

    online/offline   a link attached to or left a process (peer, department, presence)
    presence         a clerk's presence changed
    join/leave/end   call membership
    deliver          a frame for one peer (a signal, a queue update, a command sent
                     without waiting for its ack)
    department       a frame for every clerk of a department
    command/ack      a command whose ack the sender waits for, and that ack
    hello            a process started: the others announce their links again

Each process listens on its own connection and publishes on another, one message at a
time in the order it was produced, so a ``join`` reaches the others before the signals
that depend on it. Messages carry the sender's process id; a process ignores its own.
A NOTIFY payload is limited to 8,000 bytes: longer messages (SDP offers can be) are cut
into parts sent in one transaction, which PostgreSQL delivers together and in order.

SQLite has no such channel: a hub on SQLite is one process, and uses no fanout.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

log = logging.getLogger(__name__)

CHANNEL = "xiaowu_hub"
PART_BYTES = 7000  # under PostgreSQL's 8,000-byte NOTIFY limit, with room for the header

Handler = Callable[[dict[str, Any]], Awaitable[None]]


class Fanout(Protocol):
    """What the switchboard needs to reach the other hub processes."""

    process_id: str

    def publish(self, message: dict[str, Any]) -> None:
        """Queue ``message`` for the other processes (in order, without waiting)."""


def split(message_id: str, text: str) -> list[str]:
    """``text`` as NOTIFY payloads: itself when short, else numbered parts."""
    if len(text.encode()) <= PART_BYTES:
        return [text]
    parts: list[str] = []
    current: list[str] = []
    size = 0
    for char in text:  # cut on characters, so no part ends inside a UTF-8 sequence
        width = len(char.encode())
        if size + width > PART_BYTES - 100:
            parts.append("".join(current))
            current, size = [], 0
        current.append(char)
        size += width
    parts.append("".join(current))
    return [f"~{message_id}:{i}:{len(parts)}:{part}" for i, part in enumerate(parts)]


class Reassembly:
    """Joins the parts of long messages back together (they arrive in order)."""

    def __init__(self) -> None:
        self._parts: dict[str, list[str]] = {}

    def feed(self, payload: str) -> str | None:
        """The whole message once complete, else None."""
        if not payload.startswith("~"):
            return payload
        message_id, index, total, part = payload[1:].split(":", 3)
        parts = self._parts.setdefault(message_id, [])
        if int(index) != len(parts):  # a part went missing: drop the message
            self._parts.pop(message_id, None)
            return None
        parts.append(part)
        if len(parts) < int(total):
            return None
        del self._parts[message_id]
        return "".join(parts)


class PostgresFanout:
    """LISTEN/NOTIFY on one PostgreSQL database (psycopg 3, async)."""

    def __init__(self, url: str, on_message: Handler) -> None:
        self.process_id = uuid.uuid4().hex[:12]
        self._url = url
        self._on_message = on_message
        self._outbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._tasks: list[asyncio.Task[None]] = []

    def publish(self, message: dict[str, Any]) -> None:
        self._outbox.put_nowait({**message, "from": self.process_id})

    async def start(self) -> None:
        """Listen, then start publishing; returns once this process hears the channel."""
        import psycopg

        listener = await psycopg.AsyncConnection.connect(self._url, autocommit=True)
        publisher = await psycopg.AsyncConnection.connect(self._url, autocommit=True)
        await listener.execute(f"LISTEN {CHANNEL}")
        self._tasks = [
            asyncio.create_task(self._listen(listener), name="fanout-listen"),
            asyncio.create_task(self._publish(publisher), name="fanout-publish"),
        ]
        log.info("hub process %s shares its connections through PostgreSQL", self.process_id)

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    async def _listen(self, conn: Any) -> None:
        parts = Reassembly()
        try:
            async for note in conn.notifies():
                text = parts.feed(note.payload)
                if text is None:
                    continue
                try:
                    message = json.loads(text)
                except ValueError:
                    log.warning("fanout: a message that is not JSON was dropped")
                    continue
                if message.get("from") == self.process_id:
                    continue
                try:
                    await self._on_message(message)
                except Exception:  # one bad message must not stop the listener
                    log.exception("fanout: %s message failed", message.get("op"))
        finally:
            await conn.close()

    async def _publish(self, conn: Any) -> None:
        try:
            while True:
                message = await self._outbox.get()
                text = json.dumps(message, ensure_ascii=False, separators=(",", ":"))
                payloads = split(uuid.uuid4().hex[:8], text)
                try:
                    async with conn.transaction():
                        for payload in payloads:
                            await conn.execute("SELECT pg_notify(%s, %s)", (CHANNEL, payload))
                except Exception:
                    log.exception("fanout: a %s message was not published", message.get("op"))
        finally:
            await conn.close()
