"""The live connections of one hub process: booth and clerk WebSockets.

The switchboard knows who is online, sends commands to booths and waits for their
acks, delivers frames to clerks, relays WebRTC signaling between the participants of a
call, and tracks clerk presence (online, busy, away). It knows nothing of HTTP or the
database; handlers call it with plain dicts (frames of :mod:`kiosk.hub.protocol`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from kiosk.core.clock import Clock

log = logging.getLogger(__name__)

# The heartbeat sweep visits 1/SWEEP_SLICES of the links at a time: with 2,800 links and
# 10 slices, 280 pings left in one burst every second and a signal arriving behind them
# waited for all of them (bench/hub.py); 50 slices keep a burst under 60 sends.
SWEEP_SLICES = 50
SendFn = Callable[[str], Awaitable[None]]  # sends one text frame
CloseFn = Callable[[int, str], Awaitable[None]]


class BoothOffline(Exception):
    """The booth has no live connection to this hub."""


class CommandFailed(Exception):
    """The booth answered a command with ``ok: false`` or did not answer in time."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(eq=False)
class Link:
    """One live WebSocket: a booth or a clerk console."""

    peer: str  # "booth:<id>" or "clerk:<id>"
    send_frame: SendFn
    close: CloseFn
    department: str | None = None
    presence: str = "online"  # clerks: online|busy|away
    name: str = ""
    last_seen: float = 0.0
    pending: dict[str, asyncio.Future[dict[str, Any]]] = field(default_factory=dict)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    health: dict[str, Any] = field(default_factory=dict)
    # Which slice of the heartbeat sweep visits this link, so pings to thousands of
    # sockets spread over the interval instead of leaving in one burst.
    sweep_slot: int = field(default_factory=lambda: random.randrange(SWEEP_SLICES))

    async def send(self, frame: dict[str, Any]) -> None:
        await self.send_text(json.dumps(frame, ensure_ascii=False))

    async def send_text(self, text: str) -> None:
        async with self.lock:
            await self.send_frame(text)


