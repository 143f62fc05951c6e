"""The bridge between the booth's screens and everything else.

Screens are passive views: they render what the bridge's *state* signals carry and report
what the citizen did through its *intent* signals. They never call a service, a device or
the hub. :class:`kiosk.ui.booth_ui.BoothUi` listens to the intents and drives the screens;
other parts of the booth (flows, call, capture, locker, speech) talk to the screens only
through the ``show_*`` methods here, from the Qt thread.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from kiosk.ui.viewmodels import (
    CallView,
    CaptureView,
    DoneView,
    FormView,
    LockerView,
    RatingTarget,
)

SCREENS = (
    "attract",
    "home",
    "service",
    "assistant",
    "call",
    "capture",
    "confirm",
    "locker",
    "rating",
    "done",
    "error",
)


class BoothBridge(QObject):
    """State flowing to the screens and intents flowing from them."""

    # --- state -> screens -------------------------------------------------------------
    screen_changed = Signal(str)
    language_changed = Signal(str)
    elderly_changed = Signal(bool)
    online_changed = Signal(bool)
    session_changed = Signal(bool)  # a citizen session is running
    session_ended = Signal(str)  # why: "done", "idle", "citizen"; its data is already wiped
    catalog_changed = Signal(object)  # Catalog
    department_shown = Signal(str)  # department code, "" for all
    search_results = Signal(str, object)  # query, list[Service]
    service_shown = Signal(object)  # Service
    call_changed = Signal(object)  # CallView
    capture_changed = Signal(object)  # CaptureView
    capture_preview = Signal(QImage)
    form_shown = Signal(object)  # FormView
    field_shown = Signal(object)  # FieldView: one field of the shown form changed
    locker_changed = Signal(object)  # LockerView
    rating_shown = Signal(object)  # RatingTarget
    done_shown = Signal(object)  # DoneView
    error_shown = Signal(str)  # error code
    caption_changed = Signal(str)  # what the booth is saying, for the captions area
    announced = Signal(str)  # a prompt to say aloud (the booth's voice), also captioned
    assistant_turn = Signal(str, str)  # the digital clerk's conversation: who, text
    assistant_choices = Signal(object)  # tuple[str, ...]: quick answers to offer
    assistant_expected = Signal(object)  # tuple[str, ...]: what the clerk expects to hear
    assistant_level = Signal(float)  # the clerk's speech level now, 0..1 (its mouth)
    assistant_voice = Signal(str)  # microphone: "off", "tap", "hold", "always", "listening"
    assistant_partial = Signal(str)  # the citizen's words so far, while speaking
    clock_changed = Signal(object)  # datetime
    door_link_changed = Signal(str)  # the door QR code's address, "" for none (offline)
    session_elapsed = Signal(int)  # seconds since the citizen started, -1 outside a session
    idle_warning = Signal(int)  # seconds left before the session is reset
    idle_cleared = Signal()

    # --- intents <- screens -----------------------------------------------------------
    start_requested = Signal()  # the attract screen was touched
    language_requested = Signal(str)
    elderly_requested = Signal(bool)
    department_requested = Signal(str)
    search_requested = Signal(str)
    service_requested = Signal(str)  # open a service's page
    service_start_requested = Signal(str)  # begin the service
    clerk_requested = Signal(str)  # talk to a clerk (department code or "")
    home_requested = Signal()
    more_time_requested = Signal()
    end_requested = Signal()  # the citizen leaves (wipe now)
    hangup_requested = Signal()
    call_consent_given = Signal(bool)  # the camera consent: agreed (True) or declined
    mute_requested = Signal(bool)
    call_choice_made = Signal(str)  # no clerk available: "wait", "digital" or "callback"
    capture_shot_requested = Signal()
    capture_finished = Signal()
    capture_skipped = Signal()  # the citizen does not have this material with them
    assistant_answered = Signal(str)  # the citizen typed (or tapped) an answer
    listen_requested = Signal(bool)  # the microphone button: pressed (True), released
    fields_confirmed = Signal(object)  # dict[str, str]
    fields_disputed = Signal()  # "something is wrong": ask a clerk
    locker_finished = Signal()
    rating_submitted = Signal(str, int)  # target id, level 5 (非常满意) .. 1 (非常不满意)

    def __init__(self, language: str, elderly: bool = False) -> None:
        super().__init__()
        self.language = language
        self.elderly = elderly
        self.online = True
        self.session_active = False
        self.catalog: Any = None
        self.screen = "attract"
        self.waiting_for_clerk = False  # the idle warning asks "still waiting?" then

    # --- called by the rest of the booth ----------------------------------------------
    def show_call(self, view: CallView) -> None:
        self.call_changed.emit(view)
        self.show_screen("call")

    def show_capture(self, view: CaptureView) -> None:
        self.capture_changed.emit(view)
        self.show_screen("capture")

    def show_capture_preview(self, image: QImage) -> None:
        self.capture_preview.emit(image)

    def show_form(self, view: FormView) -> None:
        self.form_shown.emit(view)
        self.show_screen("confirm")

    def show_assistant(self) -> None:
        """Open the digital clerk's conversation (it then speaks with ``say_assistant``)."""
        self.show_screen("assistant")

    def say_assistant(self, who: str, text: str, choices: tuple[str, ...] = ()) -> None:
        """One turn of the conversation: ``who`` is "clerk" or "citizen"."""
        self.assistant_turn.emit(who, text)
        self.assistant_choices.emit(choices)
        if who == "clerk":
            self.show_caption(text)

    def show_locker(self, view: LockerView) -> None:
        self.locker_changed.emit(view)
        self.show_screen("locker")

    def show_rating(self, target: RatingTarget) -> None:
        self.rating_shown.emit(target)
        self.show_screen("rating")

    def show_done(self, view: DoneView) -> None:
        self.done_shown.emit(view)
        self.show_screen("done")

    def show_error(self, code: str) -> None:
        self.error_shown.emit(code)
        self.show_screen("error")

    def announce(self, text: str) -> None:
        """Say a screen's message aloud (in the UI language) and show it as a caption."""
        self.show_caption(text)
        self.announced.emit(text)

    def show_caption(self, text: str) -> None:
        """Show what the booth says aloud (digital clerk, prompts) in the captions area."""
        self.caption_changed.emit(text)

    def set_online(self, online: bool) -> None:
        if online != self.online:
            self.online = online
            self.online_changed.emit(online)

    def show_screen(self, name: str) -> None:
        if name not in SCREENS:
            raise ValueError(f"unknown screen {name!r}")
        self.screen = name
        self.screen_changed.emit(name)
