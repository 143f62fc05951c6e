"""The events a service workflow receives and the commands it gives.

Events are past tense: something happened at the booth (the citizen touched, a device
reported) or at the hub (a clerk pushed, a department decided). Commands are
imperatives for the runner, which executes them with the ports of
:mod:`kiosk.flows.ports` and feeds what happens back as events. Both are frozen slotted
dataclasses, so they can be logged, compared in tests and queued.

Personal data (names, ID numbers, field values) travels in fields declared with
``repr=False`` so a log line of a message never shows it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from kiosk.core.rating import Level, Rating

Actor = Literal["citizen", "clerk", "ocr", "identity"]
Pairs = tuple[tuple[str, str], ...]

# -- events ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Started:
    """The citizen chose the service (or the clerk started it for them)."""


@dataclass(frozen=True, slots=True)
class IdentityVerified:
    """The ID-card reader, a checked ID card capture or the appointment said who this is."""

    source: Literal["reader", "capture", "appointment", "clerk"]
    name: str = field(default="", repr=False)
    id_number: str = field(default="", repr=False)


@dataclass(frozen=True, slots=True)
class QuestionsAnswered:
    """The dialogue found out what is needed; answers may fill form fields."""

    answers: Pairs = field(default=(), repr=False)


@dataclass(frozen=True, slots=True)
class MaterialCaptured:
    """A material was photographed (and read, if OCR knows its type)."""

    material: str
    image_ref: str  # where the session vault keeps the image
    fields: Pairs = field(default=(), repr=False)  # what OCR read, by form field key


@dataclass(frozen=True, slots=True)
class MaterialSkipped:
    """The citizen does not have this material with them."""

    material: str


@dataclass(frozen=True, slots=True)
class MaterialVerified:
    """A clerk compared the capture with the original (shown on video or posted in the
    locker): its trust level becomes B (国办函〔2016〕108号)."""

    material: str
    clerk: str


@dataclass(frozen=True, slots=True)
class CaptureRequested:
    """A clerk asked for (another) photo of a material, at any point of the case."""

    material: str
    clerk: str


@dataclass(frozen=True, slots=True)
class FieldEdited:
    """A form field changed: typed by the citizen, pushed by a clerk."""

    key: str
    value: str = field(repr=False)
    by: Actor = "citizen"


@dataclass(frozen=True, slots=True)
class FormRequested:
    """A clerk pushed "show the form": bring the application form up on the booth now."""

    clerk: str


@dataclass(frozen=True, slots=True)
class FieldsConfirmed:
    """The citizen confirmed the form as shown."""


@dataclass(frozen=True, slots=True)
class ClerkJoined:
    """A clerk of a department joined the session (answered a call or was invited)."""

    department: str
    clerk: str


@dataclass(frozen=True, slots=True)
class ClerkApproved:
    """A department's clerk approved the department's review step."""

    department: str
    clerk: str


@dataclass(frozen=True, slots=True)
class RulesApproved:
    """A department's rules approved the review step without a clerk (self-service)."""

    department: str


@dataclass(frozen=True, slots=True)
class ReviewReferred:
    """A department's rules did not approve the review step: its clerks will decide.

    ``reasons`` name the rules not met (``over_limit:amount``), never a value."""

    department: str
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ReviewDeferred:
    """The submission is saved at the booth but the hub has not decided yet (it is away):
    the decision reaches the citizen's phone once the booth's outbox delivers it."""

    department: str


@dataclass(frozen=True, slots=True)
class ReviewRejected:
    """A department did not approve. ``final``: the case ends; otherwise correct and resend."""

    department: str
    reason: str
    clerk: str | None = None
    final: bool = False


@dataclass(frozen=True, slots=True)
class SlotRequested:
    """A clerk pushed "open a locker slot"."""

    department: str
    clerk: str


@dataclass(frozen=True, slots=True)
class SlotOpened:
    slot: str


@dataclass(frozen=True, slots=True)
class SlotClosed:
    """The slot's door closed; ``item_present`` from the locker's sensor."""

    slot: str
    item_present: bool


@dataclass(frozen=True, slots=True)
class LockerFaulted:
    """The locker could not open a slot (jammed, no free slot, board silent)."""

    reason: str


@dataclass(frozen=True, slots=True)
class CertificateIssued:
    """A department issued its certificate or receipt (it went to the citizen's phone)."""

    department: str
    reference: str


@dataclass(frozen=True, slots=True)
class ConsultEnded:
    """The consulting clerk ended the consultation."""

    department: str


