"""WebRTC signaling messages and the port they travel through.

The booth's call module never knows how signaling travels. It is given a
:class:`SignalingPort`: ``send(message)`` and an async iterator of received messages.
In unit tests two ports are crossed queues (:func:`crossed_signaling`); on a booth the
port is a :class:`ChannelSignaling` that the composition root connects to the hub's
booth WebSocket, where a message is the ``data`` of a ``signal`` command (hub -> booth)
or ``signal`` event (booth -> hub), as kiosk.hub.protocol describes::

    {"call_id": "...", "from": "booth:tianhe-07", "to": "clerk:42",
     "kind": "offer" | "answer" | "candidate" | "bye", "sdp": "...", "candidate": {...}}

Theory of operation: the booth offers. Every offer the booth sends starts a *new* peer
connection at the receiver (aiortc has no ICE restart, so recovering a call means a new
connection and a new offer); a receiver that gets an offer from a participant it is
already connected to drops the old connection and answers with a new one. A remote
participant may also offer first; the booth answers and, from then on, the same rules
apply. ``bye`` means that participant left the call.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from kiosk.core.errors import ProtocolViolation

SignalKind = Literal["offer", "answer", "candidate", "bye"]
_KINDS = ("offer", "answer", "candidate", "bye")


@dataclass(frozen=True, slots=True)
class SignalMessage:
    """One signaling message between the booth and one remote participant."""

    call_id: str
    sender: str
    recipient: str
    kind: SignalKind
    sdp: str = ""
    candidate: Mapping[str, Any] | None = None
    # Optional description of the sender (name, department, seat) for the call screen.
    info: Mapping[str, str] = field(default_factory=dict)

    def to_data(self) -> dict[str, Any]:
        """The ``data`` object of a hub ``signal`` command or event."""
        data: dict[str, Any] = {
            "call_id": self.call_id,
            "from": self.sender,
            "to": self.recipient,
            "kind": self.kind,
        }
        if self.sdp:
            data["sdp"] = self.sdp
        if self.candidate is not None:
            data["candidate"] = dict(self.candidate)
        if self.info:
            data["info"] = dict(self.info)
        return data

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> SignalMessage:
        """Parse the ``data`` of a ``signal`` command; garbage raises ProtocolViolation."""
        try:
            kind = data["kind"]
            call_id, sender, recipient = data["call_id"], data["from"], data["to"]
        except (KeyError, TypeError) as exc:
            raise ProtocolViolation(f"signal lacks {exc}", code="call_bad_signal") from None
        if kind not in _KINDS:
            raise ProtocolViolation(f"unknown signal kind {kind!r}", code="call_bad_signal")
        if not all(isinstance(v, str) for v in (call_id, sender, recipient)):
            raise ProtocolViolation("signal ids must be text", code="call_bad_signal")
        sdp = data.get("sdp") or ""
        if kind in ("offer", "answer") and (not isinstance(sdp, str) or not sdp):
            raise ProtocolViolation(f"{kind} without sdp", code="call_bad_signal")
        candidate = data.get("candidate")
        if kind == "candidate" and candidate is not None and not isinstance(candidate, dict):
            raise ProtocolViolation("candidate must be an object", code="call_bad_signal")
        info = data.get("info") or {}
        if not isinstance(info, dict):
            info = {}
        return cls(
            call_id=call_id,
            sender=sender,
            recipient=recipient,
            kind=kind,
            sdp=sdp,
            candidate=candidate,
            info={str(k): str(v) for k, v in info.items()},
        )


class SignalingPort(Protocol):
    """How the call module sends and receives signaling messages."""

    async def send(self, message: SignalMessage) -> None:
        """Hand a message to the transport; raise ``HubUnavailable`` when it cannot."""
        ...

    def received(self) -> AsyncIterator[SignalMessage]:
        """Messages addressed to this side, in arrival order, until closed."""
        ...


class QueueSignaling:
    """A signaling port whose inbox is an asyncio queue.

    ``outbox`` is called with each message sent. :meth:`deliver` puts a received message
    in the inbox; :meth:`close` ends the iteration of :meth:`received`.
    """

    def __init__(self, outbox: Callable[[SignalMessage], Awaitable[None]]) -> None:
        self._outbox = outbox
        self._inbox: asyncio.Queue[SignalMessage | None] = asyncio.Queue()

    async def send(self, message: SignalMessage) -> None:
        await self._outbox(message)

    def deliver(self, message: SignalMessage) -> None:
        self._inbox.put_nowait(message)

    def close(self) -> None:
        self._inbox.put_nowait(None)

    async def received(self) -> AsyncIterator[SignalMessage]:
        while (message := await self._inbox.get()) is not None:
            yield message


def crossed_signaling() -> tuple[QueueSignaling, QueueSignaling]:
    """Two ports where what one sends, the other receives (for tests and the demo)."""
    ports: list[QueueSignaling] = []

    async def to_second(message: SignalMessage) -> None:
        ports[1].deliver(message)

    async def to_first(message: SignalMessage) -> None:
        ports[0].deliver(message)

    ports += [QueueSignaling(to_second), QueueSignaling(to_first)]
    return ports[0], ports[1]


class ChannelSignaling(QueueSignaling):
    """The signaling port over the booth's hub channel.

    ``send_event(name, data)`` is the channel's way to send a booth -> hub event (a
    plain or async function; with kiosk.backend's BoothChannel, pass
    ``functools.partial(channel.send_event, buffer=False)``: late signals are useless); the
    composition root calls :meth:`deliver_data` with the ``data`` of every ``signal``
    command the hub sends (a malformed one raises ProtocolViolation for the channel to
    nack).
    """

    def __init__(self, send_event: Callable[[str, dict[str, Any]], object]) -> None:
        async def outbox(message: SignalMessage) -> None:
            sent = send_event("signal", message.to_data())
            if inspect.isawaitable(sent):
                await sent

        super().__init__(outbox)

    def deliver_data(self, data: Mapping[str, Any]) -> None:
        self.deliver(SignalMessage.from_data(data))
