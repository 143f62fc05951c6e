"""Running a catalog service at the booth: the flows' ports made of the booth's real parts.

This is composition-root code (it may import every package). A :class:`ServiceRunner`
runs one service's :class:`~kiosk.flows.workflow.Workflow` in the citizen's session with
a :class:`~kiosk.flows.runner.WorkflowRunner` and these adapters:

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
import base64
import json
import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import cv2
import numpy as np

from kiosk.booth.resume import SAVE_POINT, SavePoint, reading_from_json, reading_to_json
from kiosk.core.catalog import Catalog, Service
from kiosk.core.clock import Clock
from kiosk.core.errors import CaptureRejected
from kiosk.core.rating import Level
from kiosk.flows.messages import (
    AskRating,
    Cancelled,
    FieldEdited,
    FieldsConfirmed,
    MaterialCaptured,
    MaterialSkipped,
    Rated,
    ReviewDeferred,
    ShowCertificate,
    ShowError,
    ShowField,
    ShowForm,
    ShowScreen,
    SubmitCase,
)
from kiosk.flows.ports import CapturedDocument, Identity, IdentityReader, ScreenCommand
from kiosk.flows.runner import Ports, WorkflowRunner
from kiosk.flows.workflow import StepStatus, Workflow

log = logging.getLogger(__name__)

# Which catalog form fields each document field fills (kiosk.ocr.documents.FIELDS); one
# document field may fill several forms' keys (the contract's price is the withdrawal's
# 购房总价 and the transfer registration's 成交价格).
FORM_KEYS: dict[str, dict[str, tuple[str, ...]]] = {
    "id_card": {"name": ("applicant_name",), "id_number": ("id_number",),
                "address": ("address",)},
    "purchase_contract": {
        "total_price": ("purchase_price", "price"),
        "property_address": ("property_address",),
        "signed_date": ("contract_date",),
    },
    "rental_contract": {"monthly_rent": ("monthly_rent",), "start": ("lease_start",)},
    "business_license": {
        "name": ("company_name",),
        "uscc": ("uscc",),
        "legal_representative": ("legal_rep_name",),
    },
}
# Steps a booth may report done on the hub (the others are a department's).
BOOTH_STEPS = ("identify", "questions", "capture", "form", "locker", "rating")
YES_NO_STEPS = ("materials", "confirm")  # the digital clerk's yes-or-no questions
PREVIEW_EVERY = 3  # frames between two previews on screen
WORK_TIMEOUT_S = 60.0  # image work off the loop (a 13 MP still on a busy booth)
DECISION_WAIT_S = 20.0  # the rules decide in about a second; longer means a slow network


class Vault(Protocol):
    """The session's store (``kiosk.privacy.vault.SessionVault``)."""

    def put(self, name: str, data: bytes) -> None: ...

    def get(self, name: str) -> bytes: ...


# -- the document camera ----------------------------------------------------------------------


class FrameSource(Protocol):
    """A document camera: a preview stream and a full-resolution still on demand."""

    def frames(self) -> AsyncIterator[tuple[np.ndarray, float]]:
        """Preview frames (BGR) with their timestamps in seconds, as the camera makes them."""
        ...

    def still(self) -> np.ndarray | None:
        """A full-resolution photo of what is under the camera now (None: use the preview)."""
        ...


