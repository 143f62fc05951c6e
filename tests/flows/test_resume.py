"""A workflow survives a booth restart: snapshot, restore, resume without sending twice."""

from __future__ import annotations

import json
from typing import Any

import pytest

from kiosk.core.catalog import Catalog
from kiosk.core.errors import SessionError
from kiosk.flows.messages import (
    ClerkApproved,
    Command,
    FieldsConfirmed,
    IdentityVerified,
    MaterialCaptured,
    OpenSlot,
    QuestionsAnswered,
    RequestCapture,
    ShowScreen,
    SlotClosed,
    SlotOpened,
    Started,
    SubmitCase,
    WatchSlot,
)
from kiosk.flows.workflow import Workflow
from tests.flows.conftest import ID_NUMBER, Driver


def reboot(catalog: Catalog, wf: Workflow) -> Workflow:
    """What a restart does: the snapshot goes through storage as JSON and comes back."""
    saved: dict[str, Any] = json.loads(json.dumps(wf.snapshot(), ensure_ascii=False))
    return Workflow.restore(catalog.service(wf.service.code), saved)


def finish_with_driver(wf: Workflow, commands: list[Command]) -> Driver:
    driver = Driver(wf)
    pending = list(commands)
    while pending:
        for event in driver.reply(pending.pop(0)):
            pending += driver.send(event)
    return driver


def test_every_intermediate_state_round_trips(catalog: Catalog) -> None:
    wf = Workflow(catalog.service("enterprise-deregistration"), "A-7")
    driver = Driver(wf)
    driver.run()
    replay = Workflow(catalog.service("enterprise-deregistration"), "A-7")
    for event in driver.events:
        replay.handle(event)
        assert reboot(catalog, replay).snapshot() == replay.snapshot()


def test_story_b_resumes_capture_where_it_stopped(catalog: Catalog) -> None:
    wf = Workflow(catalog.service("hpf-withdrawal-purchase"), "B-3")
    wf.handle(Started())
    wf.handle(IdentityVerified("reader", "李明", ID_NUMBER))
    wf.handle(QuestionsAnswered((("amount", "80000"),)))
    wf.handle(MaterialCaptured("id_card", "img-1"))
    wf.handle(MaterialCaptured("purchase_contract", "img-2"))
    again = reboot(catalog, wf)
    assert again.resume() == [
        ShowScreen("capture", 2, "hpf"),
        RequestCapture("purchase_invoice", None),
    ]
    assert again.values["amount"] == "80000"
    driver = finish_with_driver(again, [RequestCapture("purchase_invoice", None)])
    assert again.outcome == "done", driver.log
    assert dict(again.captured)["purchase_contract"] == "img-2"


def test_story_a_resumes_at_the_locker_without_opening_another_slot(catalog: Catalog) -> None:
    clean = Workflow(catalog.service("enterprise-deregistration"), "A-8")
    Driver(clean).run()

    wf = Workflow(catalog.service("enterprise-deregistration"), "A-8")
    driver = Driver(wf)
    pending = list(driver.send(Started()))
    while pending:  # drive until the slot is open, then "kill" the booth
        command = pending.pop(0)
        if isinstance(command, OpenSlot):
            driver.send(SlotOpened("L-07"))
            break
        for event in driver.reply(command):
            pending += driver.send(event)
    again = reboot(catalog, wf)
    resumed = again.resume()
    assert resumed == [ShowScreen("locker_open", 8, "market"), WatchSlot("L-07")]
    assert not [c for c in resumed if isinstance(c, OpenSlot)]
    out = again.handle(SlotClosed("L-07", item_present=True))
    finish_with_driver(again, out)
    assert again.outcome == "done"
    # The same case state as a clean run.
    assert again.department_status() == clean.department_status()
    assert [s.status for s in again.steps()] == [s.status for s in clean.steps()]
    assert again.certificates == clean.certificates


def test_a_submitted_review_is_not_submitted_again(catalog: Catalog) -> None:
    wf = Workflow(catalog.service("tax-payment-certificate"), "T-2")
    driver = Driver(wf)
    pending = list(driver.send(Started()))
    while pending:
        command = pending.pop(0)
        if isinstance(command, SubmitCase):
            break
        for event in driver.reply(command):
            pending += driver.send(event)
    again = reboot(catalog, wf)
    assert again.resume() == [ShowScreen("review", 2, "tax")]
    assert again.handle(ClerkApproved("tax", "tax-1"))[0] == ShowScreen("rating", 4, "tax")


def test_form_step_is_shown_again_with_its_values(catalog: Catalog) -> None:
    wf = Workflow(catalog.service("household-no-criminal-record"), "H-1")
    wf.handle(Started())
    wf.handle(IdentityVerified("reader", "王五", ID_NUMBER))
    again = reboot(catalog, wf)
    out = again.resume()
    assert out[0] == ShowScreen("form", 1, "household")
    assert dict(out[1].values)["id_number"] == ID_NUMBER  # type: ignore[union-attr]
    assert again.handle(FieldsConfirmed())  # the machine works on


def test_a_snapshot_of_another_shape_is_refused(catalog: Catalog) -> None:
    wf = Workflow(catalog.service("hpf-withdrawal-rent"), "c")
    wf.handle(Started())
    snap = wf.snapshot()
    with pytest.raises(SessionError):
        Workflow.restore(catalog.service("hpf-withdrawal-purchase"), snap)
    with pytest.raises(SessionError):
        Workflow.restore(catalog.service("hpf-withdrawal-rent"), {**snap, "steps": ["x"]})
    with pytest.raises(SessionError):
        Workflow.restore(catalog.service("hpf-withdrawal-rent"), {**snap, "status": ["bogus"]})
    damaged = {k: v for k, v in snap.items() if k != "values"}
    with pytest.raises(SessionError) as caught:
        Workflow.restore(catalog.service("hpf-withdrawal-rent"), damaged)
    assert caught.value.code == "resume"


def test_a_finished_workflow_resumes_to_the_end_screen(catalog: Catalog) -> None:
    wf = Workflow(catalog.service("general-consultation"), "g")
    Driver(wf).run()
    assert reboot(catalog, wf).resume() == [ShowScreen("finished")]