class Switchboard:
    """Registry of links, command/ack bookkeeping, delivery and relay."""

    def __init__(self, clock: Clock, command_timeout_s: float = 10.0) -> None:
        self._clock = clock
        self._timeout = command_timeout_s
        self.links: dict[str, Link] = {}
        self._by_department: dict[str, set[str]] = {}
        self.calls: dict[str, set[str]] = {}  # call id -> peers in it
        self._calls_of: dict[str, set[str]] = {}  # peer -> its calls (the reverse index)

    # -- connections -------------------------------------------------------------------
    async def attach(self, link: Link) -> None:
        """Register ``link``; an older link of the same peer is closed (it reconnected)."""
        old = self.links.get(link.peer)
        link.last_seen = self._clock.monotonic()
        self.links[link.peer] = link
        if link.department:
            self._by_department.setdefault(link.department, set()).add(link.peer)
        if old is not None:
            self._fail_pending(old, "replaced")
            with contextlib.suppress(Exception):
                await old.close(4000, "replaced by a newer connection")

    def detach(self, link: Link) -> None:
        if self.links.get(link.peer) is link:
            del self.links[link.peer]
            if link.department:
                self._by_department.get(link.department, set()).discard(link.peer)
        self._fail_pending(link, "disconnected")

    def _fail_pending(self, link: Link, code: str) -> None:
        for fut in link.pending.values():
            if not fut.done():
                fut.set_exception(CommandFailed(code))
        link.pending.clear()

    def online(self, peer: str) -> bool:
        return peer in self.links

    def booths_online(self) -> int:
        return sum(1 for p in self.links if p.startswith("booth:"))

    def clerks_of(self, department: str) -> list[Link]:
        return [self.links[p] for p in self._by_department.get(department, ()) if p in self.links]

    def seen(self, link: Link) -> None:
        link.last_seen = self._clock.monotonic()

    # -- commands to booths ------------------------------------------------------------
    async def command(
        self, booth_id: str, name: str, data: dict[str, Any], *, wait: bool = True
    ) -> dict[str, Any]:
        """Send a command to a booth; with ``wait``, return its ack or raise."""
        link = self.links.get(f"booth:{booth_id}")
        if link is None:
            if not wait:
                return {}  # fire and forget: a booth that is gone misses it
            raise BoothOffline(booth_id)
        command_id = uuid.uuid4().hex
        frame = {"type": "command", "id": command_id, "name": name, "data": data}
        if not wait:
            with contextlib.suppress(Exception):
                await link.send(frame)
            return {}
        fut: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        link.pending[command_id] = fut
        try:
            await link.send(frame)
            ack = await asyncio.wait_for(fut, self._timeout)
        except TimeoutError:
            raise CommandFailed("timeout") from None
        except CommandFailed:
            raise
        except Exception as exc:  # the socket broke while sending
            raise CommandFailed("disconnected") from exc
        finally:
            link.pending.pop(command_id, None)
        if not ack.get("ok", False):
            raise CommandFailed(str(ack.get("error") or "refused"))
        return ack

    def acked(self, link: Link, frame: dict[str, Any]) -> None:
        fut = link.pending.get(str(frame.get("id", "")))
        if fut is not None and not fut.done():
            fut.set_result(frame)

    # -- delivery ----------------------------------------------------------------------
    async def deliver(self, peer: str, frame: dict[str, Any]) -> bool:
        """Send ``frame`` to a clerk as is, or to a booth wrapped in a command."""
        link = self.links.get(peer)
        if link is None:
            return False
        try:
            if peer.startswith("booth:"):
                name = str(frame.get("type"))
                data = {k: v for k, v in frame.items() if k != "type"}
                await link.send(
                    {"type": "command", "id": uuid.uuid4().hex, "name": name, "data": data}
                )
            else:
                await link.send(frame)
        except Exception:
            log.info("could not deliver a %s frame to %s", frame.get("type"), peer)
            return False
        return True

    async def to_department(self, department: str, frame: dict[str, Any]) -> None:
        """Send one frame to every clerk of a department online (serialized once)."""
        text = json.dumps(frame, ensure_ascii=False)

        async def one(link: Link) -> None:
            try:
                await link.send_text(text)
            except Exception:
                log.info("could not deliver a %s frame to %s", frame.get("type"), link.peer)

        await asyncio.gather(*(one(link) for link in self.clerks_of(department)))

    async def to_call(
        self, call_id: str, frame: dict[str, Any], *, except_peer: str | None = None
    ) -> None:
        peers = [p for p in self.calls.get(call_id, ()) if p != except_peer]
        await asyncio.gather(*(self.deliver(p, frame) for p in peers))

    # -- calls and signaling -----------------------------------------------------------
    def join_call(self, call_id: str, peer: str) -> None:
        self.calls.setdefault(call_id, set()).add(peer)
        self._calls_of.setdefault(peer, set()).add(call_id)
        self._update_presence(peer)

    def leave_call(self, call_id: str, peer: str) -> None:
        peers = self.calls.get(call_id)
        if peers is not None:
            peers.discard(peer)
            if not peers:
                del self.calls[call_id]
        self._forget(peer, call_id)
        self._update_presence(peer)

    def end_call(self, call_id: str) -> set[str]:
        peers = self.calls.pop(call_id, set())
        for peer in peers:
            self._forget(peer, call_id)
            self._update_presence(peer)
        return peers

    def _forget(self, peer: str, call_id: str) -> None:
        calls = self._calls_of.get(peer)
        if calls is not None:
            calls.discard(call_id)
            if not calls:
                del self._calls_of[peer]

    def in_call(self, call_id: str, peer: str) -> bool:
        return peer in self.calls.get(call_id, ())

    def calls_of(self, peer: str) -> list[str]:
        return list(self._calls_of.get(peer, ()))

    async def relay_signal(self, sender: str, data: dict[str, Any]) -> str | None:
        """Relay a WebRTC signal between two participants of one call.

        Returns None when relayed, else an error code.
        """
        call_id = str(data.get("call_id", ""))
        target = str(data.get("to", ""))
        if data.get("kind") not in ("offer", "answer", "candidate", "bye"):
            return "bad_signal"
        if not self.in_call(call_id, sender):
            return "not_in_call"
        if not self.in_call(call_id, target):
            return "peer_not_in_call"
        frame = {"type": "signal", **data, "from": sender}
        delivered = await self.deliver(target, frame)
        return None if delivered else "peer_offline"

    # -- presence ----------------------------------------------------------------------
    def set_presence(self, peer: str, status: str) -> None:
        link = self.links.get(peer)
        if link is not None:
            link.presence = status
            self._update_presence(peer)

    def _update_presence(self, peer: str) -> None:
        link = self.links.get(peer)
        if link is None or not peer.startswith("clerk:"):
            return
        busy = bool(self._calls_of.get(peer))
        if busy and link.presence == "online":
            link.presence = "busy"
        elif not busy and link.presence == "busy":
            link.presence = "online"

    def presence(self, peer: str) -> str:
        link = self.links.get(peer)
        return "offline" if link is None else link.presence
