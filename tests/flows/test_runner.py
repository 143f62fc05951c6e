"""The runner executes a workflow's commands with (fake) ports: story B end to end."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

from kiosk.core.catalog import Catalog
from kiosk.core.errors import CaptureRejected, DeviceError
from kiosk.core.rating import Level, Rating
from kiosk.flows.messages import (
    AskRating,
    CertificateIssued,
    FieldEdited,
    FieldsConfirmed,
    IdentityVerified,
    MaterialCaptured,
    Rated,
    RulesApproved,
    ShowError,
    ShowForm,
    ShowScreen,
    SlotOpened,
    Started,
    SubmitCase,
)
from kiosk.flows.ports import CapturedDocument, Identity, ScreenCommand
from kiosk.flows.runner import Ports, WorkflowRunner
from kiosk.flows.workflow import Workflow
from tests.flows.conftest import ID_NUMBER, good_value

CONTRACT = {"property_address": "广州市天河区华夏路10号", "purchase_price": "3200000"}


class FakeScreen:
    """Records what is shown and answers like a citizen at the touchscreen."""

    def __init__(self, awaited: ScreenCommand | None = None) -> None:
        self.shown: list[ScreenCommand] = []
        self.runner: WorkflowRunner | None = None
        self.awaited = awaited
        self.seen = asyncio.Event()  # set when ``awaited`` is shown

    def show(self, command: ScreenCommand) -> None:
        self.shown.append(command)
        if command == self.awaited:
            self.seen.set()
        assert self.runner is not None
        if isinstance(command, ShowForm):
            if command.problems:
                return
            typed = dict(command.values)
            for field in self.runner.workflow.service.form:
                if not typed.get(field.key):
                    self.runner.post(FieldEdited(field.key, good_value(field)))
            self.runner.post(FieldsConfirmed())
        elif isinstance(command, AskRating):
            self.runner.post(Rated(Level.VERY_SATISFIED, command.clerk))


class FakeHub:
    """Records the writes; approves by rules and issues the receipt, as the hub would."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, object]] = []
        self.runner: WorkflowRunner | None = None

    async def call_clerk(self, department: str) -> None:
        self.calls.append(("call_clerk", department))

    async def send_field(self, case_id: str, key: str, value: str) -> None:
        self.calls.append(("send_field", key))

    async def submit(self, command: SubmitCase) -> None:
        self.calls.append(("submit", command))
        assert self.runner is not None
        self.runner.post(RulesApproved(command.department))
        self.runner.post(CertificateIssued(command.department, "HPF-1"))

    async def send_rating(self, rating: Rating) -> None:
        self.calls.append(("rating", rating))

    async def finish(self, case_id: str, outcome: str) -> None:
        self.calls.append(("finish", outcome))


class FakeCamera:
    def __init__(self, reject_first: int = 0) -> None:
        self.reject = reject_first
        self.asked: list[str] = []

    async def capture(self, material: str) -> CapturedDocument:
        self.asked.append(material)
        await asyncio.sleep(0)  # a real camera yields while it waits for stillness
        if self.reject:
            self.reject -= 1
            raise CaptureRejected("blurred", code="capture_blurred")
        return CapturedDocument(f"vault:{material}")


class FakeOcr:
    async def read(self, image_ref: str, doc_type: str) -> Mapping[str, str]:
        return {"id_card": {"id_number": ID_NUMBER}, "purchase_contract": CONTRACT}.get(
            doc_type, {}
        )


class FakeReader:
    async def read(self) -> Identity | None:
        return Identity("李明", ID_NUMBER)


class FakeDialogue:
    async def ask(self, service: str) -> Mapping[str, str]:
        return {"amount": "80000"}


def make(catalog: Catalog, camera: FakeCamera) -> tuple[WorkflowRunner, FakeScreen, FakeHub]:
    screen, hub = FakeScreen(), FakeHub()
    workflow = Workflow(catalog.service("hpf-withdrawal-purchase"), "B-9")
    ports = Ports(screen, hub, camera, FakeOcr(), FakeReader(), FakeDialogue(), None)
    runner = WorkflowRunner(workflow, ports)
    screen.runner = hub.runner = runner
    return runner, screen, hub


