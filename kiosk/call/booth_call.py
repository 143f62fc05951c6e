"""The booth's side of one call: runs the :class:`CallSession` with real peer links.

:class:`BoothCall` is what the composition root builds for each citizen's call and what
the call screen talks to. It turns events (the citizen's taps, the hub's ``queue`` and
``push`` commands, signaling messages, link changes) into :class:`CallSession` events
and executes the commands that come back, one at a time, in order.

Wiring on a booth (``kiosk/__main__.py``)::

    signaling = ChannelSignaling(channel.send_event)       # booth -> hub "signal" events
    channel "signal" command  -> signaling.deliver_data(data)
    channel "queue" command   -> call.queue_command(data)
    channel "call" command    -> call.call_command(data)    (joined / left / ended)
    channel "push" command    -> call.push_received(kind, data)
    call = BoothCall(config.call, booth_id=..., signaling=signaling, hub=..., face=...,
                     document=..., microphone=..., clock=SystemClock(),
                     on_change=bridge.call_changed, on_push=flows_runner.push)
    task = asyncio.ensure_future(call.run())               # until the call ends

A clerk joins when their first offer arrives (``info`` carries name, department and
seat) or when the composition root calls :meth:`BoothCall.clerk_joined` (the booth then
offers).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable, Mapping
from typing import Any, Protocol

import av

from kiosk.call.cancelling import cancel_and_wait
from kiosk.call.heap import release_freed_memory
from kiosk.call.ice import servers_from_hub
from kiosk.call.peer import LinkState, LocalMedia, PeerLink
from kiosk.call.session import (
    CallCommand,
    CallEnded,
    CallEvent,
    CallRequested,
    CallSession,
    CallView,
    ClerkJoined,
    ClerkLeft,
    ConnectTo,
    ConsentGiven,
    Disconnect,
    Finish,
    ForwardPush,
    HungUp,
    LinkChanged,
    MuteToggled,
    Participant,
    PushReceived,
    QualityChanged,
    QueueUpdated,
    RequestCall,
    SetMuted,
    SetVideoSending,
    StartCameras,
    StopCameras,
)
from kiosk.call.signaling import SignalingPort, SignalMessage
from kiosk.call.sinks import VideoSink
from kiosk.call.sources import RGB, AudioSource, FrameSource
from kiosk.call.tracks import Gate
from kiosk.config import CallConfig
from kiosk.core.clock import Clock
from kiosk.core.errors import XiaowuError

log = logging.getLogger(__name__)


class CallHub(Protocol):
    """What the call needs of the hub besides signaling."""

    async def request_call(self, call_id: str, department: str, service: str) -> None:
        """Join the department's clerk queue (the ``call_request`` event)."""
        ...


