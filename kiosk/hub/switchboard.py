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
from dataclasses import dataclass
from typing import Any

from kiosk.core.clock import Clock
from kiosk.hub.fanout import Fanout

log = logging.getLogger(__name__)

# The heartbeat sweep visits 1/SWEEP_SLICES of the links at a time: with 2,800 links and
# 10 slices, 280 pings left in one burst every second and a signal arriving behind them
# waited for all of them (bench/hub.py); 50 slices keep a burst under 60 sends.
SWEEP_SLICES = 50
SendFn = Callable[[str], Awaitable[None]]  # sends one text frame
CloseFn = Callable[[int, str], Awaitable[None]]


# Frames a link may have queued for a peer that is not reading before it is closed: about
# a minute of a busy clerk's traffic (queue updates, signals, pings), and far more than a
# peer that reads ever has waiting.
OUTBOX_FRAMES = 1000


class LinkClosed(Exception):
    """The link is closed (or was closed just now because its peer stopped reading)."""


class BoothOffline(Exception):
    """The booth has no live connection to this hub."""


class CommandFailed(Exception):
    """The booth answered a command with ``ok: false`` or did not answer in time."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class Link:
    """One live WebSocket: a booth or a clerk console.

    Sending never waits for the peer: :meth:`send_text` puts the frame in the link's
    bounded outbox and returns, and one writer task per link drains it onto the socket in
    order. A relay used to await the receiver's socket inside the sender's read loop, so
    one receiver that stopped reading stalled the sender, everything behind it and its
    heartbeats (bench/hub.py). A peer whose outbox overflows is not reading: it is closed
    (4429, "send queue full") and its frames are dropped; nothing upstream waits for it.
    """

    def __init__(
        self,
        peer: str,
        send_frame: SendFn,
        close: CloseFn,
        department: str | None = None,
        name: str = "",
        *,
        outbox_frames: int = OUTBOX_FRAMES,
    ) -> None:
        self.peer = peer  # "booth:<id>" or "clerk:<id>"
        self.send_frame = send_frame  # the socket's own send; only the writer calls it
        self._close_socket = close
        self.department = department
        self.presence = "online"  # clerks: online|busy|away
        self.name = name
        self.session = ""  # a clerk's session (token hash): logout closes its socket
        self.last_seen = 0.0
        self.pending: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self.health: dict[str, Any] = {}
        # Booths: whether a citizen session runs, as the booth last said (None: not yet
        # said on this connection; kiosk.hub.door).
        self.in_session: bool | None = None
        # Which slice of the heartbeat sweep visits this link, so pings to thousands of
        # sockets spread over the interval instead of leaving in one burst.
        self.sweep_slot = random.randrange(SWEEP_SLICES)  # nosec B311 # load spreading, not a secret
        self.closed = False
        self.close_reason = ""
        self._outbox: asyncio.Queue[str] = asyncio.Queue(outbox_frames)
        self._writer: asyncio.Task[None] | None = None
        self._closing: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start the writer (on the running loop); frames sent before wait for it."""
        if self._writer is None and not self.closed:
            self._writer = asyncio.create_task(self._write(), name=f"writer {self.peer}")

    @property
    def queued(self) -> int:
        """Frames waiting in the outbox."""
        return self._outbox.qsize()

    async def send(self, frame: dict[str, Any]) -> None:
        self.post(json.dumps(frame, ensure_ascii=False))

    async def send_text(self, text: str) -> None:
        self.post(text)

    def post(self, text: str) -> None:
        """Queue one text frame without waiting; raises :class:`LinkClosed` if the link is
        closed, and closes it (without waiting) if its outbox is full."""
        if self.closed:
            raise LinkClosed(self.peer)
        try:
            self._outbox.put_nowait(text)
        except asyncio.QueueFull:
            log.warning("%s is not reading: %d frames queued; closing", self.peer, self.queued)
            self.close_soon(4429, "send queue full")
            raise LinkClosed(self.peer) from None

    async def _write(self) -> None:
        while True:
            text = await self._outbox.get()
            try:
                await self.send_frame(text)
            except Exception:  # the socket is gone: stop; the read loop detaches the link
                self.closed = True
                self.close_reason = self.close_reason or "send failed"
                return

    def close_soon(self, code: int, reason: str) -> None:
        """Stop taking frames now and close in the background (for callers that must not
        wait on the peer); :meth:`wait_closed` waits for it."""
        if self._closing is None:
            self.closed = True
            self.close_reason = self.close_reason or reason
            self._closing = asyncio.create_task(self._shut(code, reason))

    async def close(self, code: int, reason: str) -> None:
        """Stop the writer (queued frames are dropped) and close the socket."""
        self.close_soon(code, reason)
        await self.wait_closed()

    async def wait_closed(self) -> None:
        if self._closing is not None:
            with contextlib.suppress(Exception):
                await asyncio.shield(self._closing)

    async def _shut(self, code: int, reason: str) -> None:
        await self.stop()
        with contextlib.suppress(Exception):
            await self._close_socket(code, reason)

    async def stop(self) -> None:
        """Take no more frames; cancel the writer and wait for it (the socket is left as is)."""
        self.closed = True
        writer, self._writer = self._writer, None
        if writer is not None and writer is not asyncio.current_task():
            writer.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await writer