class GeneratedDesk:
    """A document camera looking at generated documents (``kiosk.ocr.synth``), for the demo
    and the end-to-end tests: :meth:`place` puts a document on the desk, the preview shows
    it slid into place and then held still, and the still is a full-resolution photo."""

    def __init__(self, clock: Clock, fps: float = 15.0) -> None:
        self._clock = clock
        self._fps = fps
        self._placed = asyncio.Event()
        self._preview: list[np.ndarray] = []
        self._still: np.ndarray | None = None
        self.placed_fields: dict[str, str] = {}  # what is printed on it (the ground truth)

    async def place(self, doc_type: str, seed: int) -> None:
        """Put a generated document of ``doc_type`` on the desk (rendered off the loop)."""
        from kiosk.ocr import synth

        def render() -> tuple[Any, list[np.ndarray]]:
            photo = synth.generate(
                doc_type,
                seed,
                synth.Conditions(max_rotation_deg=4, perspective=0.02, blur_sigma=(0.0, 0.4)),
            )
            return photo, synth.frame_sequence(photo.document, seed)

        photo, preview = await asyncio.wait_for(asyncio.to_thread(render), WORK_TIMEOUT_S)
        self._preview = preview
        self._still = photo.image
        self.placed_fields = dict(photo.document.fields)
        self._placed.set()

    async def place_photo(self, image: np.ndarray, fields: Mapping[str, str]) -> None:
        """Put a document on the desk as photographed elsewhere (``image``, BGR, the
        full-resolution still; ``fields``, what is printed on it): the preview shows
        that photo, scaled down, held still."""

        def preview() -> list[np.ndarray]:
            factor = 960 / max(image.shape[:2])
            small = cv2.resize(image, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
            return [small] * 8

        self._preview = await asyncio.wait_for(asyncio.to_thread(preview), WORK_TIMEOUT_S)
        self._still = image
        self.placed_fields = dict(fields)
        self._placed.set()

    def remove(self) -> None:
        self._placed.clear()
        self._preview, self._still = [], None

    def still(self) -> np.ndarray | None:
        return self._still

    async def frames(self) -> AsyncIterator[tuple[np.ndarray, float]]:
        shown = 0
        while True:
            if not self._placed.is_set():
                shown = 0
                await self._placed.wait()
            frames = self._preview
            if not frames:
                continue
            frame = frames[min(shown, len(frames) - 1)]  # the last one held still
            shown += 1
            yield frame, self._clock.monotonic()
            await self._clock.sleep(1 / self._fps)


class BoothDocumentCamera:
    """The DocumentCamera port: auto-capture on stillness (or the shutter), page to vault."""

    def __init__(
        self,
        source: FrameSource,
        vault: Vault,
        bridge: Any,
        material_name: Callable[[str], Any],
        preview: Callable[[np.ndarray], Any] | None = None,
    ) -> None:
        self._source = source
        self._vault = vault
        self._bridge = bridge
        self._name = material_name
        self._preview = preview
        self._shutter = asyncio.Event()
        self._count = 0
        self.material: str | None = None  # the material being asked for

    def shoot(self) -> None:
        """The citizen pressed the shutter button."""
        self._shutter.set()

    async def capture(self, material: str) -> CapturedDocument:
        from kiosk.capture.stillness import AutoCapture
        from kiosk.ocr.synth import encode_jpeg
        from kiosk.ui.viewmodels import CaptureView

        self.material = material
        name = self._name(material)
        self._bridge.show_capture(CaptureView("place", name))
        self._shutter.clear()
        auto = AutoCapture()
        seen = 0
        async for frame, timestamp in self._source.frames():
            seen += 1
            if self._preview is not None and seen % PREVIEW_EVERY == 1:
                self._bridge.show_capture_preview(self._preview(frame))
            if seen == 2:
                self._bridge.show_capture(CaptureView("hold_still", name))
            fired = auto.feed(frame, timestamp) is not None
            if not (fired or self._shutter.is_set()):
                continue
            self._shutter.clear()
            still = self._source.still()
            shot = still if still is not None else frame
            result = await asyncio.wait_for(
                asyncio.to_thread(auto.capture, shot), WORK_TIMEOUT_S
            )  # outline, rectify and quality of a full-resolution still: not on the UI loop
            if not result.ok or result.page is None:
                self._bridge.show_capture(
                    CaptureView("rejected", name, problem=f"capture_{result.verdict.reason}")
                )
                auto.detector.rearm()
                continue
            self._count += 1
            ref = f"{material}-{self._count}.jpg"
            page = result.page
            jpeg = await asyncio.wait_for(asyncio.to_thread(encode_jpeg, page), WORK_TIMEOUT_S)
            self._vault.put(ref, jpeg)
            self._bridge.show_capture(CaptureView("reading", name, pages=1))
            log.info("captured %s (%dx%d)", material, page.shape[1], page.shape[0])
            return CapturedDocument(ref)
        raise AssertionError("the frame source ended")  # pragma: no cover - frames never end


def preview_image(frame: np.ndarray) -> Any:
    """A preview frame as the QImage the capture screen draws."""
    from PySide6.QtGui import QImage

    rgb = np.ascontiguousarray(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB))
    height, width = rgb.shape[:2]
    return QImage(rgb.data, width, height, 3 * width, QImage.Format.Format_RGB888).copy()


