"""Fixtures for workflow tests: the demo catalog and a scripted citizen-and-clerks driver."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kiosk.core.catalog import FormField
from kiosk.core.ids import id_check_digit, uscc_check_character
from kiosk.core.rating import Level
from kiosk.flows.messages import (
    AskRating,
    CallClerk,
    CertificateIssued,
    ClerkApproved,
    ClerkJoined,
    Command,
    ConsultEnded,
    Event,
    FieldEdited,
    FieldsConfirmed,
    FinishCase,
    IdentityVerified,
    MaterialCaptured,
    OpenSlot,
    QuestionsAnswered,
    Rated,
    Refused,
    RequestCapture,
    RequestIdentity,
    RulesApproved,
    ShowForm,
    SlotClosed,
    SlotOpened,
    StartDialogue,
    Started,
    SubmitCase,
)
from kiosk.flows.workflow import Workflow

ID_BODY = "44010619850315123"
ID_NUMBER = ID_BODY + id_check_digit(ID_BODY)
USCC_BODY = "91440101MA5CXXXX1"
USCC = USCC_BODY + uscc_check_character(USCC_BODY)


def good_value(field: FormField) -> str:
    """A value that passes the field's check, per kind."""
    return {
        "text": "测试",
        "number": "3",
        "money": "1000.00",
        "date": "2026-01-15",
        "choice": field.choices[0][0] if field.choices else "",
        "id_number": ID_NUMBER,
        "uscc": USCC,
        "phone": "13800138000",
        "account": "4111111111111111",
    }[field.kind]


class Driver:
    """Answers every command the way a cooperative citizen, clerks and hub would."""

    def __init__(self, workflow: Workflow) -> None:
        self.workflow = workflow
        self.log: list[Command] = []
        self.events: list[Event] = []

    def send(self, event: Event) -> list[Command]:
        self.events.append(event)
        commands = self.workflow.handle(event)
        self.log += commands
        return commands

    def reply(self, command: Command) -> list[Event]:
        wf = self.workflow
        kind = wf.service.steps[wf.current].kind if wf.current is not None else None
        match command:
            case RequestIdentity():
                return [IdentityVerified("reader", "王小明", ID_NUMBER)]
            case StartDialogue():
                return [QuestionsAnswered(())]
            case CallClerk(department=dept):
                events: list[Event] = [ClerkJoined(dept, f"{dept}-clerk")]
                if kind == "questions":
                    events.append(QuestionsAnswered(()))
                elif kind == "consult":
                    events.append(ConsultEnded(dept))
                return events
            case RequestCapture(material=material):
                return [MaterialCaptured(material, f"img-{material}")]
            case ShowForm() if kind == "form":
                filled = [
                    FieldEdited(f.key, good_value(f))
                    for f in wf.service.form
                    if f.key not in wf.values
                ]
                return [*filled, FieldsConfirmed()]
            case SubmitCase(department=dept):
                decided: Event = (
                    ClerkApproved(dept, f"{dept}-clerk")
                    if wf.service.needs_clerk
                    else RulesApproved(dept)
                )
                certs = [
                    CertificateIssued(dept, f"cert-{dept}")
                    for s in wf.service.steps
                    if s.kind == "certificate" and (s.department or wf.service.department) == dept
                ]
                return [decided, *certs[:1]]
            case OpenSlot():
                return [SlotOpened("B2"), SlotClosed("B2", item_present=True)]
            case AskRating(clerk=clerk):
                return [Rated(Level.VERY_SATISFIED, clerk)]
            case Refused():
                raise AssertionError(f"refused: {command}")
        return []

    def run(self, limit: int = 500) -> FinishCase:
        pending = list(self.send(Started()))
        finish: FinishCase | None = None
        while pending:
            limit -= 1
            assert limit > 0, "the workflow does not end"
            command = pending.pop(0)
            if isinstance(command, FinishCase):
                finish = command
            for event in self.reply(command):
                pending += self.send(event)
        assert finish is not None, self.log
        return finish


@pytest.fixture
def drive() -> Callable[[Workflow], Driver]:
    return Driver
