"""Clerk pushes and call participants become events of the running item's workflow."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest

from kiosk.booth.pushes import PushRouting, event_of_push
from kiosk.call.session import CallView, Participant
from kiosk.core.errors import SessionError
from kiosk.flows.messages import (
    CaptureRequested,
    CertificateIssued,
    ClerkApproved,
    ClerkJoined,
    ConsultEnded,
    FieldEdited,
    FormRequested,
    MaterialVerified,
    QuestionsAnswered,
    SlotRequested,
)


def test_each_push_means_one_workflow_event() -> None:
    who = {"clerk": "c7", "department": "tax", "case_id": "H1"}
    assert event_of_push("request_capture", {**who, "material": "business_license"}) == (
        CaptureRequested("business_license", "c7")
    )
    assert event_of_push("form_field", {**who, "key": "phone", "value": 139}) == FieldEdited(
        "phone", "139", "clerk"
    )
    assert event_of_push("open_slot", who) == SlotRequested("tax", "c7")
    assert event_of_push("certificate", {**who, "certificate_id": "K9"}) == CertificateIssued(
        "tax", "K9"
    )
    assert event_of_push("material_verified", {**who, "material": "id"}) == MaterialVerified(
        "id", "c7"
    )
    step = {**who, "position": 4}
    assert event_of_push("step_done", {**step, "step_kind": "review"}) == ClerkApproved("tax", "c7")
    assert event_of_push("step_done", {**step, "step_kind": "questions"}) == QuestionsAnswered()
    assert event_of_push("step_done", {**step, "step_kind": "consult"}) == ConsultEnded("tax")
    assert event_of_push("step_done", {**step, "step_kind": "certificate"}) is None
    assert event_of_push("show_form", who) == FormRequested("c7")
    assert event_of_push("request_capture", who) is None  # no material named


@dataclass
class Item:
    case_id: str = "local-1"
    hub_case_id: str | None = "H1"
    posted: list[Any] = field(default_factory=list)
    refusal: str | None = None

    def post(self, event: Any) -> None:
        self.posted.append(event)

    def form_refusal(self) -> str | None:
        return self.refusal


class Hooks:
    def __init__(self) -> None:
        self.push: Callable[[str, Mapping[str, Any]], None] | None = None
        self.view: Callable[[Any], None] | None = None
        self.guard: Callable[[str, Mapping[str, Any]], None] | None = None

    def add_push_guard(self, guard: Callable[[str, Mapping[str, Any]], None]) -> None:
        self.guard = guard

    def add_push_listener(self, listener: Callable[[str, Mapping[str, Any]], None]) -> None:
        self.push = listener

    def add_view_listener(self, listener: Callable[[Any], None]) -> None:
        self.view = listener


def test_pushes_and_joined_clerks_reach_the_running_item_only() -> None:
    hooks = Hooks()
    item: Item | None = None
    PushRouting(hooks, lambda: item)
    assert hooks.push is not None and hooks.view is not None
    hooks.push("open_slot", {"case_id": "H1", "clerk": "c1", "department": "market"})  # no item
    item = Item()
    hooks.push("open_slot", {"case_id": "H0", "clerk": "c1", "department": "market"})  # old case
    hooks.push("open_slot", {"case_id": "H1", "clerk": "c1", "department": "market"})
    assert item.posted == [SlotRequested("market", "c1")]
    view = CallView(participants=(Participant("clerk:g1", "王", "general"), Participant("x")))
    hooks.view(view)
    hooks.view(view)  # the same clerk is told once
    hooks.view(CallView(participants=(*view.participants, Participant("clerk:t1", "李", "tax"))))
    assert item.posted[1:] == [ClerkJoined("general", "g1"), ClerkJoined("tax", "t1")]


def test_a_form_the_item_cannot_show_is_refused_with_a_reason() -> None:
    hooks = Hooks()
    item: Item | None = None
    PushRouting(hooks, lambda: item)
    assert hooks.guard is not None and hooks.push is not None
    who = {"case_id": "H1", "clerk": "c1", "department": "general"}
    with pytest.raises(SessionError) as caught:
        hooks.guard("show_form", who)
    assert caught.value.code == "no_service_item"
    item = Item(refusal="no form step")
    with pytest.raises(SessionError) as caught:
        hooks.guard("show_form", who)
    assert caught.value.code == "no_form_step"
    item.refusal = "finished"
    with pytest.raises(SessionError) as caught:
        hooks.guard("show_form", who)
    assert caught.value.code == "form_not_now"
    hooks.guard("open_slot", who)  # other pushes are the workflow's to refuse
    item.refusal = None
    hooks.guard("show_form", who)
    hooks.push("show_form", who)
    assert item.posted == [FormRequested("c1")]