# -- reading -----------------------------------------------------------------------------------


class BoothOcr:
    """The Ocr port: the page from the vault, read in the OCR thread; keeps each reading."""

    def __init__(self, service: Any, vault: Vault) -> None:
        self._service = service  # kiosk.ocr.engine.OcrService
        self._vault = vault
        self.readings: dict[str, Any] = {}  # image ref -> kiosk.ocr.documents.Reading

    async def read(self, image_ref: str, doc_type: str) -> Mapping[str, str]:
        from kiosk.ocr.extract import read_document

        data = np.frombuffer(self._vault.get(image_ref), np.uint8)
        decoded = cv2.imdecode(data, cv2.IMREAD_COLOR)
        if decoded is None:
            raise CaptureRejected("the stored page is not an image", code="capture_rejected")
        page: np.ndarray = np.asarray(decoded)
        reading = await self._service.run(lambda engine: read_document(page, engine, doc_type))
        self.readings[image_ref] = reading
        keys = FORM_KEYS.get(doc_type, {})
        return {key: value for name, value in reading.fields.items()
                for key in keys.get(name, ())}

    def flags(self, values: Mapping[str, str]) -> dict[str, str]:
        """Form keys whose value is still as read and failed the document's own check."""
        out: dict[str, str] = {}
        for reading in self.readings.values():
            keys = FORM_KEYS.get(reading.doc_type, {})
            for name, ok in reading.checks.items():
                for key in keys.get(name, ()) if ok is False else ():
                    if values.get(key) == reading.fields.get(name):
                        out[key] = "unreadable" if not reading.fields.get(name) else "ocr_check"
        return out


class CapturedIdentity:
    """No ID-card reader: the citizen's ID card under the document camera says who they are.

    The capture is kept as the case's ``id_card`` material (level C)."""

    def __init__(
        self, camera: BoothDocumentCamera, ocr: BoothOcr, post: Callable[[Any], None]
    ) -> None:
        self._camera = camera
        self._ocr = ocr
        self._post = post

    async def read(self) -> Identity | None:
        document = await self._camera.capture("id_card")
        fields = dict(await self._ocr.read(document.image_ref, "id_card"))
        self._post(MaterialCaptured("id_card", document.image_ref, tuple(fields.items())))
        return Identity(fields.get("applicant_name", ""), fields.get("id_number", ""))


# -- the screen --------------------------------------------------------------------------------


