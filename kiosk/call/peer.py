"""One remote participant of a call: its peer connection, media and self-healing.

A :class:`PeerLink` owns the RTCPeerConnection to one clerk (a call of four parties has
three). It sends the booth's microphone, face camera and document camera (in that
order: the first video is the face, the second the document), consumes every track the
clerk sends with a sink, and keeps the connection alive:

- both sides send a heartbeat on the data channel ``heartbeat`` every ``heartbeat_s``;
  the link samples the transport's received-packets counter at the same rate, and
  :class:`~kiosk.call.liveness.Liveness` declares the peer lost after ``dead_after_s``
  without a single packet (media, RTCP or heartbeat);
- aiortc has no ICE restart, so a lost link (``recover=True``, the booth's side) drops
  its connection and offers a new one through signaling, again every
  ``reconnect_attempt_s`` until one connects or ``give_up_after_s`` has passed;
- :class:`~kiosk.call.quality.VideoQuality` watches the video senders' loss and tells
  the listener when the link should fall back to audio only.

State changes go to a :class:`PeerListener`; nothing here knows about screens.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

import av
from aiortc import (
    MediaStreamTrack,
    RTCDataChannel,
    RTCIceServer,
    RTCPeerConnection,
    RTCSessionDescription,
)
from aiortc.sdp import candidate_from_sdp

from kiosk.call.cancelling import cancel_and_wait
from kiosk.call.ice import bound_gathering, rtc_configuration
from kiosk.call.liveness import Liveness
from kiosk.call.quality import SenderSample, VideoQuality
from kiosk.call.signaling import SignalingPort, SignalMessage
from kiosk.call.sinks import AudioSink, VideoSink
from kiosk.call.sources import AudioSource, FrameSource
from kiosk.call.tracks import CameraTrack, Gate, MicrophoneTrack
from kiosk.config import CallConfig
from kiosk.core.clock import Clock

log = logging.getLogger(__name__)

LinkState = Literal["new", "connecting", "connected", "reconnecting", "failed", "closed"]
HEARTBEAT_LABEL = "heartbeat"


@dataclass(frozen=True, slots=True)
class LocalMedia:
    """What the booth sends to every participant, and the switch that gates its video."""

    face: FrameSource
    document: FrameSource | None
    microphone: AudioSource
    video_gate: Gate  # open: frames may leave the booth (consent, connected, not audio only)
    fps: float = 15.0
    microphone_gate: Gate = field(default_factory=lambda: Gate(is_open=True))  # closed: muted


class PeerListener(Protocol):
    def link_state_changed(self, link: PeerLink, state: LinkState) -> None: ...

    def link_media_changed(self, link: PeerLink) -> None: ...

    def link_quality_changed(self, link: PeerLink, audio_only: bool) -> None: ...


async def _first(awaitable: Awaitable[object], clock: Clock, timeout_s: float) -> bool:
    """Await ``awaitable`` for at most ``timeout_s`` of ``clock``; True if it finished."""
    work = asyncio.ensure_future(awaitable)
    timer = asyncio.ensure_future(clock.sleep(timeout_s))
    try:
        await asyncio.wait({work, timer}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        timer.cancel()
        if not work.done():
            work.cancel()
    return work.done() and not work.cancelled() and work.exception() is None


class PeerLink:
    """The connection to one remote participant, rebuilt whenever it is lost."""

    def __init__(
        self,
        participant: str,
        *,
        call_id: str,
        local_id: str,
        media: LocalMedia,
        signaling: SignalingPort,
        config: CallConfig,
        clock: Clock,
        listener: PeerListener,
        recover: bool = True,
        info: dict[str, str] | None = None,
        local_info: dict[str, str] | None = None,
        audio_player: Callable[[str, av.AudioFrame], None] | None = None,
        ice_servers: Sequence[RTCIceServer] = (),
    ) -> None:
        """``ice_servers``: STUN/TURN from the hub (:func:`kiosk.call.ice.servers_from_hub`);
        none: the ones of ``config``."""
        self.participant = participant
        self.call_id = call_id
        self.local_id = local_id
        self.info = dict(info or {})  # who the participant is (for the screen)
        self.local_info = dict(local_info or {})  # who we are, sent with our offers
        self.state: LinkState = "new"
        self.generation = 0
        self.pc: RTCPeerConnection | None = None
        self.video_sinks: list[VideoSink] = []
        self.audio_sinks: list[AudioSink] = []
        self.quality = VideoQuality(config.audio_only_loss)
        self.setup_s: float | None = None  # offer to connected, last connection
        self._media = media
        self._signaling = signaling
        self._config = config
        self._clock = clock
        self._listener = listener
        self._recover = recover
        self._audio_player = audio_player
        self.ice_servers = tuple(ice_servers)
        self._tracks: list[MediaStreamTrack] = []
        self._channel: RTCDataChannel | None = None
        self._liveness = Liveness(config.dead_after_s, clock.monotonic())
        self._up = asyncio.Event()
        self._started_at = 0.0
        self._monitor: asyncio.Task[None] | None = None
        self._recovery: asyncio.Task[None] | None = None
        self._closed = False
        self._closing: asyncio.Task[None] | None = None

    # -- public ---------------------------------------------------------------------

    async def start(self) -> None:
        """Offer a first connection (the booth's side)."""
        self._ensure_monitor()
        self._set_state("connecting")
        await self._offer()

    def await_offer(self) -> None:
        """Wait for the participant's offer; offer ourselves if none comes in time."""
        self._ensure_monitor()
        self._set_state("connecting")
        self._recovery = asyncio.ensure_future(self._offer_unless_offered())

    async def _offer_unless_offered(self) -> None:
        await self._clock.sleep(self._config.reconnect_attempt_s)
        if self.pc is None and not self._closed:
            log.info("call: no offer from %s; offering instead", self.participant)
            await self._recover_link()

    async def handle(self, message: SignalMessage) -> None:
        """Apply one signaling message from this participant."""
        if self._closed:
            return
        if message.kind == "offer":
            self._ensure_monitor()
            await self._answer(message.sdp)
        elif message.kind == "answer":
            pc = self.pc
            if pc is None or pc.signalingState != "have-local-offer":
                log.info("call: ignoring an answer from %s with no offer pending", self.participant)
                return
            await pc.setRemoteDescription(RTCSessionDescription(message.sdp, "answer"))
        elif message.kind == "candidate":
            await self._add_candidate(message.candidate)
        elif message.kind == "bye":
            await self.close(send_bye=False)

    def reconnect(self, why: str = "asked to") -> None:
        """Start over with a new connection now (as after a lost peer).

        For when something outside the link knows the path changed, e.g. the booth's
        network interface came back.
        """
        if self._closed or (self._recovery is not None and not self._recovery.done()):
            return
        log.info("call: reconnecting to %s (%s)", self.participant, why)
        self._up.clear()
        self._set_state("reconnecting")
        self._recovery = asyncio.ensure_future(self._recover_link())

    async def close(self, send_bye: bool = True) -> None:
        """Hang up on this participant and free everything.

        The freeing runs in a task of its own that finishes even if the caller is
        cancelled meanwhile (the caller's cancellation still propagates); a later call
        waits for the same task, so "closed" always ends with the connection released.
        """
        if self._closing is None:
            self._closed = True
            self._closing = asyncio.ensure_future(self._release(send_bye))
        await asyncio.shield(self._closing)

    async def _release(self, send_bye: bool) -> None:
        await cancel_and_wait(self._monitor)
        await cancel_and_wait(self._recovery)
        if send_bye:
            with contextlib.suppress(Exception):
                await self._send("bye")
        await self._drop_pc()
        self._set_state("closed")

    @property
    def closed(self) -> bool:
        return self._closed

    def silent_for(self) -> float:
        return self._liveness.silent_for(self._clock.monotonic())

    async def stats(self) -> dict[str, Any]:
        """The raw aiortc statistics of the current connection (for diagnostics)."""
        if self.pc is None:
            return {}
        return dict(await self.pc.getStats())

    # -- connection building ----------------------------------------------------------

    async def _new_pc(self) -> RTCPeerConnection:
        await self._drop_pc()
        self.generation += 1
        self._up.clear()
        self._started_at = self._clock.monotonic()
        pc = RTCPeerConnection(rtc_configuration(self._config, self.ice_servers))
        self.pc = pc

        @pc.on("connectionstatechange")
        async def on_state() -> None:
            if pc is not self.pc:
                return
            if pc.connectionState == "connected":
                self._connected()
            elif pc.connectionState == "failed" and self.state == "connected":
                self._lost("the connection failed")

        @pc.on("track")
        def on_track(track: MediaStreamTrack) -> None:
            if track.kind == "video":
                self.video_sinks.append(VideoSink(track))
            else:
                player = self._audio_player
                self.audio_sinks.append(
                    AudioSink(
                        track,
                        None if player is None else functools.partial(player, self.participant),
                    )
                )
            self._listener.link_media_changed(self)

        @pc.on("datachannel")
        def on_datachannel(channel: RTCDataChannel) -> None:
            if channel.label == HEARTBEAT_LABEL:
                self._use_channel(channel)

        return pc

    def _add_tracks(self, pc: RTCPeerConnection, answering: bool) -> None:
        media = self._media
        clock = self._clock
        tracks: list[MediaStreamTrack] = [
            MicrophoneTrack(media.microphone, clock, media.microphone_gate)
        ]
        tracks.append(CameraTrack(media.face, media.video_gate, clock, media.fps))
        if media.document is not None:
            tracks.append(CameraTrack(media.document, media.video_gate, clock, media.fps))
        for track in tracks:
            if answering and not any(
                t.kind == track.kind and t.sender.track is None and t.direction != "inactive"
                for t in pc.getTransceivers()
            ):
                continue  # the offer has no room for it; an answer cannot add m-lines
            pc.addTrack(track)
            self._tracks.append(track)

    async def _offer(self) -> None:
        pc = await self._new_pc()
        self._add_tracks(pc, answering=False)
        if self._media.document is None:
            # room for the booth's second video (its document camera) in the answer
            pc.addTransceiver("video", direction="recvonly")
        self._use_channel(pc.createDataChannel(HEARTBEAT_LABEL))
        bound_gathering(pc, self._config.gather_timeout_s)
        await pc.setLocalDescription(await pc.createOffer())
        await self._send("offer", pc.localDescription.sdp)

    async def _answer(self, sdp: str) -> None:
        if self._recovery is not None and not self._recovery.done():
            self._recovery.cancel()  # the participant came back first: take its offer
        again = self.state in ("connected", "reconnecting")
        self._set_state("reconnecting" if again else "connecting")
        pc = await self._new_pc()
        await pc.setRemoteDescription(RTCSessionDescription(sdp, "offer"))
        self._add_tracks(pc, answering=True)
        bound_gathering(pc, self._config.gather_timeout_s)
        await pc.setLocalDescription(await pc.createAnswer())
        await self._send("answer", pc.localDescription.sdp)

    async def _add_candidate(self, data: Any) -> None:
        pc = self.pc
        if pc is None or not data or not isinstance(data, dict):
            return
        text = str(data.get("candidate", ""))
        if not text:
            return  # end of candidates
        candidate = candidate_from_sdp(
            text.split(":", 1)[1] if text.startswith("candidate:") else text
        )
        candidate.sdpMid = data.get("sdpMid")
        candidate.sdpMLineIndex = data.get("sdpMLineIndex")
        try:
            await pc.addIceCandidate(candidate)
        except (ValueError, KeyError) as exc:
            log.info("call: unusable candidate from %s: %s", self.participant, exc)

    async def _send(self, kind: Literal["offer", "answer", "bye"], sdp: str = "") -> None:
        await self._signaling.send(
            SignalMessage(
                call_id=self.call_id,
                sender=self.local_id,
                recipient=self.participant,
                kind=kind,
                sdp=sdp,
                info=self.local_info if kind == "offer" else {},
            )
        )

    async def _drop_pc(self) -> None:
        pc, self.pc = self.pc, None
        sinks: list[VideoSink | AudioSink] = [*self.video_sinks, *self.audio_sinks]
        self.video_sinks, self.audio_sinks = [], []
        self._channel = None
        for track in self._tracks:
            track.stop()
        self._tracks = []
        if pc is not None:
            await pc.close()
        for sink in sinks:
            await sink.close()
        if sinks:
            self._listener.link_media_changed(self)

    # -- heartbeat and recovery ---------------------------------------------------------

    def _use_channel(self, channel: RTCDataChannel) -> None:
        self._channel = channel

        @channel.on("message")
        def on_message(message: object) -> None:
            if channel is self._channel:
                self._liveness.heard(self._clock.monotonic())

    def _connected(self) -> None:
        now = self._clock.monotonic()
        self.setup_s = now - self._started_at
        self._liveness = Liveness(self._config.dead_after_s, now)
        self.quality.reset()
        self._up.set()
        self._set_state("connected")

    def _lost(self, why: str) -> None:
        if self.state != "connected" or self._closed:
            return
        log.info("call: lost %s (%s)", self.participant, why)
        if self._recover:
            self.reconnect(why)
        else:
            self._up.clear()
            self._set_state("reconnecting")  # wait for the other side's new offer

    def _ensure_monitor(self) -> None:
        if self._monitor is None:
            self._monitor = asyncio.ensure_future(self._watch())

    async def _watch(self) -> None:
        while not self._closed:
            await self._clock.sleep(self._config.heartbeat_s)
            pc = self.pc
            if self.state == "connecting" and pc is not None:
                self._check_first_connection()
            if pc is None or self.state != "connected":
                continue
            now = self._clock.monotonic()
            channel = self._channel
            if channel is not None and channel.readyState == "open":
                channel.send(json.dumps({"type": "hb", "ts": round(now, 3)}))
            try:
                report = await pc.getStats()
            except Exception:  # nosec B112 # a closing connection has no stats; the loop ends on close
                continue
            if pc is not self.pc:
                continue
            received = sum(
                getattr(s, "packetsReceived", 0) for s in report.values() if s.type == "transport"
            )
            self._liveness.observe(now, received)
            if self._liveness.is_dead(now):
                self._lost(f"nothing received for {self._liveness.silent_for(now):.1f} s")
                continue
            if self.quality.sample(*self._sender_samples(now, report)):
                self._listener.link_quality_changed(self, self.quality.audio_only)

    def _check_first_connection(self) -> None:
        """A first connection that never comes up is retried like a lost one.

        Without this a link whose first ICE checks all fail (a path down at call setup,
        a starved machine) stays "connecting" for ever: recovery only followed a loss.
        """
        waited = self._clock.monotonic() - self._started_at
        busy = self._recovery is not None and not self._recovery.done()
        if self._recover and not busy and waited >= self._config.reconnect_attempt_s:
            self.reconnect(f"not connected after {waited:.1f} s")

    @staticmethod
    def _sender_samples(now: float, report: Any) -> tuple[SenderSample | None, SenderSample | None]:
        totals = {"audio": [0, 0, False], "video": [0, 0, False]}
        for stats in report.values():
            if stats.type == "outbound-rtp" and stats.kind in totals:
                totals[stats.kind][0] += stats.packetsSent
                totals[stats.kind][2] = True
            elif stats.type == "remote-inbound-rtp" and stats.kind in totals:
                totals[stats.kind][1] += stats.packetsLost
        samples = {
            kind: SenderSample(now, int(sent), int(lost)) if seen else None
            for kind, (sent, lost, seen) in totals.items()
        }
        return samples["video"], samples["audio"]

    async def _recover_link(self) -> None:
        lost_at = self._clock.monotonic()
        while not self._closed:
            if self._clock.monotonic() - lost_at >= self._config.give_up_after_s:
                self._set_state("failed")
                return
            try:
                await self._offer()
            except Exception as exc:  # signaling down, for one: try again later
                log.info("call: new offer to %s failed: %s", self.participant, exc)
                await self._clock.sleep(1.0)
                continue
            if await _first(self._up.wait(), self._clock, self._config.reconnect_attempt_s):
                log.info("call: %s recovered", self.participant)
                return

    def _set_state(self, state: LinkState) -> None:
        if state != self.state:
            self.state = state
            self._listener.link_state_changed(self, state)