class BoothCall:
    """One citizen's call: the session, its peer links and the booth's media."""

    def __init__(
        self,
        config: CallConfig,
        *,
        booth_id: str,
        signaling: SignalingPort,
        hub: CallHub,
        face: FrameSource,
        document: FrameSource | None,
        microphone: AudioSource,
        clock: Clock,
        on_change: Callable[[CallView], None] | None = None,
        on_push: Callable[[str, Mapping[str, Any]], None] | None = None,
        audio_player: Callable[[str, av.AudioFrame], None] | None = None,
        call_id: str | None = None,
    ) -> None:
        self.config = config
        self.ice_servers: tuple[Any, ...] = ()  # STUN/TURN the hub named for this call
        self.booth_id = booth_id
        self.call_id = call_id or uuid.uuid4().hex
        self.session = CallSession()
        self.links: dict[str, PeerLink] = {}
        self.media = LocalMedia(face, document, microphone, Gate(), config.video_fps)
        self.ended = asyncio.Event()
        self._signaling = signaling
        self._hub = hub
        self._clock = clock
        self._on_change = on_change
        self._on_push = on_push
        self._audio_player = audio_player
        self._pending_offers: dict[str, SignalMessage] = {}
        self._commands: asyncio.Queue[CallCommand] = asyncio.Queue()
        self._worker: asyncio.Task[None] | None = None

    # -- what the call screen and the composition root call -------------------------------

    @property
    def view(self) -> CallView:
        return self.session.view

    @property
    def sending_video(self) -> bool:
        """True while video frames may leave the booth: show the indicator."""
        return self.media.video_gate.is_open

    def give_consent(self) -> None:
        """The citizen agreed to the cameras; before this they never start."""
        self._dispatch(ConsentGiven())

    async def request(self, department: str, service: str = "") -> None:
        """Ask the hub for a clerk of ``department`` (the citizen joins the queue)."""
        self._dispatch(CallRequested(department, service))

    def queue_updated(
        self, position: int | None, estimated_wait_s: float | None, clerks_available: bool = True
    ) -> None:
        self._dispatch(QueueUpdated(position, estimated_wait_s, clerks_available))

    def push_received(self, kind: str, data: Mapping[str, Any]) -> None:
        self._dispatch(PushReceived(kind, data))

    def clerk_joined(self, participant: Participant, booth_offers: bool = True) -> None:
        """A clerk was assigned to this call; by default the booth offers."""
        self._dispatch(ClerkJoined(participant, booth_offers))

    def queue_command(self, data: Mapping[str, Any]) -> None:
        """Apply the data of the hub's ``queue`` command.

        ``waiting`` updates the position; ``accepted`` names the call and the clerk, who
        then offers to the booth (the hub's rule: the newcomer offers).
        """
        status = data.get("status")
        if status == "waiting":
            position, wait = data.get("position"), data.get("estimated_wait_s")
            self.queue_updated(
                position if isinstance(position, int) else None,
                float(wait) if isinstance(wait, int | float) else None,
                bool(data.get("clerks_available", True)),
            )
        elif status == "accepted":
            if "ice" in data:  # the hub's STUN/TURN for this call, credentials the booth's own
                self.ice_servers = servers_from_hub(data["ice"])
            self._clerk_assigned(data)

    def call_command(self, data: Mapping[str, Any]) -> None:
        """Apply the data of the hub's ``call`` command (joined, left, ended)."""
        event = data.get("event")
        if event == "joined":
            self._clerk_assigned(data)
        elif event == "left" and isinstance(data.get("peer"), str):
            self._dispatch(ClerkLeft(data["peer"]))
        elif event == "ended" and data.get("call_id") == self.call_id:
            self._dispatch(CallEnded("ended_by_clerk"))

    def _clerk_assigned(self, data: Mapping[str, Any]) -> None:
        """A clerk joined through the hub; they offer to the booth (the newcomer offers)."""
        peer = data.get("peer")
        clerk = data.get("clerk")
        if not isinstance(peer, str) or not peer:
            return
        info = clerk if isinstance(clerk, dict) else {}
        if not self.links and not self.session.view.participants and data.get("call_id"):
            self.call_id = str(data["call_id"])  # the hub names the call
        elif data.get("call_id") not in (None, self.call_id):
            return
        self._dispatch(
            ClerkJoined(
                Participant(
                    peer,
                    str(info.get("name", "")),
                    str(info.get("department", "")),
                    str(info.get("seat", "")),
                ),
                booth_offers=False,
            )
        )

    def mute(self, muted: bool) -> None:
        self._dispatch(MuteToggled(muted))

    def set_audio_only(self, audio_only: bool) -> None:
        """Force audio only (the citizen's choice) or allow video again."""
        self._dispatch(QualityChanged(audio_only))

    async def hang_up(self) -> None:
        self._dispatch(HungUp())
        await self.ended.wait()

    def remote_video(self, participant_id: str) -> VideoSink | None:
        """The clerk's camera, for the call screen to paint (``latest_rgb()``)."""
        link = self.links.get(participant_id)
        return link.video_sinks[0] if link is not None and link.video_sinks else None

    def local_preview(self, which: str = "face") -> RGB | None:
        """The citizen's own picture ("face" or "document"), None while cameras are off."""
        source = self.media.face if which == "face" else self.media.document
        return source.read() if source is not None and source.active else None

    async def run(self) -> None:
        """Receive signaling until the call ends; then free everything."""
        self._ensure_worker()
        receiver = asyncio.ensure_future(self._receive())
        try:
            await self.ended.wait()
        finally:
            await cancel_and_wait(receiver)
            await self.close()

    async def close(self) -> None:
        """Hang up everything now (idempotent); used at shutdown and by tests."""
        if not self.ended.is_set():
            self._dispatch(HungUp())
        if self._worker is not None:
            await self._commands.join()
            await cancel_and_wait(self._worker)
            self._worker = None
        for link in list(self.links.values()):
            await link.close()
        self.links.clear()
        self._stop_media()
        release_freed_memory()

    # -- events in, commands out ---------------------------------------------------------

    def _dispatch(self, event: CallEvent) -> None:
        commands = self.session.handle(event)
        for command in commands:
            if isinstance(command, StartCameras | StopCameras | SetVideoSending | SetMuted):
                self._switch(command)  # at once: the indicator never lags the cameras
            else:
                self._commands.put_nowait(command)
        self._ensure_worker()
        if self._on_change is not None:
            self._on_change(self.session.view)

    def _ensure_worker(self) -> None:
        if self._worker is None or self._worker.done():
            self._worker = asyncio.ensure_future(self._work())

    async def _work(self) -> None:
        while True:
            command = await self._commands.get()
            try:
                await self._execute(command)
            except Exception:
                log.exception("call: %s failed", type(command).__name__)
            finally:
                self._commands.task_done()

    async def _execute(self, command: CallCommand) -> None:
        match command:
            case RequestCall(department, service):
                try:
                    await self._hub.request_call(self.call_id, department, service)
                except XiaowuError as exc:
                    self._dispatch(CallEnded(exc.code))
            case ConnectTo(participant_id, offer):
                await self._connect(participant_id, offer)
            case Disconnect(participant_id, say_bye):
                link = self.links.pop(participant_id, None)
                if link is not None:
                    await link.close(send_bye=say_bye)
            case ForwardPush(kind, data):
                if self._on_push is not None:
                    self._on_push(kind, data)
            case Finish(reason):
                log.info("call: ended (%s)", reason)
                self._stop_media()
                self.ended.set()

    def _switch(self, command: StartCameras | StopCameras | SetVideoSending | SetMuted) -> None:
        cameras = [c for c in (self.media.face, self.media.document) if c is not None]
        match command:
            case StartCameras():
                for camera in cameras:
                    camera.start()
            case StopCameras():
                for camera in cameras:
                    camera.stop()
            case SetVideoSending(on):
                self.media.video_gate.set(on)
            case SetMuted(muted):
                self.media.microphone_gate.set(not muted)

    async def _connect(self, participant_id: str, offer_first: bool) -> None:
        participant = next(
            (p for p in self.session.view.participants if p.id == participant_id), None
        )
        if participant is None or participant_id in self.links:
            return
        self.media.microphone.start()
        link = PeerLink(
            participant_id,
            call_id=self.call_id,
            local_id=self.booth_id,
            media=self.media,
            signaling=self._signaling,
            config=self.config,
            clock=self._clock,
            listener=self,
            info={"name": participant.name, "department": participant.department},
            audio_player=self._audio_player,
            ice_servers=self.ice_servers,
        )
        self.links[participant_id] = link
        offer = self._pending_offers.pop(participant_id, None)
        if offer is not None:
            await link.handle(offer)
        elif offer_first:
            await link.start()
        else:
            link.await_offer()

    def _stop_media(self) -> None:
        self.media.video_gate.set(False)
        self.media.face.stop()
        if self.media.document is not None:
            self.media.document.stop()
        self.media.microphone.stop()

    # -- signaling -------------------------------------------------------------------------

    async def _receive(self) -> None:
        async for message in self._signaling.received():
            try:
                await self._route(message)
            except Exception:
                log.exception("call: could not apply a %s from %s", message.kind, message.sender)

    async def _route(self, message: SignalMessage) -> None:
        if message.recipient != self.booth_id:
            log.info("call: ignoring a %s addressed to someone else", message.kind)
            return
        if message.call_id != self.call_id:
            if message.kind == "offer" and not self.links and not self._pending_offers:
                self.call_id = message.call_id  # the hub placed this call: adopt its id
            else:
                log.info("call: ignoring a %s for another call", message.kind)
                return
        link = self.links.get(message.sender)
        if message.kind == "bye":
            self._dispatch(ClerkLeft(message.sender))
        elif link is not None:
            await link.handle(message)
        elif message.kind == "offer":
            self._pending_offers[message.sender] = message
            info = message.info
            self._dispatch(
                ClerkJoined(
                    Participant(
                        message.sender,
                        info.get("name", ""),
                        info.get("department", ""),
                        info.get("seat", ""),
                    )
                )
            )

    # -- PeerListener -------------------------------------------------------------------

    def link_state_changed(self, link: PeerLink, state: LinkState) -> None:
        if self.links.get(link.participant) is link and state != "new":
            self._dispatch(LinkChanged(link.participant, state))

    def link_media_changed(self, link: PeerLink) -> None:
        if self._on_change is not None:
            self._on_change(self.session.view)

    def link_quality_changed(self, link: PeerLink, audio_only: bool) -> None:
        self._dispatch(QualityChanged(audio_only))