class UiScreen:
    """The Screen port: workflow screens onto the bridge."""

    def __init__(
        self,
        bridge: Any,
        service: Service,
        flags: Callable[[Mapping[str, str]], Mapping[str, str]],
        on_step: Callable[[], None],
        show_call: Callable[[], bool] = lambda: False,
        department_name: Callable[[str], Any] | None = None,
        done_view: Callable[[], Any] | None = None,
    ) -> None:
        self._bridge = bridge
        self._done_view = done_view  # how the item ended (ServiceRunner.done_view)
        self._service = service
        self._flags = flags
        self._on_step = on_step
        self._show_call = show_call  # the call screen back, if a call runs
        self._department_name = department_name
        self._fields = {f.key: f for f in service.form}
        self.screens: list[str] = []  # the workflow screens shown, in order

    def show(self, command: ScreenCommand) -> None:
        from kiosk.ui.viewmodels import DoneView, FieldView, FormView, LockerView, RatingTarget

        b = self._bridge
        match command:
            case ShowScreen(screen=screen):
                log.info("workflow screen %s", screen)
                self.screens.append(screen)
                self._on_step()
                if screen != "questions":
                    b.show_caption("")  # the digital clerk's last words are over
                if screen == "questions" and not self._service.needs_clerk:
                    b.show_assistant()  # the digital clerk asks; a clerk's item calls one
                elif screen == "review" and booth_decides(self._service, command.step):
                    # The department's rules decide now: the citizen waits a moment.
                    b.show_done(DoneView(self._service.name, state="checking"))
                elif screen in ("questions", "consult", "review"):
                    self._show_call()  # a clerk talks with the citizen, or decides
                elif screen == "locker":
                    b.show_locker(LockerView("", "opening"))
                elif screen == "finished":
                    fallback = DoneView(self._service.name, self._service.certificate, False)
                    b.show_done(self._done_view() if self._done_view else fallback)
            case ShowError(code=code):
                b.show_error(code)
            case ShowForm(values=values, problems=problems, flags=flags):
                shown = dict(values)
                marks = {**dict(self._flags(shown)), **dict(flags), **dict(problems)}
                views = tuple(
                    FieldView(
                        key,
                        self._fields[key].label,
                        value,
                        self._fields[key].kind,
                        marks.get(key, ""),
                        self._fields[key].choices,
                    )
                    for key, value in values
                )
                b.show_form(FormView(self._service.name, views))
            case ShowField(key=key, value=value, problem=problem):
                f = self._fields[key]
                b.field_shown.emit(FieldView(key, f.label, value, f.kind, problem or "", f.choices))
            case ShowCertificate(department=department):
                log.info("certificate of %s reached the citizen's phone", department)
            case AskRating(clerk=clerk, department=department):
                label = self._service.name
                if clerk and department and self._department_name is not None:
                    label = self._department_name(department)  # the clerk's department
                b.show_rating(RatingTarget(clerk or "service", label))


def booth_decides(service: Service, step: int | None) -> bool:
    """Is this review step decided by the department's rules (reported by the booth)?"""
    if step is None or not 0 <= step < len(service.steps):
        return False
    review = service.steps[step]
    return review.kind == "review" and (review.rules is not None or not service.needs_clerk)


# -- the hub -------------------------------------------------------------------------------------


@dataclass
class CitizenLink:
    """What the hub answered when it opened the case: the citizen page of the case."""

    hub_case_id: str = ""
    token: str = field(default="", repr=False)
    url: str = field(default="", repr=False)


