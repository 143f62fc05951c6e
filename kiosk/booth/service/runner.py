"""Running a catalog service at the booth: one service item from start to FinishCase.

This is composition-root code (it may import every package). A :class:`ServiceRunner`
runs one service's :class:`~kiosk.flows.workflow.Workflow` in the citizen's session with
a :class:`~kiosk.flows.runner.WorkflowRunner` and these adapters (the camera and reading
in :mod:`kiosk.booth.service.documents`, the screen in :mod:`kiosk.booth.service.screen`,
the hub in :mod:`kiosk.booth.service.hub`):

=================  ===========================================================================
port               made of
=================  ===========================================================================
Screen             :class:`UiScreen`: the UI bridge (capture, assistant, confirm, rating, done)
DocumentCamera     :class:`BoothDocumentCamera`: a :class:`FrameSource` fed through
                   ``kiosk.capture``'s stillness auto-capture (or the shutter button); the
                   corrected page goes into the session vault
Ocr                :class:`BoothOcr`: ``kiosk.ocr`` read_document in its worker thread, the
                   document's fields renamed to the catalog's form keys
IdentityReader     for an item a clerk handles (it needs a verified identity): the ID-card
                   reader when there is one; otherwise, and for self-service items,
                   :class:`CapturedIdentity`: the ID card captured under the document
                   camera (a material at level C)
Locker             :class:`kiosk.booth.locker.BoothLocker` on the booth's locker bank
Dialogue           ``kiosk.speech``'s ClerkDialogue: the digital clerk by typed text (and by
                   voice where a speech model is configured)
Hub                :class:`ServiceHub`: ``kiosk.backend``'s BoothHub over the outbox, plus the
                   confirmed fields of each capture as a level-C material (each sent once,
                   at the first review that needs it), and the steps the booth completes
                   reported to the hub; a clerk is called through the booth's call wiring
                   (consent, queue, video) with the hub's case id
=================  ===========================================================================

A case the hub opened for an appointment (the door scan's ``start_session`` names it) is
adopted (:class:`AdoptedCase`) instead of opened anew: its writes go to the hub's case and
the citizen page of the appointment follows it. Clerks' pushes are posted to
:meth:`ServiceRunner.post` by :mod:`kiosk.booth.pushes`.

The citizen's touches arrive as bridge signals and are posted to the runner as workflow
events (``capture_skipped`` -> MaterialSkipped, ``fields_confirmed`` -> FieldEdited for
each change then FieldsConfirmed, ``rating_submitted`` -> Rated, the session's end ->
Cancelled).

A review step that the department's rules decide (the catalog step's ``rules``, or any
review of a self-service item) is reported to the hub after the submission, through the
outbox like every write; the hub evaluates the rules and answers with the decision
(kiosk.hub.rules_review). The citizen waits for it on the done screen's "checking" state
(:class:`~kiosk.backend.review_decision.DecisionWait`, at most ``decision_wait_s``):
approved -> ``RulesApproved`` and the receipt (``CertificateIssued``, also on his phone);
referred -> ``ReviewReferred`` (a clerk will decide and his phone will be told); the hub
away -> ``ReviewDeferred`` ("saved, will be sent"). A decision that comes later is still
applied, and the done screen follows it while he is there.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kiosk.booth.resume import SAVE_POINT, SavePoint, reading_from_json, reading_to_json
from kiosk.booth.service.documents import (
    BoothDocumentCamera,
    BoothOcr,
    CapturedIdentity,
    FrameSource,
    Vault,
)
from kiosk.booth.service.hub import CitizenLink, ServiceHub, WriteKeys
from kiosk.booth.service.screen import UiScreen
from kiosk.core.catalog import Catalog
from kiosk.core.clock import Clock
from kiosk.core.rating import Level
from kiosk.core.step_owners import BOOTH_STEPS, decided_by_rules
from kiosk.flows.messages import (
    Cancelled,
    FieldEdited,
    FieldsConfirmed,
    MaterialSkipped,
    Rated,
    ReviewDeferred,
    SubmitCase,
)
from kiosk.flows.ports import IdentityReader
from kiosk.flows.runner import Ports, WorkflowRunner
from kiosk.flows.workflow import StepStatus, Workflow
from kiosk.ui.preview import preview_image

log = logging.getLogger(__name__)

YES_NO_STEPS = ("materials", "confirm")  # the digital clerk's yes-or-no questions
DECISION_WAIT_S = 20.0  # the rules decide in about a second; longer means a slow network


# -- one service item ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AdoptedCase:
    """A case the hub opened (an appointment), as ``start_session`` names it."""

    hub_case_id: str
    service: str
    citizen_token: str = field(default="", repr=False)

    @classmethod
    def from_session(cls, data: Mapping[str, Any]) -> AdoptedCase | None:
        """From ``start_session`` data; None for a walk-in (no case)."""
        case, service = data.get("case_id"), data.get("service")
        if not (isinstance(case, str) and case and isinstance(service, str) and service):
            return None
        return cls(case, service, str(data.get("citizen_token") or ""))


@dataclass(frozen=True, slots=True)
class ServiceParts:
    """What the booth lends a service run (the composition root's long-lived parts)."""

    catalog: Catalog
    clock: Clock
    outbox: Any  # kiosk.backend.outbox.Outbox
    channel: Any  # kiosk.backend.channel.BoothChannel
    ocr_service: Any  # kiosk.ocr.engine.OcrService
    frames: FrameSource
    answerer: Any  # kiosk.speech.answering.Answerer
    identity: IdentityReader | None = None
    locker: Any = None  # kiosk.devices.locker.bank.LockerBank
    call_clerk: Callable[[str, str | None], Awaitable[None]] | None = None  # dept, hub case
    show_call: Callable[[], bool] | None = None  # the call screen back, if a call runs
    # How long the citizen waits at a rules review for the hub's decision before the
    # booth says "saved, will be sent" (at once when the outbox finds the hub away).
    decision_wait_s: float = DECISION_WAIT_S


class ServiceRunner:
    """One catalog service run for the citizen in the booth, from start to FinishCase."""

    def __init__(
        self,
        parts: ServiceParts,
        ui: Any,
        code: str,
        *,
        adopted: AdoptedCase | None = None,
        resume: SavePoint | None = None,
    ) -> None:
        """``resume``: the item's save point after a restart (kiosk.booth.resume): the same
        case, at the step it was in; nothing already sent is sent again."""
        from kiosk.backend.hub_port import BoothHub
        from kiosk.booth.locker import BoothLocker
        from kiosk.speech.dialogue_port import ClerkDialogue

        self.parts = parts
        self.resumed = resume
        if resume is not None and resume.adopted and adopted is None:
            adopted = AdoptedCase(**resume.adopted)
        self.adopted = adopted
        self.ui = ui
        self.bridge = ui.bridge
        self.service = parts.catalog.service(code)
        self.case_id = resume.case_id if resume is not None else uuid.uuid4().hex
        self.session_id = str(getattr(ui.session, "session_id", "") or self.case_id)
        self.vault: Vault = ui.session
        today = parts.clock.now().date()
        self.workflow = (
            Workflow.restore(self.service, resume.snapshot, today=today)
            if resume is not None
            else Workflow(self.service, self.case_id, today=today)
        )
        self.link = CitizenLink()
        self.link_task: asyncio.Future[None] | None = None  # learning the citizen page's link
        self._reported: set[int] = set(resume.reported) if resume is not None else set()
        self._decision: Any = None  # kiosk.backend.review_decision.DecisionWait
        self.decision_task: asyncio.Future[None] | None = None
        self._connections: list[tuple[Any, Callable[..., None]]] = []
        self.write_keys = WriteKeys(parts.outbox, self.session_id, self.workflow)
        self.booth_hub = BoothHub(
            parts.outbox,
            parts.channel,
            images=self.vault.get,
            session_id=self.session_id,
            write_key=self.write_keys,
        )
        self.ocr = BoothOcr(parts.ocr_service, self.vault)
        self.camera = BoothDocumentCamera(
            parts.frames, self.vault, self.bridge, self._material_name, preview_image
        )
        self.screen = UiScreen(
            self.bridge,
            self.service,
            self.ocr.flags,
            self._sync_steps,
            parts.show_call or (lambda: False),
            lambda code: parts.catalog.department(code).name,
            self.done_view,
        )
        self.hub = ServiceHub(
            self.booth_hub,
            self.vault,
            self.ocr,
            self._on_submitted,
            self._call_clerk if parts.call_clerk is not None else None,
        )
        self.dialogue = ClerkDialogue(
            parts.catalog, parts.answerer, self._on_reply, lang=self.bridge.language
        )
        # A clerk's item needs a verified identity: the reader's; self-service items keep the
        # captured ID card as one of their materials.
        reader = parts.identity if self.service.needs_clerk else None
        identity = reader or CapturedIdentity(self.camera, self.ocr, self.post)
        self.locker = (
            BoothLocker(
                parts.locker,
                parts.outbox,
                parts.channel,
                session_id=self.session_id,
                case_id=self.case_id,
                on_change=self._show_locker,
            )
            if parts.locker is not None
            else None
        )
        self.runner = WorkflowRunner(
            self.workflow,
            Ports(
                screen=self.screen,
                hub=self.hub,
                camera=self.camera,
                ocr=self.ocr,
                identity=identity,
                dialogue=self.dialogue,
                locker=self.locker,
            ),
            resumed=resume is not None,
            checkpoint=self._checkpoint,
        )
        self._welcome_back = resume is not None  # said once her step is on screen again
        if resume is not None:
            self.hub.sent.update(resume.sent)
            self.ocr.readings.update(
                {ref: reading_from_json(doc) for ref, doc in resume.readings.items()}
            )

    @property
    def hub_case_id(self) -> str | None:
        """The hub's id of this item's case (None until the hub has opened a walk-in's)."""
        if self.adopted is not None:
            return self.adopted.hub_case_id
        return self.parts.outbox.hub_case_id(self.case_id)  # type: ignore[no-any-return]

    def form_refusal(self) -> str | None:
        """Why a clerk's "show the form" would be refused now (None: it would not)."""
        return self.workflow.form_refusal()

    def post(self, event: Any) -> None:
        log.info("case %s: %s", self.case_id, type(event).__name__)  # names only: no data
        self.runner.post(event)

    async def run(self) -> str:
        """Open the case on the hub (through the outbox), or adopt the appointment's, and
        run the item; its outcome."""
        link: asyncio.Future[None]
        opening = self._opening()
        if self.resumed is not None and self.adopted is None and opening is None:
            # A walk-in's case opened before the restart: its id is in the outbox already.
            self.link = CitizenLink(self.hub_case_id or "")
            link = asyncio.get_running_loop().create_future()
            link.set_result(None)
        elif self.resumed is not None and self.adopted is None and opening is not None:
            link = asyncio.ensure_future(self._learn_link(opening))  # still to be sent
        elif self.adopted is not None:
            adopted = self.adopted
            self.booth_hub.adopt_case(self.case_id, adopted.hub_case_id, adopted.citizen_token)
            self.link = CitizenLink(adopted.hub_case_id, adopted.citizen_token)
            link = asyncio.get_running_loop().create_future()
            link.set_result(None)
        else:
            self.booth_hub.open_case(self.case_id, self.service.code)
            key = self._opening()
            assert key is not None  # just saved
            link = asyncio.ensure_future(self._learn_link(key))
        self._connect()
        if self.resumed is not None:
            self._resume_decision()
        try:
            outcome = await self.runner.run()
        finally:
            self._disconnect()
        for event in self.runner.unhandled():  # a decision or receipt that came too late
            self.workflow.handle(event)
        self._sync_steps()
        self._save()  # the steps just reported: not again if the booth restarts now
        log.info("service %s ended at the booth: %s", self.service.code, outcome)
        if outcome == "cancelled":
            link.cancel()
            self._stop_deciding()
        else:
            self.bridge.show_done(self.done_view())
            self.link_task = link
            if self.decision_task is not None and not self.decision_task.done():
                # Still undecided: the done screen follows the decision until he leaves.
                self.bridge.session_changed.connect(self._session_over)
        return outcome

    def _opening(self) -> str | None:
        """The idempotency key of the pending write that opens this item's case, if any."""
        for entry in self.parts.outbox.entries(session_id=self.session_id):
            if entry.opens_case and entry.case_id == self.case_id:
                return str(entry.idempotency_key)
        return None

    def _checkpoint(self) -> None:
        if self._welcome_back:
            self._welcome_back = False
            show_resumed = getattr(self.ui, "show_resumed", None)
            if show_resumed is not None:
                show_resumed()
        self._save()

    def _save(self) -> None:
        """The runner's checkpoint: the save point into a durable vault (a booth that can
        resume sessions); nothing is kept otherwise."""
        if not getattr(self.vault, "durable", False):
            return
        adopted = self.adopted
        point = SavePoint(
            service=self.service.code,
            case_id=self.case_id,
            snapshot=self.workflow.snapshot(),
            reported=tuple(sorted(self._reported)),
            sent=tuple(sorted(self.hub.sent)),
            readings={ref: reading_to_json(r) for ref, r in self.ocr.readings.items()},
            adopted=None
            if adopted is None
            else {
                "hub_case_id": adopted.hub_case_id,
                "service": adopted.service,
                "citizen_token": adopted.citizen_token,
            },
            language=str(self.bridge.language),
        )
        self.vault.put(SAVE_POINT, point.to_bytes())

    async def _learn_link(self, key: str) -> None:
        response = await self.parts.outbox.delivered(key)
        body = getattr(response, "body", None) or {}
        self.link = CitizenLink(
            str(body.get("id", "")),
            str(body.get("citizen_token", "")),
            str(body.get("citizen_url", "")),
        )

    def done_view(self) -> Any:
        """How the item stands for the done screen (kiosk.ui.viewmodels.DoneView)."""
        from kiosk.ui.viewmodels import DoneState, DoneView

        outcome = self.workflow.outcome
        states: dict[str, DoneState] = {
            "done": "done",
            "referred": "referred",
            "pending_decision": "saved",
            "rejected": "rejected",
        }
        numbers = list(self.workflow.certificates.values())
        return DoneView(
            self.service.name,
            self.service.certificate,
            outcome == "done",
            states.get(outcome or "", "awaiting"),
            numbers[-1] if numbers and outcome == "done" else "",
        )

    # -- the department's decision --------------------------------------------------------------

    def _resume_decision(self) -> None:
        """Resumed while the booth waited for the rules' decision on a review: wait for it
        again, on the report still in the outbox; a report the hub already answered before
        the restart cannot be read again, so the item goes on as "saved" (ReviewDeferred)
        and the decision reaches her phone."""
        from kiosk.backend.outbox import CASE_PLACEHOLDER

        i = self.workflow.current
        if (
            i is None
            or self.service.steps[i].kind != "review"
            or not decided_by_rules(self.service, i)
        ):
            return
        path = f"/cases/{CASE_PLACEHOLDER}/steps/{i}/complete"
        entry = next(
            (
                e
                for e in self.parts.outbox.entries(session_id=self.session_id)
                if e.case_id == self.case_id and e.path == path
            ),
            None,
        )
        department = self.workflow.steps()[i].department
        if entry is None:
            self.post(ReviewDeferred(department))
            return
        self._wait_decision(entry.idempotency_key, i, department)

    def _decide(self, command: SubmitCase) -> None:
        """Report the review for its rules to decide, and wait for the decision."""

        entry = self.hub.complete_step(self.case_id, command.step)
        self._wait_decision(entry.idempotency_key, command.step, command.department)

    def _wait_decision(self, report_key: str, step: int, department: str) -> None:
        """Wait for the rules' decision on the review reported by the write ``report_key``."""
        from kiosk.backend.review_decision import DecisionWait

        self._decision = DecisionWait(
            self.parts.outbox,
            report_key,
            step,
            department,
            clock=self.parts.clock,
            wait_s=self.parts.decision_wait_s,
        )
        self.decision_task = asyncio.ensure_future(self._await_decision(self._decision))

    async def _await_decision(self, decision: Any) -> None:
        events = await decision.first()
        self._decided(events)
        if any(isinstance(e, ReviewDeferred) for e in events):  # the hub is away
            self._decided(await decision.final())

    def _decided(self, events: list[Any]) -> None:
        if self.workflow.outcome is None:
            for event in events:
                self.post(event)
            return
        for event in events:  # after the item: its done screen changes, if still shown
            self.workflow.handle(event)
        log.info("case %s: decided after the item: %s", self.case_id, self.workflow.outcome)
        if self.bridge.screen == "done":
            self.bridge.show_done(self.done_view())

    def _session_over(self, active: bool) -> None:
        if not active:
            self.bridge.session_changed.disconnect(self._session_over)
            self._stop_deciding()

    def _stop_deciding(self) -> None:
        if self.decision_task is not None:
            self.decision_task.cancel()
        if self._decision is not None:
            self._decision.cancel()

    # -- citizen touches -> events -----------------------------------------------------------

    def _connect(self) -> None:
        b = self.bridge
        pairs: list[tuple[Any, Callable[..., None]]] = [
            (b.capture_shot_requested, self.camera.shoot),
            (b.capture_skipped, self._on_skip),
            (b.assistant_answered, self.dialogue.hear),
            (b.fields_confirmed, self._on_confirmed),
            (b.rating_submitted, self._on_rated),
            (b.session_ended, self._on_session_ended),
        ]
        for signal, slot in pairs:
            signal.connect(slot)
        self._connections = pairs

    def _disconnect(self) -> None:
        for signal, slot in self._connections:
            signal.disconnect(slot)
        self._connections = []

    def _on_skip(self) -> None:
        if self.camera.material is not None:
            self.post(MaterialSkipped(self.camera.material))

    def _on_confirmed(self, values: Mapping[str, str]) -> None:
        current = self.workflow.values
        for key, value in values.items():
            if value != current.get(key, ""):
                self.post(FieldEdited(key, value, "citizen"))
        self.post(FieldsConfirmed())

    def _on_rated(self, target: str, level: int) -> None:
        self.post(Rated(Level(level), None if target == "service" else target))

    def _on_session_ended(self, reason: str) -> None:
        self.post(Cancelled(reason))

    # -- the parts' reports --------------------------------------------------------------------

    def _on_reply(self, reply: Any) -> None:
        from kiosk.speech.spoken_values import NO_WORDS, YES_WORDS

        # A yes-or-no question gets two buttons; other answers are typed (or spoken).
        step = getattr(getattr(reply.turn, "step", None), "value", "")
        choices = (YES_WORDS[0], NO_WORDS[0]) if step in YES_NO_STEPS else ()
        self.bridge.assistant_expected.emit(reply.expected)  # the recognizer's grammar
        self.bridge.say_assistant("clerk", reply.caption, choices)

    async def _call_clerk(self, department: str) -> None:
        assert self.parts.call_clerk is not None
        await self.parts.call_clerk(department, self.hub_case_id)

    def _show_locker(self, slot: str, state: str) -> None:
        from kiosk.ui.viewmodels import LockerView

        self.bridge.show_locker(LockerView(slot, state))  # type: ignore[arg-type]

    def _material_name(self, code: str) -> Any:
        for m in self.service.materials:
            if m.code == code:
                return m.name
        return None

    def _on_submitted(self, command: SubmitCase) -> None:
        if decided_by_rules(self.service, command.step):
            self._decide(command)  # the hub's rules decide

    def _sync_steps(self) -> None:
        """Report the booth's completed steps to the hub (through the outbox), once each."""
        for step in self.workflow.steps():
            if (
                step.status is StepStatus.DONE
                and step.kind in BOOTH_STEPS
                and step.index not in self._reported
            ):
                self._reported.add(step.index)
                self.hub.complete_step(self.case_id, step.index)
