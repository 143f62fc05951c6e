"""A loopback UDP relay that the media of two peers must cross, and can be cut.

Each peer's SDP is rewritten on its way through signaling so that it offers a single
candidate: an address of the relay. The relay forwards what arrives at "A's address"
to A's real socket from "B's address", and the other way round, so each side sees
exactly the address it was told. ``cut`` drops everything; ``loss`` drops that share
of the packets going from A to B (a seeded pattern, so runs repeat).

:func:`relayed_signaling` rewrites the SDP of crossed in-process ports;
:class:`RelayedChannel` does the same to the booth's hub channel, so that a booth and a
browser console talking through a real hub have only the relay between them.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import random
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from kiosk.backend.messages import Command
from kiosk.call.desk import HubChannel
from kiosk.call.signaling import QueueSignaling, SignalMessage

_CANDIDATE = re.compile(
    r"^a=candidate:(\S+) (\d+) (udp|UDP) (\d+) (\d+\.\d+\.\d+\.\d+) (\d+) typ host.*$"
)


class _Endpoint(asyncio.DatagramProtocol):
    def __init__(self, on_packet: Callable[[bytes], None]) -> None:
        self.on_packet = on_packet
        self.transport: Any = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # qasync's datagram transports are not asyncio's class

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        self.on_packet(data)


class UdpRelay:
    def __init__(self, seed: int = 7) -> None:
        self.cut = False
        self.loss = 0.0
        self.forwarded = 0
        self.dropped = 0
        self.target_a: tuple[str, int] | None = None
        self.target_b: tuple[str, int] | None = None
        self._random = random.Random(seed)
        self._face_a = _Endpoint(self._from_b)  # where B sends, believing it is A
        self._face_b = _Endpoint(self._from_a)  # where A sends, believing it is B

    async def start(self, host: str) -> None:
        loop = asyncio.get_running_loop()
        await loop.create_datagram_endpoint(lambda: self._face_a, local_addr=(host, 0))
        await loop.create_datagram_endpoint(lambda: self._face_b, local_addr=(host, 0))

    def close(self) -> None:
        for face in (self._face_a, self._face_b):
            if face.transport is not None:
                face.transport.close()

    def address_of(self, side: str) -> tuple[str, int]:
        face = self._face_a if side == "a" else self._face_b
        assert face.transport is not None
        host, port = face.transport.get_extra_info("sockname")[:2]
        return host, port

    def _from_b(self, data: bytes) -> None:
        if self.cut or self.target_a is None or self._face_b.transport is None:
            self.dropped += 1
            return
        self.forwarded += 1
        self._face_b.transport.sendto(data, self.target_a)

    def _from_a(self, data: bytes) -> None:
        if (
            self.cut
            or self.target_b is None
            or self._face_a.transport is None
            or (self.loss and self._random.random() < self.loss)
        ):
            self.dropped += 1
            return
        self.forwarded += 1
        self._face_a.transport.sendto(data, self.target_b)

    def rewrite(self, sdp: str, side: str) -> str:
        """Keep one IPv4 host candidate of ``side``'s SDP, pointed at the relay."""
        lines, kept, any_kept = [], False, False
        for line in sdp.splitlines():
            if line.startswith("m="):
                kept = False  # every m-section lists the bundle's candidates again
            match = _CANDIDATE.match(line)
            if line.startswith("a=candidate:") and (match is None or kept):
                continue
            if match is not None:
                real = (match.group(5), int(match.group(6)))
                if not any_kept:
                    # The first m-section's transport carries the bundle (a browser
                    # offers a transport per m-section; the answer bundles on the first).
                    if side == "a":
                        self.target_a = real
                    else:
                        self.target_b = real
                kept = any_kept = True
                host, port = self.address_of(side)
                line = line.replace(f" {real[0]} {real[1]} ", f" {host} {port} ", 1)
            lines.append(line)
        assert any_kept, f"no IPv4 host candidate to relay in {sdp}"
        return "\r\n".join(lines) + "\r\n"


def relayed_signaling(relay: UdpRelay) -> tuple[QueueSignaling, QueueSignaling]:
    """Crossed ports whose offers and answers are rewritten to go through ``relay``.

    The first port is side A (its SDP is advertised at the relay's A face).
    """
    ports: list[QueueSignaling] = []

    def forward(index: int, side: str) -> Callable[[SignalMessage], Awaitable[None]]:
        async def send(message: SignalMessage) -> None:
            if message.sdp:
                message = SignalMessage(
                    message.call_id,
                    message.sender,
                    message.recipient,
                    message.kind,
                    sdp=relay.rewrite(message.sdp, side),
                    info=message.info,
                )
            ports[index].deliver(message)

        return send

    ports += [QueueSignaling(forward(1, "a")), QueueSignaling(forward(0, "b"))]
    return ports[0], ports[1]


@contextlib.asynccontextmanager
async def running_relay() -> AsyncIterator[UdpRelay]:
    """A relay on this machine's first IPv4 address (where aioice's host candidates are).

    Started inside the test rather than in an async fixture, so that it lives on the
    test's own event loop.
    """
    import aioice.ice

    relay = UdpRelay()
    host = aioice.ice.get_host_addresses(use_ipv4=True, use_ipv6=False)[0]
    await relay.start(host)
    try:
        yield relay
    finally:
        relay.close()


class RelayedChannel:
    """The booth's hub channel with the SDP of every signal pointed at ``relay``.

    The booth is side A: the offers and answers it sends name the relay's A face, and
    those it receives (from a browser console, through the hub) name the relay's B face.
    Neither the booth's call module nor the console is changed: this stands in for the
    network between them, and cutting the relay cuts every media path.
    """

    def __init__(self, channel: HubChannel, relay: UdpRelay) -> None:
        self._channel = channel
        self._relay = relay

    def on_command(
        self, name: str, handler: Callable[[Any], Awaitable[None]], *, ordered: bool = True
    ) -> None:
        if name != "signal":
            self._channel.on_command(name, handler, ordered=ordered)
            return

        async def rewritten(command: Command) -> None:
            sdp = command.data.get("sdp")
            if isinstance(sdp, str) and sdp:
                data = {**command.data, "sdp": self._relay.rewrite(sdp, "b")}
                command = dataclasses.replace(command, data=data)
            await handler(command)

        self._channel.on_command(name, rewritten, ordered=ordered)

    def send_event(
        self, name: str, data: dict[str, Any] | None = None, *, buffer: bool = True
    ) -> str:
        sdp = (data or {}).get("sdp")
        if name == "signal" and isinstance(sdp, str) and sdp:
            data = {**(data or {}), "sdp": self._relay.rewrite(sdp, "a")}
        return self._channel.send_event(name, data, buffer=buffer)
