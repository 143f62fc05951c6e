"""The runner: executes a workflow's commands with the ports and feeds back what happens.

The :class:`~kiosk.flows.workflow.Workflow` decides; the runner acts. It owns one
queue of events: the citizen's touches and the hub's pushes arrive through
:meth:`WorkflowRunner.post`, the runner's own background work (waiting for the document
camera, the ID-card reader, the digital clerk, a locker door) posts its results the same
way, and one loop hands them to the workflow one at a time, so the machine never sees two
events at once. Long waits run as tasks, so a clerk's push is handled while the camera
still waits for a document; a newer request of the same kind replaces an older one.

Errors are converted here, where the layers meet: a device failure becomes an event
(``LockerFaulted``) or an error screen, never an exception out of the runner.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from kiosk.core.errors import CaptureRejected, DeviceError, XiaowuError
from kiosk.flows.messages import (
    AskRating,
    CallClerk,
    Command,
    Event,
    FinishCase,
    IdentityVerified,
    LockerFaulted,
    MaterialCaptured,
    OpenSlot,
    QuestionsAnswered,
    Refused,
    RequestCapture,
    RequestIdentity,
    SendField,
    SendRating,
    ShowCertificate,
    ShowError,
    ShowField,
    ShowForm,
    ShowScreen,
    SlotClosed,
    SlotOpened,
    StartDialogue,
    Started,
    SubmitCase,
    WatchSlot,
)
from kiosk.flows.ports import Dialogue, DocumentCamera, Hub, IdentityReader, Locker, Ocr, Screen
from kiosk.flows.workflow import Workflow

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Ports:
    """What a runner works with. Absent parts (no reader, no locker, no speech) are None:
    the citizen then does that part by touch or with a clerk."""

    screen: Screen
    hub: Hub
    camera: DocumentCamera
    ocr: Ocr
    identity: IdentityReader | None = None
    dialogue: Dialogue | None = None
    locker: Locker | None = None


class WorkflowRunner:
    """Runs one workflow to its ``FinishCase``."""

    def __init__(
        self,
        workflow: Workflow,
        ports: Ports,
        *,
        resumed: bool = False,
        checkpoint: Callable[[], None] = lambda: None,
    ) -> None:
        """``resumed``: the workflow was restored from a snapshot after a restart; the
        runner re-issues what the current step needs instead of starting anew.
        ``checkpoint()`` is called once each event's commands have run (the writes they
        make are in the outbox): the moment to save the workflow's snapshot."""
        self.workflow = workflow
        self._checkpoint = checkpoint
        self._ports = ports
        self._events: asyncio.Queue[Event] = asyncio.Queue()
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._outcome: str | None = workflow.outcome
        self._resumed = resumed
        if not resumed:
            self.post(Started())  # first in the queue, before anything posted ahead of run()

    def post(self, event: Event) -> None:
        """Hand an event to the workflow (in order, after those already posted)."""
        self._events.put_nowait(event)

    def unhandled(self) -> list[Event]:
        """The events posted that the workflow never saw (posted as it finished); taken
        out of the queue. A finished workflow still takes late certificates and decisions."""
        events = []
        while not self._events.empty():
            events.append(self._events.get_nowait())
        return events

    async def run(self) -> str:
        """Run the workflow from its start until it finishes; the outcome."""
        try:
            if self._resumed:
                for command in self.workflow.resume():
                    await self._execute(command)
                self._checkpoint()
            while self._outcome is None:
                event = await self._events.get()
                for command in self.workflow.handle(event):
                    await self._execute(command)
                self._checkpoint()
        finally:
            for task in self._tasks.values():
                task.cancel()
            await asyncio.gather(*self._tasks.values(), return_exceptions=True)
            self._tasks.clear()
        return self._outcome

    # -- commands ---------------------------------------------------------------------------

    async def _execute(self, command: Command) -> None:
        ports = self._ports
        case_id = self.workflow.case_id
        match command:
            case ShowScreen() | ShowError() | ShowForm() | ShowField() | ShowCertificate():
                ports.screen.show(command)
            case AskRating():
                ports.screen.show(command)
            case RequestIdentity():
                if ports.identity is not None:
                    self._background("identity", self._read_identity(ports.identity))
            case StartDialogue(service=service):
                if ports.dialogue is not None:
                    self._background("dialogue", self._dialogue(ports.dialogue, service))
            case RequestCapture(material=material, doc_type=doc_type):
                self._background("capture", self._capture(material, doc_type))
            case OpenSlot():
                if ports.locker is None:
                    self.post(LockerFaulted("no_locker"))
                else:
                    self._background("locker", self._locker(ports.locker, case_id))
            case WatchSlot(slot=slot):
                if ports.locker is None:
                    self.post(LockerFaulted("no_locker"))
                else:
                    self._background("locker", self._watch(ports.locker, slot))
            case CallClerk(department=department):
                await self._hub(ports.hub.call_clerk, department)
            case SendField(key=key, value=value):
                await self._hub(ports.hub.send_field, case_id, key, value)
            case SubmitCase():
                await self._hub(ports.hub.submit, command)
            case SendRating(rating=rating):
                await self._hub(ports.hub.send_rating, rating)
            case FinishCase(outcome=outcome):
                await self._hub(ports.hub.finish, case_id, outcome)
                self._outcome = outcome
            case Refused(event=event, reason=reason):
                log.warning("workflow %s refused %s: %s", case_id, event, reason)

    async def _hub(self, call: Callable[..., Awaitable[None]], *args: object) -> None:
        try:
            await call(*args)
        except XiaowuError as exc:  # writes go through the outbox; this is a real failure
            log.error("hub call %s failed: %s", getattr(call, "__name__", call), exc.code)
            self._ports.screen.show(ShowError(exc.code))

    def _background(self, name: str, work: Awaitable[None]) -> None:
        old = self._tasks.pop(name, None)
        if old is not None:
            old.cancel()
        self._tasks[name] = asyncio.ensure_future(work)

    # -- background work -------------------------------------------------------------------

    async def _read_identity(self, reader: IdentityReader) -> None:
        try:
            identity = await reader.read()
        except DeviceError as exc:
            self._ports.screen.show(ShowError(exc.code))
            return
        if identity is not None:
            self.post(IdentityVerified("reader", identity.name, identity.id_number))

    async def _dialogue(self, dialogue: Dialogue, service: str) -> None:
        answers = await dialogue.ask(service)
        self.post(QuestionsAnswered(tuple(answers.items())))

    async def _capture(self, material: str, doc_type: str | None) -> None:
        while True:
            try:
                document = await self._ports.camera.capture(material)
                break
            except CaptureRejected as exc:  # blur, glare, no document: try again
                self._ports.screen.show(ShowError(exc.code))
        fields: dict[str, str] = {}
        if doc_type is not None:
            try:
                fields = dict(await self._ports.ocr.read(document.image_ref, doc_type))
            except XiaowuError as exc:  # unread is not lost: the citizen types the fields
                log.warning("OCR of %s failed: %s", doc_type, exc.code)
        self.post(MaterialCaptured(material, document.image_ref, tuple(fields.items())))

    async def _locker(self, locker: Locker, case_id: str) -> None:
        try:
            slot = await locker.open_slot(case_id)
        except DeviceError as exc:
            self.post(LockerFaulted(exc.code))
            return
        self.post(SlotOpened(slot))
        await self._watch(locker, slot)

    async def _watch(self, locker: Locker, slot: str) -> None:
        try:
            present = await locker.wait_closed(slot)
        except DeviceError as exc:
            self.post(LockerFaulted(exc.code))
            return
        self.post(SlotClosed(slot, present))