@dataclass(frozen=True, slots=True)
class Rated:
    """The citizen chose a rating for the item or for one clerk (``clerk`` set)."""

    level: Level
    clerk: str | None = None
    reason: str = field(default="", repr=False)


@dataclass(frozen=True, slots=True)
class RatingSkipped:
    """The citizen left the rating screen without rating."""


@dataclass(frozen=True, slots=True)
class Cancelled:
    """The session ended before the item did (the citizen left, idle timeout)."""

    reason: str


Event = (
    Started
    | IdentityVerified
    | QuestionsAnswered
    | MaterialCaptured
    | MaterialSkipped
    | MaterialVerified
    | CaptureRequested
    | FieldEdited
    | FormRequested
    | FieldsConfirmed
    | ClerkJoined
    | ClerkApproved
    | RulesApproved
    | ReviewReferred
    | ReviewDeferred
    | ReviewRejected
    | SlotRequested
    | SlotOpened
    | SlotClosed
    | LockerFaulted
    | CertificateIssued
    | ConsultEnded
    | Rated
    | RatingSkipped
    | Cancelled
)

# -- commands ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ShowScreen:
    """Switch the booth's screen. ``screen`` names a UI screen; ``step`` the catalog step."""

    screen: str
    step: int | None = None
    department: str | None = None


@dataclass(frozen=True, slots=True)
class ShowError:
    """Tell the citizen something failed; ``code`` is an error code the UI translates."""

    code: str


@dataclass(frozen=True, slots=True)
class RequestIdentity:
    """Read the ID card (reader, or capture it) to know who the citizen is."""


@dataclass(frozen=True, slots=True)
class StartDialogue:
    """Let the digital clerk ask what is needed for ``service``."""

    service: str


@dataclass(frozen=True, slots=True)
class CallClerk:
    """Join the queue of ``department``'s clerks (a video call)."""

    department: str


@dataclass(frozen=True, slots=True)
class RequestCapture:
    """Ask the citizen to put ``material`` under the document camera; OCR ``doc_type``."""

    material: str
    doc_type: str | None


@dataclass(frozen=True, slots=True)
class ShowForm:
    """Show the application form with its values and problems."""

    values: Pairs = field(repr=False)
    problems: Pairs = ()  # (field key, problem code)
    flags: Pairs = ()  # non-blocking problems, shown to the citizen and the clerk


@dataclass(frozen=True, slots=True)
class ShowField:
    """One field changed; update it on the screen."""

    key: str
    value: str = field(repr=False)
    problem: str | None = None
    by: Actor = "citizen"


@dataclass(frozen=True, slots=True)
class SendField:
    """Tell the hub a field changed, so the clerks see what the citizen sees."""

    key: str
    value: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class SubmitCase:
    """Send the case to ``department`` for its review step (through the outbox)."""

    case_id: str
    service: str
    department: str
    step: int
    values: Pairs = field(repr=False)
    materials: tuple[tuple[str, str], ...] = ()  # (material code, image ref)


@dataclass(frozen=True, slots=True)
class OpenSlot:
    """Open a free locker slot for ``department``'s originals."""

    department: str
    case_id: str


@dataclass(frozen=True, slots=True)
class WatchSlot:
    """Watch an already open slot until its door closes (after the booth restarted)."""

    slot: str


@dataclass(frozen=True, slots=True)
class ShowCertificate:
    """Tell the citizen that ``department``'s certificate reached their phone."""

    department: str
    reference: str


@dataclass(frozen=True, slots=True)
class AskRating:
    """Offer the five rating levels for the item (``clerk`` None) or for one clerk."""

    service: str
    clerk: str | None
    department: str | None


@dataclass(frozen=True, slots=True)
class SendRating:
    rating: Rating


@dataclass(frozen=True, slots=True)
class Refused:
    """The event does not fit the workflow's state; the runner answers the sender with it."""

    event: str
    reason: str


@dataclass(frozen=True, slots=True)
class FinishCase:
    """The item is over at the booth; ``outcome`` in done, awaiting_certificates, referred
    (a clerk decides a review), pending_decision (the hub has not decided yet), rejected,
    cancelled. The session decides whether to wipe or offer another item."""

    case_id: str
    outcome: str


Command = (
    ShowScreen
    | ShowError
    | RequestIdentity
    | StartDialogue
    | CallClerk
    | RequestCapture
    | ShowForm
    | ShowField
    | SendField
    | SubmitCase
    | OpenSlot
    | WatchSlot
    | ShowCertificate
    | AskRating
    | SendRating
    | Refused
    | FinishCase
)