async def test_story_b_runs_with_the_runner(catalog: Catalog) -> None:
    camera = FakeCamera(reject_first=1)
    runner, screen, hub = make(catalog, camera)
    assert await asyncio.wait_for(runner.run(), timeout=20) == "done"
    screens = [c.screen for c in screen.shown if isinstance(c, ShowScreen)]
    assert screens == ["identify", "questions", "capture", "form", "review", "rating", "finished"]
    # The blurred first photo was refused and taken again.
    assert ShowError("capture_blurred") in screen.shown
    assert camera.asked[:2] == ["id_card", "id_card"]
    submit = next(c for name, c in hub.calls if name == "submit")
    assert isinstance(submit, SubmitCase)
    values = dict(submit.values)
    assert values["id_number"] == ID_NUMBER and values["amount"] == "80000"
    assert values["property_address"] == CONTRACT["property_address"]
    assert dict(submit.materials)["purchase_contract"] == "vault:purchase_contract"
    assert [name for name, _ in hub.calls][-2:] == ["rating", "finish"]
    assert runner.workflow.certificates == {"hpf": "HPF-1"}


class BrokenLocker:
    async def open_slot(self, case_id: str) -> str:
        raise DeviceError("board silent", code="device_timeout")

    async def wait_closed(self, slot: str) -> bool:  # pragma: no cover - never reached
        return True


async def test_a_locker_fault_becomes_an_event_not_an_exception(catalog: Catalog) -> None:
    screen, hub = FakeScreen(awaited=ShowScreen("locker_fault", 3, "tax")), FakeHub()
    workflow = Workflow(catalog.service("tax-clearance"), "T-1")
    runner = WorkflowRunner(
        workflow, Ports(screen, hub, FakeCamera(), FakeOcr(), locker=BrokenLocker())
    )
    screen.runner = hub.runner = runner
    # Walk to the locker by hand: identity checked by a clerk, the materials, the form.
    runner.post(IdentityVerified("clerk", "赵六", ID_NUMBER))
    for m in workflow.service.materials:
        runner.post(MaterialCaptured(m.code, f"img-{m.code}"))
    task = asyncio.ensure_future(runner.run())
    try:
        await asyncio.wait_for(screen.seen.wait(), timeout=20)
        assert ("call_clerk", "tax") in hub.calls
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


class CountingLocker:
    def __init__(self) -> None:
        self.opened = 0
        self.watched: list[str] = []

    async def open_slot(self, case_id: str) -> str:
        self.opened += 1
        return f"S{self.opened}"

    async def wait_closed(self, slot: str) -> bool:
        self.watched.append(slot)
        return True


async def test_a_resumed_runner_watches_the_open_slot(catalog: Catalog) -> None:
    service = catalog.service("tax-clearance")
    before = Workflow(service, "T-3")
    before.handle(Started())
    before.handle(IdentityVerified("clerk", "赵六", ID_NUMBER))
    for m in service.materials:
        before.handle(MaterialCaptured(m.code, f"img-{m.code}"))
    for f in service.form:
        before.handle(FieldEdited(f.key, good_value(f)))
    before.handle(FieldsConfirmed())
    before.handle(SlotOpened("S7"))  # then the booth was killed
    workflow = Workflow.restore(service, before.snapshot())
    screen, hub, locker = FakeScreen(), FakeHub(), CountingLocker()
    runner = WorkflowRunner(
        workflow, Ports(screen, hub, FakeCamera(), FakeOcr(), locker=locker), resumed=True
    )
    screen.runner = hub.runner = runner
    assert await asyncio.wait_for(runner.run(), timeout=20) == "done"
    assert locker.opened == 0 and locker.watched == ["S7"]
    assert [name for name, _ in hub.calls].count("submit") == 1
