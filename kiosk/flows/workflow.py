"""A service's steps from the catalog, run as a plain state machine.

Theory of operation. A :class:`Workflow` is built from one catalog
:class:`~kiosk.core.catalog.Service` and walks its steps in order. ``handle(event)``
changes the state and returns the commands for the runner; nothing here waits, sleeps or
touches a device, so tests drive it event by event. The citizen's touches, the devices'
reports, the clerks' pushes and the departments' decisions are all events of the same
machine.

Each step has a status (``pending`` -> ``active`` -> ``done``; ``waiting``, ``rejected``,
``skipped``) and belongs to a department (its own, or the service's owner), so a case
that crosses departments (enterprise deregistration: tax, then social security, then
market regulation) is one machine with a status per step and per department.

What each step kind does when entered, and what completes it:

========== ==================================== =====================================
kind       on entering                          completed by
========== ==================================== =====================================
identify   RequestIdentity                      IdentityVerified (or known already)
questions  StartDialogue, or CallClerk          QuestionsAnswered
capture    RequestCapture per material          MaterialCaptured / MaterialSkipped
form       ShowForm                             FieldsConfirmed without blocking problems
review     SubmitCase to the department         ClerkApproved / RulesApproved;
                                                ReviewRejected goes back to the form;
                                                ReviewReferred / ReviewDeferred: waiting
locker     OpenSlot                             SlotClosed with an item inside
certificate (does not block: ``waiting``)       CertificateIssued, whenever it comes
consult    CallClerk                            ConsultEnded
rating     AskRating for the item, each clerk   Rated for all, or RatingSkipped
========== ==================================== =====================================

A clerk may bring the form up at any other step (``FormRequested``, the ``show_form``
push) when the service has a form step: the citizen sees and corrects it, and confirming
returns to the step they were at (the form step itself still checks it when reached).
:meth:`Workflow.form_refusal` says beforehand why such a request would be refused.

A review the department's rules decide (self-service) may end three ways at the booth:
approved (the receipt follows as ``CertificateIssued``), ``ReviewReferred`` (the rules
sent it to a clerk) or ``ReviewDeferred`` (the hub is away: the submission waits in the
outbox). The last two leave the review ``waiting`` with the department's certificate,
skip the department's other steps (they depend on the decision) and go on to the rating;
the item ends ``referred`` or ``pending_decision``. The decision may still come, before
or after the item ended (the hub came back, a clerk decided): an approval or a referral
of a waiting review is applied whenever it arrives, like a certificate, and settles the
outcome again.

Certificates do not hold the citizen up: a tax clearance certificate may reach the
phone while a social-security clerk is still answering questions. The item ends after
the rating with ``FinishCase``: ``done``, or ``awaiting_certificates`` if a department
has still to issue one, ``rejected`` or ``cancelled``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any, cast

from kiosk.core.catalog import Material, Service, Step
from kiosk.core.errors import SessionError
from kiosk.core.fields import check_field, normalize_value
from kiosk.core.materials import SubmittedMaterial, TrustLevel
from kiosk.core.rating import Rating
from kiosk.core.text import Text
from kiosk.flows.messages import (
    Actor,
    AskRating,
    CallClerk,
    Cancelled,
    CaptureRequested,
    CertificateIssued,
    ClerkApproved,
    ClerkJoined,
    Command,
    ConsultEnded,
    Event,
    FieldEdited,
    FieldsConfirmed,
    FinishCase,
    FormRequested,
    IdentityVerified,
    LockerFaulted,
    MaterialCaptured,
    MaterialSkipped,
    MaterialVerified,
    OpenSlot,
    QuestionsAnswered,
    Rated,
    RatingSkipped,
    Refused,
    RequestCapture,
    RequestIdentity,
    ReviewDeferred,
    ReviewReferred,
    ReviewRejected,
    RulesApproved,
    SendField,
    SendRating,
    ShowCertificate,
    ShowField,
    ShowForm,
    ShowScreen,
    SlotClosed,
    SlotOpened,
    SlotRequested,
    StartDialogue,
    Started,
    SubmitCase,
    WatchSlot,
)

SNAPSHOT_FORMAT = 1


class StepStatus(Enum):
    PENDING = "pending"
    ACTIVE = "active"
    WAITING = "waiting"  # a certificate the department has yet to issue
    DONE = "done"
    REJECTED = "rejected"
    SKIPPED = "skipped"


_SETTLED = (StepStatus.DONE, StepStatus.SKIPPED, StepStatus.REJECTED)
# Outcomes that a late certificate or decision may still change.
_UNSETTLED_OUTCOMES = ("awaiting_certificates", "referred", "pending_decision")


@dataclass(frozen=True, slots=True)
class StepState:
    index: int
    kind: str
    department: str
    name: Text
    status: StepStatus


@dataclass(frozen=True, slots=True)
class CaseStatus:
    """What the hub tracks of a case: per step and per department."""

    case_id: str
    service: str
    outcome: str | None  # None while the item runs
    steps: tuple[StepState, ...]
    departments: tuple[tuple[str, str], ...]  # (department, pending|active|done|rejected)

    def to_json(self) -> dict[str, object]:
        """The document the booth sends the hub (no personal data in it)."""
        return {
            "case_id": self.case_id,
            "service": self.service,
            "outcome": self.outcome,
            "steps": [
                {
                    "index": s.index,
                    "kind": s.kind,
                    "department": s.department,
                    "status": s.status.value,
                }
                for s in self.steps
            ],
            "departments": dict(self.departments),
        }


class Workflow:
    """The state machine of one service item for one citizen."""

    def __init__(self, service: Service, case_id: str, *, today: dt.date | None = None) -> None:
        self.service = service
        self.case_id = case_id
        self._today = today
        self._status = [StepStatus.PENDING] * len(service.steps)
        self._current: int | None = None
        self._started = False
        self._handled = 0  # events handled: a write's place in the item's history
        self._outcome: str | None = None
        self._identified = False
        self._values: dict[str, str] = {}
        self._sources: dict[str, Actor] = {}
        self._captured: dict[str, str] = {}  # material -> image ref
        self._checked: dict[str, str] = {}  # material -> the clerk who checked the original
        self._skipped: set[str] = set()
        self._certificates: dict[int, str] = {}  # step -> reference
        self._clerks: dict[str, str] = {}  # clerk -> department, in order of joining
        self._to_rate: list[str | None] = []
        self._slot: str | None = None
        self._form_interlude = False  # a clerk brought the form up outside its step
        self._undecided: dict[int, str] = {}  # waiting review -> "referred" | "deferred"
        self._materials = {m.code: m for m in service.materials}
        self._fields = {f.key: f for f in service.form}

    # -- what the outside may read ---------------------------------------------------------

    @property
    def outcome(self) -> str | None:
        return self._outcome

    @property
    def current(self) -> int | None:
        """The index of the step the citizen is at, None before the start and at the end."""
        return self._current

    @property
    def values(self) -> Mapping[str, str]:
        return dict(self._values)

    @property
    def handled(self) -> int:
        """How many events the workflow has handled (kept in its snapshot). The writes an
        event causes are made while it is the last one: a booth restarted from the save
        point before it, handling the same event again, makes the same writes at the same
        count (kiosk.booth.service.WriteKeys gives them the same idempotency keys)."""
        return self._handled

    @property
    def sources(self) -> Mapping[str, Actor]:
        """Who set each value: ocr, identity, a clerk, the citizen."""
        return dict(self._sources)

    @property
    def captured(self) -> Mapping[str, str]:
        return dict(self._captured)

    def materials(self) -> tuple[SubmittedMaterial, ...]:
        """The captured materials with their trust level: C as captured, B once checked."""
        out = []
        for code in self._captured:
            material = SubmittedMaterial(code, TrustLevel.C)
            clerk = self._checked.get(code)
            out.append(material.verified_by(clerk) if clerk else material)
        return tuple(out)

    @property
    def undecided(self) -> Mapping[str, str]:
        """Departments whose review waits for a decision: ``referred`` or ``deferred``."""
        return {self._dept(self.service.steps[i]): why for i, why in self._undecided.items()}

    @property
    def clerks(self) -> tuple[str, ...]:
        return tuple(self._clerks)

    @property
    def certificates(self) -> Mapping[str, str]:
        """Issued certificates by department."""
        return {self._dept(self.service.steps[i]): ref for i, ref in self._certificates.items()}

    def steps(self) -> tuple[StepState, ...]:
        return tuple(
            StepState(i, s.kind, self._dept(s), s.name, self._status[i])
            for i, s in enumerate(self.service.steps)
        )

    def department_status(self) -> dict[str, str]:
        """pending, active, done or rejected for every department taking part."""
        out: dict[str, str] = {}
        for dept in self.service.departments:
            mine = [
                self._status[i]
                for i, s in enumerate(self.service.steps)
                if self._dept(s) == dept and s.kind != "rating"
            ]
            if not mine:
                continue
            if StepStatus.REJECTED in mine:
                out[dept] = "rejected"
            elif all(st in _SETTLED for st in mine):
                out[dept] = "done"
            elif all(st is StepStatus.PENDING for st in mine):
                out[dept] = "pending"
            else:
                out[dept] = "active"
        return out

    def status(self) -> CaseStatus:
        return CaseStatus(
            self.case_id,
            self.service.code,
            self._outcome,
            self.steps(),
            tuple(self.department_status().items()),
        )

    def form_refusal(self) -> str | None:
        """Why a clerk cannot bring the form up now; None when they can."""
        if self._outcome is not None:
            return "finished"
        if not self._started or self._current is None:
            return "not started"
        if not any(s.kind == "form" for s in self.service.steps):
            return "no form step"
        return None

    # -- surviving a restart ---------------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        """The whole state as JSON-compatible data, to keep in the session vault.

        It holds the citizen's form values: store it only where session data goes (the
        SessionVault), never in logs or the outbox.
        """
        return {
            "format": SNAPSHOT_FORMAT,
            "service": self.service.code,
            "steps": _fingerprint(self.service),
            "case_id": self.case_id,
            "status": [st.value for st in self._status],
            "current": self._current,
            "started": self._started,
            "handled": self._handled,
            "outcome": self._outcome,
            "identified": self._identified,
            "values": dict(self._values),
            "sources": dict(self._sources),
            "captured": dict(self._captured),
            "checked": dict(self._checked),
            "skipped": sorted(self._skipped),
            "certificates": {str(i): ref for i, ref in self._certificates.items()},
            "clerks": dict(self._clerks),
            "to_rate": list(self._to_rate),
            "slot": self._slot,
            "undecided": {str(i): why for i, why in self._undecided.items()},
        }

    @classmethod
    def restore(
        cls, service: Service, snapshot: Mapping[str, Any], *, today: dt.date | None = None
    ) -> Workflow:
        """The workflow of ``snapshot``; SessionError if it does not fit ``service``.

        The catalog may have changed while the booth was down: a snapshot whose steps
        differ from the service's is refused rather than resumed at the wrong step.
        """
        if (
            snapshot.get("format") != SNAPSHOT_FORMAT
            or snapshot.get("service") != service.code
            or snapshot.get("steps") != _fingerprint(service)
        ):
            raise SessionError("the saved workflow does not fit the service", code="resume")
        try:
            wf = cls(service, str(snapshot["case_id"]), today=today)
            wf._status = [StepStatus(v) for v in snapshot["status"]]
            wf._current = snapshot["current"]
            wf._started = bool(snapshot["started"])
            wf._handled = int(snapshot.get("handled", 0))
            wf._outcome = snapshot["outcome"]
            wf._identified = bool(snapshot["identified"])
            wf._values = dict(snapshot["values"])
            wf._sources = cast(dict[str, Actor], dict(snapshot["sources"]))
            wf._captured = dict(snapshot["captured"])
            wf._checked = dict(snapshot["checked"])
            wf._skipped = set(snapshot["skipped"])
            wf._certificates = {int(i): ref for i, ref in snapshot["certificates"].items()}
            wf._clerks = dict(snapshot["clerks"])
            wf._to_rate = list(snapshot["to_rate"])
            wf._slot = snapshot["slot"]
            wf._undecided = {int(i): str(w) for i, w in snapshot.get("undecided", {}).items()}
        except (KeyError, TypeError, ValueError) as exc:
            raise SessionError("the saved workflow is damaged", code="resume") from exc
        if len(wf._status) != len(service.steps):
            raise SessionError("the saved workflow is damaged", code="resume")
        return wf

    def resume(self) -> list[Command]:
        """The commands that put the booth back where the citizen was.

        Nothing is sent twice: a review already submitted waits for its decision (the
        submission sits in the outbox), an open locker slot is watched, not opened again.
        """
        if self._outcome is not None or self._current is None:
            return [ShowScreen("finished")] if self._outcome is not None else []
        i = self._current
        step = self.service.steps[i]
        dept = self._dept(step)
        screen = ShowScreen(step.kind, i, dept)
        if step.kind == "review":
            return [screen]
        if step.kind == "locker" and self._slot is not None:
            return [ShowScreen("locker_open", i, dept), WatchSlot(self._slot)]
        if step.kind == "rating":
            return [screen, self._ask_rating()] if self._to_rate else [screen]
        if step.kind == "capture":
            nxt = self._next_material()
            return [screen] if nxt is None else [screen, RequestCapture(nxt.code, nxt.doc_type)]
        self._status[i] = StepStatus.PENDING
        entered = self._enter(i)
        return entered if entered is not None else self._advance()

    # -- the machine ---------------------------------------------------------------------

    def handle(self, event: Event) -> list[Command]:
        """Apply ``event``; return the commands for the runner, in order."""
        self._handled += 1
        name = type(event).__name__
        if isinstance(event, CertificateIssued):
            return self._on_certificate(event)  # also after the item finished
        match event:  # a decision on a review left waiting: also after the item finished
            case (
                ClerkApproved() | RulesApproved() | ReviewReferred() | ReviewRejected(final=True)
            ) if self._waiting_review(event.department) is not None:
                return self._on_late_decision(event)
        if self._outcome is not None:
            return [Refused(name, "finished")]
        if isinstance(event, Started):
            if self._started:
                return [Refused(name, "already started")]
            self._started = True
            return self._advance()
        if not self._started:
            return [Refused(name, "not started")]
        match event:
            case IdentityVerified():
                return self._on_identity(event)
            case QuestionsAnswered():
                return self._on_answers(event)
            case MaterialCaptured():
                return self._on_captured(event)
            case MaterialSkipped():
                return self._on_skipped(event)
            case MaterialVerified():
                if event.material not in self._captured:
                    return [Refused(name, f"material {event.material} not captured")]
                self._checked[event.material] = event.clerk
                return []
            case CaptureRequested():
                material = self._materials.get(event.material)
                if material is None:
                    return [Refused(name, f"unknown material {event.material}")]
                return [RequestCapture(material.code, material.doc_type)]
            case FieldEdited():
                return self._on_field(event)
            case FormRequested():
                refusal = self.form_refusal()
                if refusal is not None:
                    return [Refused(name, refusal)]
                self._form_interlude = self._kind() != "form"
                return [self._show_form()]
            case FieldsConfirmed():
                return self._on_confirmed()
            case ClerkJoined():
                self._clerks.setdefault(event.clerk, event.department)
                return []
            case ClerkApproved() | RulesApproved():
                return self._on_approved(event)
            case ReviewReferred() | ReviewDeferred():
                return self._on_undecided(event)
            case ReviewRejected():
                return self._on_rejected(event)
            case SlotRequested() | SlotOpened() | SlotClosed() | LockerFaulted():
                return self._on_locker(event)
            case ConsultEnded():
                if self._kind() == "consult" and self._current_dept() == event.department:
                    return self._complete()
                return [Refused(name, "no consultation with this department")]
            case Rated() | RatingSkipped():
                return self._on_rating(event)
            case Cancelled():
                return self._finish("cancelled")
        return [Refused(name, "unknown event")]  # pragma: no cover - Event is closed

    # -- steps ---------------------------------------------------------------------------

    def _dept(self, step: Step) -> str:
        return step.department or self.service.department

    def _kind(self) -> str | None:
        return None if self._current is None else self.service.steps[self._current].kind

    def _current_dept(self) -> str | None:
        return None if self._current is None else self._dept(self.service.steps[self._current])

    def _complete(self) -> list[Command]:
        assert self._current is not None
        self._status[self._current] = StepStatus.DONE
        return self._advance()

    def _advance(self) -> list[Command]:
        """Enter the next pending step; certificates wait without blocking."""
        commands: list[Command] = []
        start = 0 if self._current is None else self._current + 1
        for i in range(start, len(self.service.steps)):
            if self._status[i] is not StepStatus.PENDING:
                continue
            self._current = i
            entered = self._enter(i)
            if entered is None:  # completed on entry (known identity, early certificate)
                continue
            return commands + entered
        self._current = None
        return commands + self._finish(self._settled_outcome())

    def _enter(self, i: int) -> list[Command] | None:
        step = self.service.steps[i]
        dept = self._dept(step)
        screen = ShowScreen(step.kind, i, dept)
        self._status[i] = StepStatus.ACTIVE
        if step.kind == "identify":
            if self._identified:
                self._status[i] = StepStatus.DONE
                return None
            return [screen, RequestIdentity()]
        if step.kind == "questions":
            if step.department is not None and self.service.needs_clerk:
                return [screen, CallClerk(dept)]
            return [screen, StartDialogue(self.service.code)]
        if step.kind == "capture":
            nxt = self._next_material()
            if nxt is None:
                self._status[i] = StepStatus.DONE
                return None
            return [screen, RequestCapture(nxt.code, nxt.doc_type)]
        if step.kind == "form":
            return [screen, self._show_form()]
        if step.kind == "review":
            return [screen, self._submit(i, dept)]
        if step.kind == "locker":
            return [screen, OpenSlot(dept, self.case_id)]
        if step.kind == "certificate":
            if i in self._certificates:
                self._status[i] = StepStatus.DONE
            else:
                self._status[i] = StepStatus.WAITING
            return None
        if step.kind == "consult":
            return [screen, CallClerk(dept)]
        if step.kind == "rating":
            self._to_rate = [None, *self._clerks]
            return [screen, self._ask_rating()]
        raise ValueError(f"unknown step kind {step.kind!r}")  # the catalog validates kinds

    def _settled_outcome(self) -> str:
        if StepStatus.REJECTED in self._status:
            return "rejected"
        if "referred" in self._undecided.values():
            return "referred"
        if self._undecided:
            return "pending_decision"
        if StepStatus.WAITING in self._status:
            return "awaiting_certificates"
        return "done"

    def _finish(self, outcome: str) -> list[Command]:
        self._outcome = outcome
        for i, st in enumerate(self._status):
            if st in (StepStatus.PENDING, StepStatus.ACTIVE):
                self._status[i] = StepStatus.SKIPPED
        self._current = None
        return [ShowScreen("finished"), FinishCase(self.case_id, outcome)]

    # -- identity, questions, materials, form -------------------------------------------------

    def _fill(self, key: str, value: str, source: Actor) -> bool:
        """Set a field from OCR/identity/dialogue unless a person already typed it; what
        the ID-card reader (or the appointment) verified is not overwritten by OCR."""
        field = self._fields.get(key)
        if field is None or self._sources.get(key) in ("citizen", "clerk"):
            return False
        if source == "ocr" and self._sources.get(key) == "identity":
            return False
        self._values[key] = normalize_value(field, value)
        self._sources[key] = source
        return True

    def _on_identity(self, event: IdentityVerified) -> list[Command]:
        self._identified = True
        if event.name:
            self._fill("applicant_name", event.name, "identity")
        if event.id_number:
            self._fill("id_number", event.id_number, "identity")
        return self._complete() if self._kind() == "identify" else []

    def _on_answers(self, event: QuestionsAnswered) -> list[Command]:
        if self._kind() != "questions":
            return [Refused("QuestionsAnswered", "not asking questions")]
        for key, value in event.answers:
            self._fill(key, value, "citizen")
        return self._complete()

    def _next_material(self) -> Material | None:
        for m in self.service.materials:
            if m.code not in self._captured and m.code not in self._skipped:
                return m
        return None

    def _after_material(self) -> list[Command]:
        if self._kind() == "capture":
            nxt = self._next_material()
            if nxt is None:
                return self._complete()
            return [RequestCapture(nxt.code, nxt.doc_type)]
        if self._kind() == "form":
            return [self._show_form()]
        return []

    def _on_captured(self, event: MaterialCaptured) -> list[Command]:
        if event.material not in self._materials:
            return [Refused("MaterialCaptured", f"unknown material {event.material}")]
        self._captured[event.material] = event.image_ref
        self._checked.pop(event.material, None)  # a new photo has not been checked yet
        self._skipped.discard(event.material)
        for key, value in event.fields:
            self._fill(key, value, "ocr")
        return self._after_material()

    def _on_skipped(self, event: MaterialSkipped) -> list[Command]:
        if self._kind() != "capture" or event.material not in self._materials:
            return [Refused("MaterialSkipped", "not capturing this material")]
        self._skipped.add(event.material)
        return self._after_material()

    def _problems(self) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        blocking: list[tuple[str, str]] = []
        flags: list[tuple[str, str]] = []
        for f in self.service.form:
            problem = check_field(f, self._values.get(f.key, ""), today=self._today)
            if problem is not None:
                (blocking if problem.blocking else flags).append((f.key, problem.code))
        return blocking, flags

    def _back_to_step(self) -> list[Command]:
        """The current step's screen again, after a form a clerk brought up meanwhile; its
        waits (a call, the digital clerk, a locker door) went on and are not restarted."""
        assert self._current is not None
        i = self._current
        step = self.service.steps[i]
        screen = ShowScreen(step.kind, i, self._dept(step))
        if step.kind == "identify":
            return [screen, RequestIdentity()]
        if step.kind in ("questions", "consult") or (step.kind == "locker" and not self._slot):
            return [screen]
        return self.resume()  # capture, review, an open locker slot, rating

    def _show_form(self, with_problems: bool = False) -> ShowForm:
        values = tuple((f.key, self._values.get(f.key, "")) for f in self.service.form)
        blocking, flags = self._problems()
        # Empty required fields are not shouted at before the citizen tries to confirm.
        shown = blocking if with_problems else [p for p in blocking if p[1] != "required"]
        return ShowForm(values, tuple(shown), tuple(flags))

    def _on_field(self, event: FieldEdited) -> list[Command]:
        field = self._fields.get(event.key)
        if field is None:
            return [Refused("FieldEdited", f"unknown field {event.key}")]
        value = normalize_value(field, event.value)
        self._values[event.key] = value
        self._sources[event.key] = event.by
        problem = check_field(field, value, today=self._today)
        commands: list[Command] = [
            ShowField(event.key, value, problem.code if problem else None, event.by)
        ]
        if event.by == "citizen":
            commands.append(SendField(event.key, value))
        return commands

    def _on_confirmed(self) -> list[Command]:
        if self._kind() != "form":
            if not self._form_interlude:
                return [Refused("FieldsConfirmed", "no form shown")]
            self._form_interlude = False
            return self._back_to_step()
        self._form_interlude = False
        blocking, _ = self._problems()
        if blocking:
            return [self._show_form(with_problems=True)]
        return self._complete()

    # -- departments ---------------------------------------------------------------------

    def _submit(self, i: int, dept: str) -> SubmitCase:
        values = tuple(
            (f.key, self._values[f.key]) for f in self.service.form if f.key in self._values
        )
        return SubmitCase(
            self.case_id, self.service.code, dept, i, values, tuple(self._captured.items())
        )

    def _on_approved(self, event: ClerkApproved | RulesApproved) -> list[Command]:
        name = type(event).__name__
        if self._kind() != "review" or self._current_dept() != event.department:
            return [Refused(name, "no review pending for this department")]
        if isinstance(event, ClerkApproved):
            self._clerks.setdefault(event.clerk, event.department)
        return self._complete()

    def _waiting_review(self, department: str) -> int | None:
        return next(
            (i for i in self._undecided if self._dept(self.service.steps[i]) == department), None
        )

    def _on_undecided(self, event: ReviewReferred | ReviewDeferred) -> list[Command]:
        """The review waits for a decision the citizen need not stay for."""
        name = type(event).__name__
        if self._kind() != "review" or self._current_dept() != event.department:
            return [Refused(name, "no review pending for this department")]
        assert self._current is not None
        review = self._current
        referred = isinstance(event, ReviewReferred)
        self._undecided[review] = "referred" if referred else "deferred"
        self._status[review] = StepStatus.WAITING
        for i in range(review + 1, len(self.service.steps)):
            step = self.service.steps[i]
            if step.kind == "certificate" and self._dept(step) == event.department:
                self._status[i] = StepStatus.DONE if i in self._certificates else StepStatus.WAITING
            elif step.kind != "rating":
                self._status[i] = StepStatus.SKIPPED  # it depends on the decision
        screen = ShowScreen("referred" if referred else "deferred", review, event.department)
        return [screen, *self._advance()]

    def _on_late_decision(
        self, event: ClerkApproved | RulesApproved | ReviewReferred | ReviewRejected
    ) -> list[Command]:
        """A decision on a review that was left waiting (also after the item finished)."""
        review = self._waiting_review(event.department)
        assert review is not None
        if isinstance(event, ReviewReferred):
            self._undecided[review] = "referred"
        elif isinstance(event, ReviewRejected):
            del self._undecided[review]
            self._status[review] = StepStatus.REJECTED
            for i in range(review + 1, len(self.service.steps)):
                if self._status[i] is StepStatus.WAITING:
                    self._status[i] = StepStatus.SKIPPED  # no certificate will come
            if self._outcome in _UNSETTLED_OUTCOMES:
                self._outcome = "rejected"
            return []
        else:
            del self._undecided[review]
            self._status[review] = StepStatus.DONE
            if isinstance(event, ClerkApproved):
                self._clerks.setdefault(event.clerk, event.department)
        self._resettle()
        return []

    def _resettle(self) -> None:
        """A late certificate or decision: the finished item's outcome again."""
        if self._outcome in _UNSETTLED_OUTCOMES:
            self._outcome = self._settled_outcome()

    def _on_rejected(self, event: ReviewRejected) -> list[Command]:
        if self._kind() != "review" or self._current_dept() != event.department:
            return [Refused("ReviewRejected", "no review pending for this department")]
        assert self._current is not None
        if event.clerk:
            self._clerks.setdefault(event.clerk, event.department)
        review = self._current
        if event.final:
            self._status[review] = StepStatus.REJECTED
            # The department's remaining steps and every later department step are moot;
            # the item still ends with its rating.
            for i in range(review + 1, len(self.service.steps)):
                if self.service.steps[i].kind != "rating":
                    self._status[i] = StepStatus.SKIPPED
            return [ShowScreen("rejected", review, event.department), *self._advance()]
        # Back to the last form (or capture) step before the review, to correct and resend.
        back = next(
            (
                i
                for i in range(review - 1, -1, -1)
                if self.service.steps[i].kind in ("form", "capture")
            ),
            None,
        )
        if back is None:
            return [ShowScreen("rejected", review, event.department), CallClerk(event.department)]
        for i in range(back, review + 1):
            if self._status[i] is not StepStatus.WAITING:
                self._status[i] = StepStatus.PENDING
        if self.service.steps[back].kind == "capture":
            self._captured.clear()
            self._checked.clear()
            self._skipped.clear()
        self._current = back - 1 if back > 0 else None
        return [ShowScreen("correction", back, event.department), *self._advance()]

    def _on_locker(
        self, event: SlotRequested | SlotOpened | SlotClosed | LockerFaulted
    ) -> list[Command]:
        name = type(event).__name__
        if self._kind() != "locker":
            return [Refused(name, "no locker step now")]
        assert self._current is not None
        dept = self._current_dept()
        assert dept is not None
        match event:
            case SlotRequested():
                self._clerks.setdefault(event.clerk, event.department)
                return [OpenSlot(dept, self.case_id)]
            case SlotOpened():
                self._slot = event.slot
                return [ShowScreen("locker_open", self._current, dept)]
            case SlotClosed():
                if event.slot != self._slot:
                    return [Refused(name, "not the slot of this case")]
                if event.item_present:
                    return self._complete()
                return [
                    ShowScreen("locker_empty", self._current, dept),
                    OpenSlot(dept, self.case_id),
                ]
            case LockerFaulted():
                return [ShowScreen("locker_fault", self._current, dept), CallClerk(dept)]

    def _on_certificate(self, event: CertificateIssued) -> list[Command]:
        for i, step in enumerate(self.service.steps):
            if (
                step.kind == "certificate"
                and self._dept(step) == event.department
                and i not in self._certificates
            ):
                self._certificates[i] = event.reference
                if self._status[i] in (StepStatus.WAITING, StepStatus.SKIPPED) and (
                    self._outcome is None or self._outcome in _UNSETTLED_OUTCOMES
                ):
                    self._status[i] = StepStatus.DONE
                self._resettle()
                return [ShowCertificate(event.department, event.reference)]
        return [Refused("CertificateIssued", "no certificate expected from this department")]

    # -- rating ------------------------------------------------------------------------------

    def _ask_rating(self) -> AskRating:
        target = self._to_rate[0]
        dept = self._clerks.get(target) if target else None
        return AskRating(self.service.code, target, dept)

    def _on_rating(self, event: Rated | RatingSkipped) -> list[Command]:
        name = type(event).__name__
        if self._kind() != "rating":
            return [Refused(name, "no rating asked")]
        if isinstance(event, RatingSkipped):
            self._to_rate = []
            return self._complete()
        if event.clerk not in self._to_rate:
            return [Refused(name, "already rated or not part of this item")]
        self._to_rate.remove(event.clerk)
        rating = Rating(self.case_id, self.service.code, event.level, event.clerk, event.reason)
        commands: list[Command] = [SendRating(rating)]
        if self._to_rate:
            return [*commands, self._ask_rating()]
        return [*commands, *self._complete()]


def _fingerprint(service: Service) -> list[str]:
    return [f"{s.kind}:{s.department or ''}" for s in service.steps]
