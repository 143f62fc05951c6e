"""Clerk pushes from the hub become workflow events; garbage is a BadPush."""

from __future__ import annotations

from typing import Any

import pytest

from kiosk.core.errors import ProtocolViolation
from kiosk.flows.messages import (
    CaptureRequested,
    CertificateIssued,
    ClerkApproved,
    ClerkJoined,
    ConsultEnded,
    FieldEdited,
    FormRequested,
    ReviewRejected,
    RulesApproved,
    SlotRequested,
)
from kiosk.flows.pushes import BadPush, event_from_push


@pytest.mark.parametrize(
    ("data", "event"),
    [
        (
            {"kind": "request_capture", "material": "business_license", "clerk": "tax-3"},
            CaptureRequested("business_license", "tax-3"),
        ),
        (
            {"kind": "form_field", "key": "phone", "value": "13912345678", "clerk": "tax-3"},
            FieldEdited("phone", "13912345678", by="clerk"),
        ),
        ({"kind": "form_field", "key": "phone", "value": ""}, FieldEdited("phone", "", by="clerk")),
        (
            {"kind": "open_slot", "department": "market", "clerk": "mkt-5"},
            SlotRequested("market", "mkt-5"),
        ),
        (
            {"kind": "certificate", "department": "tax", "reference": "QS-1"},
            CertificateIssued("tax", "QS-1"),
        ),
        (
            {"kind": "clerk_joined", "department": "social", "clerk": "soc-2"},
            ClerkJoined("social", "soc-2"),
        ),
        (
            {"kind": "approved", "department": "tax", "clerk": "tax-3"},
            ClerkApproved("tax", "tax-3"),
        ),
        ({"kind": "approved", "department": "hpf"}, RulesApproved("hpf")),
        (
            {"kind": "rejected", "department": "tax", "reason": "unpaid", "final": True},
            ReviewRejected("tax", "unpaid", None, True),
        ),
        ({"kind": "consult_ended", "department": "social"}, ConsultEnded("social")),
    ],
)
def test_pushes_become_events(data: dict[str, Any], event: object) -> None:
    assert event_from_push(data) == event


def test_show_form_asks_the_workflow_for_the_form() -> None:
    assert event_from_push({"kind": "show_form", "clerk": "c7"}) == FormRequested("c7")
    assert event_from_push({"kind": "show_form"}) == FormRequested("")


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"kind": "dance"},
        {"kind": "request_capture", "clerk": "x"},
        {"kind": "certificate", "department": 7, "reference": "r"},
        {"kind": "rejected", "department": "tax", "reason": "r", "final": "yes"},
        {"kind": "form_field", "value": "v"},
    ],
)
def test_garbage_is_a_protocol_violation(data: dict[str, Any]) -> None:
    with pytest.raises(BadPush) as caught:
        event_from_push(data)
    assert isinstance(caught.value, ProtocolViolation) and caught.value.code == "bad_push"


def test_material_verified_push() -> None:
    from kiosk.flows.messages import MaterialVerified

    data = {"kind": "material_verified", "material": "business_license", "clerk": "mkt-5"}
    assert event_from_push(data) == MaterialVerified("business_license", "mkt-5")
