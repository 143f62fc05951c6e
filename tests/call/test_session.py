"""The call session state machine, without a loop or a network."""

from __future__ import annotations

from kiosk.call.session import (
    CallEnded,
    CallRequested,
    CallSession,
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
    Phase,
    PushReceived,
    QualityChanged,
    QueueUpdated,
    RequestCall,
    SetMuted,
    SetVideoSending,
    StartCameras,
    StopCameras,
)

GENERAL = Participant("clerk:7", "王芳", "general", "A-03")
TAX = Participant("clerk:9", "李强", "tax", "T-11")


def _connected(session: CallSession, *clerks: Participant) -> None:
    for clerk in clerks:
        session.handle(ClerkJoined(clerk))
        session.handle(LinkChanged(clerk.id, "connected"))


def test_queue_then_a_clerk_answers_and_video_starts_only_after_consent() -> None:
    s = CallSession()
    assert s.handle(CallRequested("general", "enterprise-deregistration")) == [
        RequestCall("general", "enterprise-deregistration")
    ]
    assert s.view.phase is Phase.QUEUED
    s.handle(QueueUpdated(3, 240.0))
    assert (s.view.queue_position, s.view.estimated_wait_s) == (3, 240.0)
    assert s.handle(ClerkJoined(GENERAL)) == [ConnectTo("clerk:7")]
    assert s.view.phase is Phase.CONNECTING and s.view.queue_position is None
    assert s.handle(LinkChanged("clerk:7", "connected")) == []  # no consent: no video
    assert s.view.phase is Phase.CONNECTED and not s.view.sending_video
    assert s.handle(ConsentGiven()) == [StartCameras(), SetVideoSending(True)]
    assert s.view.sending_video
    assert s.handle(ConsentGiven()) == []


def test_no_clerk_available_is_shown_and_waiting_can_be_cancelled() -> None:
    s = CallSession()
    s.handle(CallRequested("hpf"))
    s.handle(QueueUpdated(None, None, clerks_available=False))
    assert s.view.no_clerk_available
    commands = s.handle(HungUp())
    assert commands[-1] == Finish("citizen_hung_up")
    assert s.view.phase is Phase.ENDED


def test_reconnecting_and_audio_only_close_and_reopen_the_video_gate() -> None:
    s = CallSession()
    s.handle(ConsentGiven())
    s.handle(CallRequested("general"))
    _connected(s, GENERAL)
    assert s.view.sending_video
    assert s.handle(LinkChanged("clerk:7", "reconnecting")) == [SetVideoSending(False)]
    assert s.view.phase is Phase.RECONNECTING
    assert s.handle(LinkChanged("clerk:7", "connected")) == [SetVideoSending(True)]
    assert s.handle(QualityChanged(audio_only=True)) == [SetVideoSending(False)]
    assert s.view.phase is Phase.AUDIO_ONLY
    s.handle(LinkChanged("clerk:7", "reconnecting"))
    s.handle(LinkChanged("clerk:7", "connected"))
    assert s.view.phase is Phase.AUDIO_ONLY and not s.view.sending_video
    assert s.handle(QualityChanged(audio_only=False)) == [SetVideoSending(True)]


def test_a_second_department_joins_one_leaves_the_call_goes_on_until_the_last() -> None:
    s = CallSession()
    s.handle(ConsentGiven())
    s.handle(CallRequested("general"))
    _connected(s, GENERAL, TAX)
    assert [p.department for p in s.view.participants] == ["general", "tax"]
    # the second clerk is reconnecting while the first is fine: the call is connected
    s.handle(LinkChanged("clerk:9", "reconnecting"))
    assert s.view.phase is Phase.CONNECTED
    # the only connected clerk left: no one to send video to
    assert s.handle(ClerkLeft("clerk:7")) == [
        Disconnect("clerk:7", say_bye=False),
        SetVideoSending(False),
    ]
    assert s.view.phase is Phase.RECONNECTING
    commands = s.handle(ClerkLeft("clerk:9"))
    assert commands[0] == Disconnect("clerk:9", say_bye=False)
    assert StopCameras() in commands and commands[-1] == Finish("clerks_left")
    assert s.view.phase is Phase.ENDED and not s.view.sending_video
    assert s.handle(ClerkJoined(GENERAL)) == []  # an ended call stays ended


def test_an_unreachable_clerk_is_dropped_and_the_citizen_can_hang_up() -> None:
    s = CallSession()
    s.handle(CallRequested("general"))
    _connected(s, GENERAL, TAX)
    assert s.handle(LinkChanged("clerk:9", "failed")) == [Disconnect("clerk:9")]
    commands = s.handle(HungUp())
    assert commands[:1] == [Disconnect("clerk:7")] and commands[-1] == Finish("citizen_hung_up")


def test_pushes_pass_through_and_mute_is_a_command() -> None:
    s = CallSession()
    s.handle(CallRequested("tax"))
    _connected(s, TAX)
    push = PushReceived("show_form", {"form": "tax-clearance"})
    assert s.handle(push) == [ForwardPush("show_form", {"form": "tax-clearance"})]
    assert s.handle(MuteToggled(True)) == [SetMuted(True)]
    assert s.view.muted


def test_a_refused_call_ends_with_its_reason() -> None:
    s = CallSession()
    s.handle(CallRequested("nowhere"))
    assert s.handle(CallEnded("unknown_department"))[-1] == Finish("unknown_department")
    assert s.view.end_reason == "unknown_department"


def test_a_clerk_accepted_through_the_hub_offers_first() -> None:
    s = CallSession()
    s.handle(CallRequested("general"))
    assert s.handle(ClerkJoined(GENERAL, booth_offers=False)) == [ConnectTo("clerk:7", False)]