@dataclass(slots=True)
class RemotePeer:
    """A peer connected to another hub process (kiosk.hub.fanout)."""

    process: str
    department: str | None
    presence: str


class Switchboard:
    """Registry of links, command/ack bookkeeping, delivery and relay.

    With a :class:`~kiosk.hub.fanout.Fanout` (several hub processes on PostgreSQL) it
    also keeps a replica of the peers and calls of the other processes, and reaches their
    peers through it; :meth:`on_fanout` applies what the others publish.
    """

    def __init__(self, clock: Clock, command_timeout_s: float = 10.0) -> None:
        self._clock = clock
        self._timeout = command_timeout_s
        self.links: dict[str, Link] = {}
        self.fanout: Fanout | None = None
        self._remote: dict[str, RemotePeer] = {}
        self._remote_acks: dict[str, asyncio.Future[dict[str, Any]]] = {}
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
        self._remote.pop(link.peer, None)
        self._share_link(link)
        link.start()
        if old is not None:
            self._fail_pending(old, "replaced")
            # In the background: a stale socket may not drain; its read loop waits for it.
            old.close_soon(4000, "replaced by a newer connection")

    def detach(self, link: Link) -> None:
        if self.links.get(link.peer) is link:
            del self.links[link.peer]
            if link.department:
                self._by_department.get(link.department, set()).discard(link.peer)
            if self.fanout is not None:
                self.fanout.publish({"op": "offline", "peer": link.peer})
        self._fail_pending(link, "disconnected")

    def end_session(self, session: str) -> int:
        """Close the sockets of a clerk session that ended (logout), here and, through the
        fanout, in the other hub processes; the number closed here."""
        self._share({"op": "end_session", "session": session})
        return self._close_session(session)

    def _close_session(self, session: str) -> int:
        closed = 0
        for link in list(self.links.values()):
            if session and link.session == session:
                self.detach(link)
                link.close_soon(4401, "logged out")
                closed += 1
        return closed

    def _share_link(self, link: Link) -> None:
        if self.fanout is not None:
            self.fanout.publish(
                {
                    "op": "online",
                    "peer": link.peer,
                    "department": link.department,
                    "presence": link.presence,
                }
            )

    def _fail_pending(self, link: Link, code: str) -> None:
        for fut in link.pending.values():
            if not fut.done():
                fut.set_exception(CommandFailed(code))
        link.pending.clear()

    def online(self, peer: str) -> bool:
        return peer in self.links or peer in self._remote

    def booths_online(self) -> int:
        local = sum(1 for p in self.links if p.startswith("booth:"))
        return local + sum(1 for p in self._remote if p.startswith("booth:"))

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
        if link is None and self.fanout is not None and f"booth:{booth_id}" in self._remote:
            return await self._remote_command(self.fanout, booth_id, name, data, wait=wait)
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

    async def _remote_command(
        self, fanout: Fanout, booth_id: str, name: str, data: dict[str, Any], *, wait: bool
    ) -> dict[str, Any]:
        """A command for a booth connected to another process, which sends it and, when
        asked to wait, publishes the booth's ack back."""
        command_id = uuid.uuid4().hex
        if not wait:
            frame = {"type": "command", "id": command_id, "name": name, "data": data}
            fanout.publish({"op": "deliver", "peer": f"booth:{booth_id}", "frame": frame})
            return {}
        fut: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._remote_acks[command_id] = fut
        fanout.publish(
            {"op": "command", "id": command_id, "booth": booth_id, "name": name, "data": data}
        )
        try:
            reply = await asyncio.wait_for(fut, self._timeout)
        except TimeoutError:
            raise CommandFailed("timeout") from None
        finally:
            self._remote_acks.pop(command_id, None)
        if reply.get("error"):
            if reply["error"] == "offline":
                raise BoothOffline(booth_id)
            raise CommandFailed(str(reply["error"]))
        ack: dict[str, Any] = reply.get("ack") or {}
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
            if self.fanout is None or peer not in self._remote:
                return False
            if peer.startswith("booth:"):
                await self.command(peer.removeprefix("booth:"), *_as_command(frame), wait=False)
            else:
                self.fanout.publish({"op": "deliver", "peer": peer, "frame": frame})
            return True
        try:
            if peer.startswith("booth:"):
                name, data = _as_command(frame)
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
        if self.fanout is not None:
            self.fanout.publish({"op": "department", "department": department, "frame": frame})
        await self._to_local_department(department, frame)

    async def _to_local_department(self, department: str, frame: dict[str, Any]) -> None:
        text = json.dumps(frame, ensure_ascii=False)
        for link in self.clerks_of(department):
            try:
                link.post(text)
            except LinkClosed:
                log.info("could not deliver a %s frame to %s", frame.get("type"), link.peer)

    async def to_call(
        self, call_id: str, frame: dict[str, Any], *, except_peer: str | None = None
    ) -> None:
        peers = [p for p in self.calls.get(call_id, ()) if p != except_peer]
        await asyncio.gather(*(self.deliver(p, frame) for p in peers))

    # -- calls and signaling -----------------------------------------------------------
    def join_call(self, call_id: str, peer: str) -> None:
        self._share({"op": "join", "call_id": call_id, "peer": peer})
        self._join(call_id, peer)

    def leave_call(self, call_id: str, peer: str) -> None:
        self._share({"op": "leave", "call_id": call_id, "peer": peer})
        self._leave(call_id, peer)

    def end_call(self, call_id: str) -> set[str]:
        self._share({"op": "end", "call_id": call_id})
        return self._end(call_id)

    def _share(self, message: dict[str, Any]) -> None:
        if self.fanout is not None:
            self.fanout.publish(message)

    def _join(self, call_id: str, peer: str) -> None:
        self.calls.setdefault(call_id, set()).add(peer)
        self._calls_of.setdefault(peer, set()).add(call_id)
        self._update_presence(peer)

    def _leave(self, call_id: str, peer: str) -> None:
        peers = self.calls.get(call_id)
        if peers is not None:
            peers.discard(peer)
            if not peers:
                del self.calls[call_id]
        self._forget(peer, call_id)
        self._update_presence(peer)

    def _end(self, call_id: str) -> set[str]:
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
        # The fixed keys last: a peer's data never sets the frame's type or sender.
        frame = {**data, "type": "signal", "from": sender}
        delivered = await self.deliver(target, frame)
        return None if delivered else "peer_offline"

    # -- presence ----------------------------------------------------------------------
    def set_presence(self, peer: str, status: str) -> None:
        link = self.links.get(peer)
        if link is not None:
            before = link.presence
            link.presence = status
            self._update_presence(peer)
            if link.presence != before:
                self._share({"op": "presence", "peer": peer, "presence": link.presence})

    def _update_presence(self, peer: str) -> None:
        link = self.links.get(peer)
        if link is None or not peer.startswith("clerk:"):
            return
        before = link.presence
        busy = bool(self._calls_of.get(peer))
        if busy and link.presence == "online":
            link.presence = "busy"
        elif not busy and link.presence == "busy":
            link.presence = "online"
        if link.presence != before:
            self._share({"op": "presence", "peer": peer, "presence": link.presence})

    def presence(self, peer: str) -> str:
        link = self.links.get(peer)
        if link is not None:
            return link.presence
        remote = self._remote.get(peer)
        return "offline" if remote is None else remote.presence

    # -- other hub processes (kiosk.hub.fanout) ----------------------------------------
    async def on_fanout(self, message: dict[str, Any]) -> None:
        """Apply a message another hub process published."""
        op, sender = message.get("op"), str(message.get("from", ""))
        peer = str(message.get("peer", ""))
        if op == "online":
            local = self.links.get(peer)
            self._remote[peer] = RemotePeer(
                sender, message.get("department"), str(message.get("presence", "online"))
            )
            if local is not None:  # it reconnected to another process
                del self.links[peer]
                if local.department:
                    self._by_department.get(local.department, set()).discard(peer)
                self._fail_pending(local, "replaced")
                local.close_soon(4000, "replaced by a newer connection")
        elif op == "offline":
            remote = self._remote.get(peer)
            if remote is not None and remote.process == sender:
                del self._remote[peer]
        elif op == "presence":
            remote = self._remote.get(peer)
            if remote is not None:
                remote.presence = str(message.get("presence"))
        elif op == "join":
            self._join(str(message["call_id"]), peer)
        elif op == "leave":
            self._leave(str(message["call_id"]), peer)
        elif op == "end":
            self._end(str(message["call_id"]))
        elif op == "deliver" and peer in self.links:
            frame = message.get("frame")
            if isinstance(frame, dict):
                if peer.startswith("booth:") and frame.get("type") == "command":
                    with contextlib.suppress(Exception):
                        await self.links[peer].send(frame)
                else:
                    await self.deliver(peer, frame)
        elif op == "department":
            frame = message.get("frame")
            if isinstance(frame, dict):
                await self._to_local_department(str(message.get("department")), frame)
        elif op == "command":
            await self._command_for_another(message, sender)
        elif op == "ack" and message.get("to") == (self.fanout and self.fanout.process_id):
            fut = self._remote_acks.get(str(message.get("id")))
            if fut is not None and not fut.done():
                fut.set_result(message)
        elif op == "hello":
            for link in list(self.links.values()):
                self._share_link(link)
        elif op == "end_session":
            self._close_session(str(message.get("session", "")))

    async def _command_for_another(self, message: dict[str, Any], sender: str) -> None:
        booth_id = str(message.get("booth"))
        if f"booth:{booth_id}" not in self.links or self.fanout is None:
            return  # the process holding the booth answers
        reply: dict[str, Any] = {"op": "ack", "id": message.get("id"), "to": sender}
        data = message.get("data") if isinstance(message.get("data"), dict) else {}
        try:
            reply["ack"] = await self.command(booth_id, str(message.get("name")), data or {})
        except BoothOffline:
            reply["error"] = "offline"
        except CommandFailed as exc:
            reply["error"] = exc.code
        self.fanout.publish(reply)


def _as_command(frame: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """A clerk-style frame as a booth command: its type is the name, the rest the data."""
    return str(frame.get("type")), {k: v for k, v in frame.items() if k != "type"}
