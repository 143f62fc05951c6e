"""Test rigs for calls: a recording listener, a Python clerk, waiting helpers."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable

from kiosk.call.cancelling import cancel_and_wait
from kiosk.call.peer import LinkState, LocalMedia, PeerLink
from kiosk.call.signaling import QueueSignaling
from kiosk.call.sources import SyntheticPattern, ToneSource
from kiosk.call.tracks import Gate
from kiosk.config import CallConfig
from kiosk.core.clock import SystemClock

FAST = CallConfig(heartbeat_s=0.5, dead_after_s=3.0, reconnect_attempt_s=4.0)


async def wait_until(predicate: Callable[[], object], within: float, what: str) -> float:
    """Poll an observable condition until it holds; return the seconds it took."""
    start = time.monotonic()
    while not predicate():
        if time.monotonic() - start > within:
            raise AssertionError(f"timed out after {within} s waiting for {what}")
        await asyncio.sleep(0.05)
    return time.monotonic() - start


class Recorder:
    """A PeerListener that remembers every change, with the time it happened."""

    def __init__(self) -> None:
        self.states: list[tuple[float, str, LinkState]] = []
        self.quality: list[tuple[str, bool]] = []
        self.media_changes = 0

    def link_state_changed(self, link: PeerLink, state: LinkState) -> None:
        self.states.append((time.monotonic(), link.participant, state))

    def link_media_changed(self, link: PeerLink) -> None:
        self.media_changes += 1

    def link_quality_changed(self, link: PeerLink, audio_only: bool) -> None:
        self.quality.append((link.participant, audio_only))

    def first(self, state: LinkState, after: float = 0.0) -> float | None:
        return next((t for t, _, s in self.states if s == state and t >= after), None)


def synthetic_media(
    face: str = "FACE", document: str | None = "DOC", tone: float = 440.0
) -> LocalMedia:
    clock = SystemClock()
    face_source = SyntheticPattern(face, clock)
    face_source.start()
    doc_source = None
    if document is not None:
        doc_source = SyntheticPattern(document, clock)
        doc_source.start()
    mic = ToneSource(tone)
    mic.start()
    return LocalMedia(face_source, doc_source, mic, Gate(is_open=True))


def python_clerk(
    port: QueueSignaling,
    name: str = "clerk:1",
    booth: str = "booth:test",
    config: CallConfig = FAST,
) -> tuple[PeerLink, Recorder]:
    """An aiortc 'clerk' that answers the booth's offers and sends CLERK video + tone."""
    recorder = Recorder()
    link = PeerLink(
        booth,
        call_id="call-1",
        local_id=name,
        media=synthetic_media("CLERK", None, 660.0),
        signaling=port,
        config=config,
        clock=SystemClock(),
        listener=recorder,
        recover=False,
    )
    return link, recorder


def booth_link(
    port: QueueSignaling, config: CallConfig = FAST, listener: Recorder | None = None
) -> PeerLink:
    """The booth's side of a two-party test call to ``clerk:1`` (it recovers by itself)."""
    return PeerLink(
        "clerk:1",
        call_id="call-1",
        local_id="booth:test",
        media=synthetic_media(),
        signaling=port,
        config=config,
        clock=SystemClock(),
        listener=listener if listener is not None else Recorder(),
    )


@contextlib.asynccontextmanager
async def pumping(port: QueueSignaling, route: Callable[[str], PeerLink | None]):  # type: ignore[no-untyped-def]
    """Deliver every message received on ``port`` to the link ``route(sender)`` names."""

    async def pump() -> None:
        async for message in port.received():
            link = route(message.sender)
            if link is not None:
                await link.handle(message)

    task = asyncio.ensure_future(pump())
    try:
        yield task
    finally:
        await cancel_and_wait(task)


def signaling_hub(*ids: str) -> dict[str, QueueSignaling]:
    """One port per party; a message goes to the port of its recipient (like the hub)."""
    ports: dict[str, QueueSignaling] = {}

    def outbox_of(sender: str):  # type: ignore[no-untyped-def]
        async def send(message) -> None:  # type: ignore[no-untyped-def]
            if message.recipient in ports:
                ports[message.recipient].deliver(message)

        return send

    for party in ids:
        ports[party] = QueueSignaling(outbox_of(party))
    return ports


@contextlib.asynccontextmanager
async def two_party_call(  # type: ignore[no-untyped-def]
    booth_port: QueueSignaling,
    clerk_port: QueueSignaling,
    config: CallConfig = FAST,
    events: Recorder | None = None,
):
    """The booth's link and a Python clerk on these ports, their messages pumped; both
    closed afterwards. Yields ``(booth, clerk)``; the test starts the booth's offer."""
    booth = booth_link(booth_port, config, events)
    clerk, _ = python_clerk(clerk_port, config=config)
    async with pumping(booth_port, lambda s: booth), pumping(clerk_port, lambda s: clerk):
        try:
            yield booth, clerk
        finally:
            await booth.close()
            await clerk.close(send_bye=False)