class ServiceHub:
    """The Hub port: BoothHub, with each capture's confirmed fields as a level-C material."""

    def __init__(
        self,
        booth_hub: Any,
        vault: Vault,
        ocr: BoothOcr,
        on_submitted: Callable[[SubmitCase], None],
        call_clerk: Callable[[str], Awaitable[None]] | None = None,
    ) -> None:
        self._hub = booth_hub  # kiosk.backend.hub_port.BoothHub: it saves every write
        self._vault = vault
        self._ocr = ocr
        self._on_submitted = on_submitted
        self._call_clerk = call_clerk
        self.sent: set[str] = set()  # image refs already sent as materials
        self._calling: asyncio.Future[None] | None = None

    async def call_clerk(self, department: str) -> None:
        if self._call_clerk is None:
            await self._hub.call_clerk(department)  # the queue only (no video wiring)
            return
        # The consent step waits for the citizen: the workflow goes on meanwhile.
        self._calling = asyncio.ensure_future(self._call_clerk(department))
        self._calling.add_done_callback(_log_call_failure)

    async def send_field(self, case_id: str, key: str, value: str) -> None:
        await self._hub.send_field(case_id, key, value)

    async def send_rating(self, rating: Any) -> None:
        await self._hub.send_rating(rating)

    async def finish(self, case_id: str, outcome: str) -> None:
        await self._hub.finish(case_id, outcome)

    async def submit(self, command: SubmitCase) -> None:
        from kiosk.backend.hub_port import FORM_PATH, MATERIALS_PATH
        from kiosk.ocr.materials import confirm

        values = dict(command.values)
        for code, image_ref in command.materials:
            if image_ref in self.sent:  # a later department's review: on the hub already
                continue
            self.sent.add(image_ref)
            body: dict[str, Any] = {
                "code": code,
                "image_base64": base64.b64encode(self._vault.get(image_ref)).decode(),
            }
            reading = self._ocr.readings.get(image_ref)
            if reading is not None:
                keys = FORM_KEYS.get(reading.doc_type, {})
                # a field that fills several keys: an edit under any of them is the edit
                edits: dict[str, str] = {}
                for name, form_keys in keys.items():
                    present = [values[key] for key in form_keys if key in values]
                    changed = [v for v in present if v != reading.fields.get(name)]
                    if present:
                        edits[name] = (changed or present)[0]
                material = confirm(reading, code, edits, (image_ref,))
                body["doc_type"] = material.doc_type
                body["ocr_fields"] = {
                    **material.fields,
                    "_checks": ",".join(n for n, ok in material.checks.items() if not ok),
                    "_corrected": ",".join(material.corrected),
                    "_trust_level": material.to_json()["trust_level"],
                }
            self._enqueue(command.case_id, MATERIALS_PATH, "POST", body)
        self._enqueue(command.case_id, FORM_PATH, "PUT", {"fields": values})
        self._on_submitted(command)

    def complete_step(self, case_id: str, index: int) -> Any:
        """Report a step done (through the outbox); the saved write (its idempotency key)."""
        from kiosk.backend.outbox import CASE_PLACEHOLDER

        return self._enqueue(
            case_id, f"/cases/{CASE_PLACEHOLDER}/steps/{index}/complete", "POST", {}
        )

    def _enqueue(self, case_id: str, path: str, method: str, body: Any) -> Any:
        return self._hub.write(case_id, method, path, body)


class WriteKeys:
    """The idempotency keys of one service item's writes, alike for the same write made
    again by a booth resumed after a restart.

    A booth killed after an event's writes reached the outbox but before the save point
    that follows it resumes from the save point before the event; when the citizen does
    the same again, the workflow makes the same writes at the same place in its history.
    A key is made of the session, the number of events handled (Workflow.handled), the
    write's place among that event's writes, and the write itself, as an HMAC of the
    booth's key store (Outbox.stable_key): the same write again gets the same key and is
    saved and applied once; a different write at that place (she did something else) gets
    another key and is not lost.
    """

    def __init__(self, outbox: Any, session_id: str, workflow: Workflow) -> None:
        self._outbox = outbox
        self._session_id = session_id
        self._workflow = workflow
        self._at = -1  # the event count of the last write
        self._n = 0  # writes made at that count

    def __call__(self, case_id: str, method: str, path: str, body: Any) -> str:
        handled = self._workflow.handled
        if handled != self._at:
            self._at, self._n = handled, 0
        place = self._n
        self._n += 1
        content = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return str(
            self._outbox.stable_key(
                self._session_id, case_id, str(handled), str(place), method.upper(), path, content
            )
        )


def _log_call_failure(task: asyncio.Future[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("calling a clerk failed: %s", task.exception())


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
            or not booth_decides(self.service, i)
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
        if booth_decides(self.service, command.step):
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
