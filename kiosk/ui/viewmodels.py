"""What the screens show, as plain frozen data (no Qt), so any area can build it.

Other parts of the booth (flows, call, capture, locker) describe what the citizen should
see with these values and hand them to :class:`kiosk.ui.bridge.BoothBridge`; the screens
render them in the current language. Texts that come from the catalog are passed as
:class:`Localized` values (``kiosk.core.catalog.Text`` is one), never pre-translated, so a
language switch re-renders them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, Protocol


class Localized(Protocol):
    """A user-facing text in the three booth languages (``kiosk.core.catalog.Text``)."""

    def get(self, lang: str) -> str: ...


@dataclass(frozen=True, slots=True)
class Plain:
    """The same text in every language (a name, a number)."""

    text: str

    def get(self, lang: str) -> str:
        return self.text


CallState = Literal[
    "consent", "waiting", "connecting", "in_call", "reconnecting", "ended", "unavailable"
]

# Returns a camera's latest picture as an HxWx3 uint8 RGB array, or None before the first.
# Called by the call screen's video tiles on a timer (never blocks: it hands out a frame
# already decoded by the call module).
FrameProvider = Callable[[], Any]


@dataclass(frozen=True, slots=True)
class CallParty:
    """One clerk in the call, as their video tile shows them."""

    id: str
    name: str
    department: Localized | None = None
    seat: str = ""
    link: str = "connected"  # connecting, connected, reconnecting
    video: FrameProvider | None = None


@dataclass(frozen=True, slots=True)
class CallView:
    """The call screen: consent, waiting in a clerk queue, connecting, or talking."""

    state: CallState
    department: Localized | None = None  # the queue joined, e.g. the tax department's name
    queue_position: int | None = None  # 1 = next
    wait_s: int | None = None  # estimated wait
    parties: tuple[Localized, ...] = ()  # clerks in the call ("税务 · 王女士")
    participants: tuple[CallParty, ...] = ()  # the clerks' video tiles
    preview: FrameProvider | None = None  # the citizen's own face camera
    document: FrameProvider | None = None  # the document camera, as the clerks see it
    sending_video: bool = False  # show the "sending video" indicator
    muted: bool = False
    audio_only: bool = False
    recording: bool = False  # the call is recorded: announce it


CaptureState = Literal["place", "hold_still", "reading", "captured", "rejected"]


@dataclass(frozen=True, slots=True)
class CaptureView:
    """The document-camera screen."""

    state: CaptureState
    material: Localized | None = None  # the document asked for
    pages: int = 0  # pages captured so far
    problem: str = ""  # an error code (kiosk.core.errors) when rejected


@dataclass(frozen=True, slots=True)
class FieldView:
    """One form field as read (OCR) or typed, for the citizen to confirm."""

    key: str
    label: Localized
    value: str
    kind: str = "text"  # FormField.kind: id_number values are masked on screen
    problem: str = ""  # a check code such as "id_check_digit" (flagged, not blocking)
    choices: tuple[tuple[str, Localized], ...] = ()  # a choice field: (value, its label)


@dataclass(frozen=True, slots=True)
class FormView:
    title: Localized | None
    fields: tuple[FieldView, ...]


LockerState = Literal["opening", "open", "closed_with_item", "closed_empty", "jammed"]


@dataclass(frozen=True, slots=True)
class LockerView:
    slot: str  # the number painted on the locker door
    state: LockerState


@dataclass(frozen=True, slots=True)
class RatingTarget:
    """Something to rate (好差评): a service item or a clerk."""

    id: str
    label: Localized


# Where an item stands when the citizen may leave (or, "checking", is asked to wait):
# done (its certificate sent), awaiting (the certificate comes later), checking (the
# department's rules decide now), referred (a clerk will decide; the phone is told),
# saved (the hub is away: saved, will be sent), rejected.
DoneState = Literal["done", "awaiting", "checking", "referred", "saved", "rejected"]


@dataclass(frozen=True, slots=True)
class DoneView:
    service: Localized | None = None
    certificate: Localized | None = None  # e.g. 清税证明, sent to the citizen's phone
    sent_to_phone: bool = False
    state: DoneState | None = None  # None: "done" if sent_to_phone else "awaiting"
    receipt_number: str = ""  # the certificate's number, once it was issued

    @property
    def shown_state(self) -> DoneState:
        if self.state is not None:
            return self.state
        return "done" if self.sent_to_phone else "awaiting"
