"""The call as the citizen lives it: a pure state machine, testable without a loop.

Theory of operation. :class:`CallSession` receives events (past tense: something
happened) and returns commands (imperatives for the runner, :class:`BoothCall`). Its
:attr:`CallSession.view` is everything the call screen shows. Phases::

    idle --CallRequested--> queued --ClerkJoined--> connecting --LinkChanged(connected)-->
    connected <--> reconnecting        connected <--> audio_only (QualityChanged)
    any --HungUp / last ClerkLeft / CallEnded--> ended

Per participant the phase is derived from the links: any link connected -> connected
(or audio_only); else any reconnecting -> reconnecting; else connecting. Once a clerk
has been in the call, the call ends when the last one leaves.

Privacy: no command starts the cameras before :class:`ConsentGiven`, and
``view.sending_video`` (the indicator the UI must show) is true exactly when the
runner lets video frames out: consent given, a clerk connected, not audio only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any


class Phase(StrEnum):
    IDLE = "idle"
    QUEUED = "queued"
    CONNECTING = "connecting"
    CONNECTED = "connected"
    RECONNECTING = "reconnecting"
    AUDIO_ONLY = "audio_only"
    ENDED = "ended"


@dataclass(frozen=True, slots=True)
class Participant:
    """A remote clerk as the call screen shows them."""

    id: str
    name: str = ""
    department: str = ""
    seat: str = ""
    link: str = "connecting"  # connecting, connected, reconnecting


@dataclass(frozen=True, slots=True)
class CallView:
    """What the call screen shows."""

    phase: Phase = Phase.IDLE
    department: str = ""
    queue_position: int | None = None
    estimated_wait_s: float | None = None
    no_clerk_available: bool = False
    participants: tuple[Participant, ...] = ()
    consent: bool = False
    sending_video: bool = False
    audio_only: bool = False
    muted: bool = False
    end_reason: str = ""


# -- events -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ConsentGiven:
    """The citizen agreed to the cameras (and to recording, if announced)."""


@dataclass(frozen=True, slots=True)
class CallRequested:
    department: str
    service: str = ""


@dataclass(frozen=True, slots=True)
class QueueUpdated:
    position: int | None
    estimated_wait_s: float | None
    clerks_available: bool = True


@dataclass(frozen=True, slots=True)
class ClerkJoined:
    """A clerk is in the call. ``booth_offers``: the booth makes the first offer;
    otherwise the clerk will (the hub's rule: the newcomer offers)."""

    participant: Participant
    booth_offers: bool = True


@dataclass(frozen=True, slots=True)
class ClerkLeft:
    participant_id: str
    reason: str = "left"


@dataclass(frozen=True, slots=True)
class LinkChanged:
    participant_id: str
    state: str  # a PeerLink state


@dataclass(frozen=True, slots=True)
class QualityChanged:
    audio_only: bool


@dataclass(frozen=True, slots=True)
class PushReceived:
    """A clerk push (request_capture, show_form, form_field, open_slot, certificate)."""

    kind: str
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class MuteToggled:
    muted: bool


@dataclass(frozen=True, slots=True)
class HungUp:
    """The citizen ended the call (or cancelled waiting)."""


@dataclass(frozen=True, slots=True)
class CallEnded:
    """The hub could not place the call, or a clerk ended it for everyone."""

    reason: str


CallEvent = (
    ConsentGiven
    | CallRequested
    | QueueUpdated
    | ClerkJoined
    | ClerkLeft
    | LinkChanged
    | QualityChanged
    | PushReceived
    | MuteToggled
    | HungUp
    | CallEnded
)

# -- commands -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RequestCall:
    department: str
    service: str = ""


@dataclass(frozen=True, slots=True)
class StartCameras:
    pass


@dataclass(frozen=True, slots=True)
class StopCameras:
    pass


@dataclass(frozen=True, slots=True)
class ConnectTo:
    participant_id: str
    offer: bool = True  # False: wait for the participant's offer


@dataclass(frozen=True, slots=True)
class Disconnect:
    participant_id: str
    say_bye: bool = True  # False when the participant has already left


@dataclass(frozen=True, slots=True)
class SetVideoSending:
    on: bool


@dataclass(frozen=True, slots=True)
class SetMuted:
    muted: bool


@dataclass(frozen=True, slots=True)
class ForwardPush:
    kind: str
    data: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Finish:
    reason: str


CallCommand = (
    RequestCall
    | StartCameras
    | StopCameras
    | ConnectTo
    | Disconnect
    | SetVideoSending
    | SetMuted
    | ForwardPush
    | Finish
)


class CallSession:
    """One call of one citizen, from the request to the end."""

    def __init__(self) -> None:
        self.view = CallView()
        self._had_clerk = False

    def handle(self, event: CallEvent) -> list[CallCommand]:
        if self.view.phase is Phase.ENDED:
            return []
        before = self.view.sending_video
        commands = self._apply(event)
        self.view = self._derive(self.view)
        if self.view.phase is not Phase.ENDED and self.view.sending_video != before:
            commands.append(SetVideoSending(self.view.sending_video))
        return commands

    def _apply(self, event: CallEvent) -> list[CallCommand]:
        v = self.view
        match event:
            case ConsentGiven():
                if v.consent:
                    return []
                self.view = replace(v, consent=True)
                return [StartCameras()]
            case CallRequested(department, service):
                if v.phase is not Phase.IDLE:
                    return []
                self.view = replace(v, phase=Phase.QUEUED, department=department)
                return [RequestCall(department, service)]
            case QueueUpdated(position, wait, available):
                self.view = replace(
                    v,
                    queue_position=position,
                    estimated_wait_s=wait,
                    no_clerk_available=not available,
                )
                return []
            case ClerkJoined(participant, booth_offers):
                if any(p.id == participant.id for p in v.participants):
                    return []
                self._had_clerk = True
                self.view = replace(
                    v,
                    participants=(*v.participants, participant),
                    queue_position=None,
                    estimated_wait_s=None,
                    no_clerk_available=False,
                )
                return [ConnectTo(participant.id, booth_offers)]
            case ClerkLeft(participant_id, reason):
                return self._remove(participant_id, reason)
            case LinkChanged(participant_id, state):
                if state in ("failed", "closed"):
                    return self._remove(
                        participant_id, "unreachable" if state == "failed" else "left"
                    )
                self.view = replace(
                    v,
                    participants=tuple(
                        replace(p, link=state) if p.id == participant_id else p
                        for p in v.participants
                    ),
                )
                return []
            case QualityChanged(audio_only):
                self.view = replace(v, audio_only=audio_only)
                return []
            case PushReceived(kind, data):
                return [ForwardPush(kind, data)]
            case MuteToggled(muted):
                self.view = replace(v, muted=muted)
                return [SetMuted(muted)]
            case HungUp():
                return self._end("citizen_hung_up")
            case CallEnded(reason):
                return self._end(reason)
        return []

    def _remove(self, participant_id: str, reason: str) -> list[CallCommand]:
        v = self.view
        if not any(p.id == participant_id for p in v.participants):
            return []
        rest = tuple(p for p in v.participants if p.id != participant_id)
        self.view = replace(v, participants=rest)
        commands: list[CallCommand] = [Disconnect(participant_id, say_bye=reason != "left")]
        if not rest and self._had_clerk:
            commands += self._end("clerks_left" if reason == "left" else reason)
        return commands

    def _end(self, reason: str) -> list[CallCommand]:
        v = self.view
        commands: list[CallCommand] = [Disconnect(p.id) for p in v.participants]
        self.view = replace(
            v,
            phase=Phase.ENDED,
            end_reason=reason,
            participants=(),
            sending_video=False,
            queue_position=None,
            estimated_wait_s=None,
        )
        return [*commands, StopCameras(), SetVideoSending(False), Finish(reason)]

    @staticmethod
    def _derive(v: CallView) -> CallView:
        if v.phase in (Phase.ENDED, Phase.IDLE) and not v.participants:
            return replace(v, sending_video=False)
        links = {p.link for p in v.participants}
        if "connected" in links:
            phase = Phase.AUDIO_ONLY if v.audio_only else Phase.CONNECTED
        elif "reconnecting" in links:
            phase = Phase.RECONNECTING
        elif links:
            phase = Phase.CONNECTING
        else:
            phase = Phase.QUEUED
        sending = v.consent and "connected" in links and not v.audio_only
        return replace(v, phase=phase, sending_video=sending)
