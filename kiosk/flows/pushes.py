"""Clerk pushes from the hub, turned into workflow events.

The hub sends a clerk's action to the booth as a WebSocket command
``{"type": "command", "name": "push", "data": {"kind": KIND, ...}}`` (the protocol
that kiosk.hub.protocol documents). :func:`event_from_push` reads ``data`` and returns the
event for the workflow, or raises :class:`BadPush` (a ProtocolViolation: the peer sent
garbage), which the booth answers with ``{"type": "ack", "ok": false, "error": "bad_push"}``.

Kinds of that protocol: ``request_capture`` {material, clerk}, ``show_form`` {clerk?},
``form_field`` {key, value, clerk}, ``open_slot`` {department, clerk}, ``certificate`` {department,
reference}. Kinds this module adds for the department steps (proposed to the hub):
``clerk_joined`` {department, clerk}, ``approved`` {department, clerk?} (no clerk: rules),
``rejected`` {department, reason, clerk?, final?}, ``consult_ended`` {department},
``material_verified`` {material, clerk} (checked against the original: trust level B), and
the hub's ``step_done`` {step_kind, department, clerk} when a clerk completes a step
(``questions`` -> QuestionsAnswered, ``review`` -> ClerkApproved, ``consult`` ->
ConsultEnded; other steps need nothing). ``certificate`` names it by ``certificate_id``
(or ``reference``); a ``form_field`` value may be a number.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kiosk.core.errors import ProtocolViolation
from kiosk.flows.messages import (
    CaptureRequested,
    CertificateIssued,
    ClerkApproved,
    ClerkJoined,
    ConsultEnded,
    Event,
    FieldEdited,
    FormRequested,
    MaterialVerified,
    QuestionsAnswered,
    ReviewRejected,
    RulesApproved,
    SlotRequested,
)

PUSH_KINDS = (
    "request_capture",
    "show_form",
    "form_field",
    "open_slot",
    "certificate",
    "clerk_joined",
    "approved",
    "rejected",
    "consult_ended",
    "material_verified",
)


class BadPush(ProtocolViolation):
    """A push from the hub that is not one of the known kinds or lacks a field."""

    code = "bad_push"


def _text(data: Mapping[str, Any], key: str, *, optional: bool = False) -> str:
    value = data.get(key)
    if value is None and optional:
        return ""
    if not isinstance(value, str) or (not value and not optional):
        raise BadPush(f"push field {key!r} missing or not a string")
    return value


def event_from_push(data: Mapping[str, Any]) -> Event | None:
    """The workflow event of a push; None for a push that moves nothing on the booth."""
    kind = data.get("kind")
    if kind == "request_capture":
        return CaptureRequested(_text(data, "material"), _text(data, "clerk"))
    if kind == "show_form":  # the clerk is the hub's to name; older hubs did not
        return FormRequested(_text(data, "clerk", optional=True))
    if kind == "form_field":
        value = data.get("value")
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)  # a number typed into the shared form
        elif value is not None and not isinstance(value, str):
            raise BadPush("push field 'value' is not text")
        return FieldEdited(_text(data, "key"), value or "", by="clerk")
    if kind == "open_slot":
        return SlotRequested(_text(data, "department"), _text(data, "clerk"))
    if kind == "certificate":
        reference = "certificate_id" if "certificate_id" in data else "reference"
        return CertificateIssued(_text(data, "department"), _text(data, reference))
    if kind == "step_done":  # a clerk completed a department step on the hub
        step_kind = data.get("step_kind")
        if step_kind == "questions":
            return QuestionsAnswered()
        if step_kind == "review":
            return ClerkApproved(_text(data, "department"), _text(data, "clerk"))
        if step_kind == "consult":
            return ConsultEnded(_text(data, "department"))
        return None  # other steps move nothing on the booth
    if kind == "clerk_joined":
        return ClerkJoined(_text(data, "department"), _text(data, "clerk"))
    if kind == "approved":
        clerk = _text(data, "clerk", optional=True)
        department = _text(data, "department")
        return ClerkApproved(department, clerk) if clerk else RulesApproved(department)
    if kind == "rejected":
        final = data.get("final", False)
        if not isinstance(final, bool):
            raise BadPush("push field 'final' is not a boolean")
        by = _text(data, "clerk", optional=True) or None
        return ReviewRejected(_text(data, "department"), _text(data, "reason"), by, final)
    if kind == "material_verified":
        return MaterialVerified(_text(data, "material"), _text(data, "clerk"))
    if kind == "consult_ended":
        return ConsultEnded(_text(data, "department"))
    raise BadPush(f"unknown push kind {kind!r}")
