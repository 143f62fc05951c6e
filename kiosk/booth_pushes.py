"""Clerk pushes and call participants, as events of the running service's workflow.

Composition-root code. What the clerks do reaches the booth in two ways, and both become
events of the same state machine as the citizen's touches (issue #8, DESIGN.md story A):

- the hub's ``push`` commands (``kiosk.hub.protocol``), handed over by
  :meth:`kiosk.booth_call.CallWiring.add_push_listener` during a call and after it;
- the call's participants: a clerk who answers or joins on invitation becomes
  ``ClerkJoined`` (the item's rating then asks about them).

=====================  ==================================================================
push                   workflow event
=====================  ==================================================================
``request_capture``    ``CaptureRequested(material, clerk)``
``form_field``         ``FieldEdited(key, value, by="clerk")``
``open_slot``          ``SlotRequested(department, clerk)``
``certificate``        ``CertificateIssued(department, certificate_id)``
``material_verified``  ``MaterialVerified(material, clerk)`` (its trust level is now B)
``step_done``          a clerk completed a step on the hub: ``questions`` ->
                       ``QuestionsAnswered``, ``review`` -> ``ClerkApproved``,
                       ``consult`` -> ``ConsultEnded``; other kinds need nothing
``show_form``          none: the workflow shows the form at its form steps
=====================  ==================================================================

A push names the hub's case; one for another case than the running item's is dropped
(a late push of the previous citizen's case must not reach this one).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from kiosk.flows.messages import (
    CaptureRequested,
    CertificateIssued,
    ClerkApproved,
    ClerkJoined,
    ConsultEnded,
    Event,
    FieldEdited,
    MaterialVerified,
    QuestionsAnswered,
    SlotRequested,
)

log = logging.getLogger(__name__)

CLERK_PEER = "clerk:"


def event_of_push(kind: str, data: Mapping[str, Any]) -> Event | None:
    """The workflow event a clerk's push means; None for a push the workflow ignores."""
    clerk = str(data.get("clerk") or "")
    department = str(data.get("department") or "")
    if kind == "request_capture" and data.get("material"):
        return CaptureRequested(str(data["material"]), clerk)
    if kind == "form_field" and data.get("key"):
        value = data.get("value")
        return FieldEdited(str(data["key"]), "" if value is None else str(value), "clerk")
    if kind == "open_slot":
        return SlotRequested(department, clerk)
    if kind == "certificate" and data.get("certificate_id"):
        return CertificateIssued(department, str(data["certificate_id"]))
    if kind == "material_verified" and data.get("material"):
        return MaterialVerified(str(data["material"]), clerk)
    if kind == "step_done":
        step_kind = data.get("step_kind")
        if step_kind == "questions":
            return QuestionsAnswered()
        if step_kind == "review":
            return ClerkApproved(department, clerk)
        if step_kind == "consult":
            return ConsultEnded(department)
    return None


def clerk_id(participant_id: str) -> str | None:
    """The hub's clerk id of a call participant (``clerk:<id>``); None for others."""
    if participant_id.startswith(CLERK_PEER):
        return participant_id[len(CLERK_PEER) :]
    return None


class RunningItem(Protocol):
    """What the routing needs of the service item running now (``ServiceRunner``)."""

    case_id: str  # the booth's id of the item's case

    @property
    def hub_case_id(self) -> str | None: ...

    def post(self, event: Any) -> None: ...


class CallHooks(Protocol):
    """Where pushes and call views come from (``kiosk.booth_call.CallWiring``)."""

    def add_push_listener(self, listener: Callable[[str, Mapping[str, Any]], None]) -> None: ...

    def add_view_listener(self, listener: Callable[[Any], None]) -> None: ...


class PushRouting:
    """Routes clerk pushes and call participants into whichever item runs now."""

    def __init__(self, call: CallHooks, running: Callable[[], RunningItem | None]) -> None:
        self._running = running
        self._joined: set[tuple[str, str]] = set()  # (case, clerk) already told
        call.add_push_listener(self.on_push)
        call.add_view_listener(self.on_call_view)

    def on_push(self, kind: str, data: Mapping[str, Any]) -> None:
        item = self._running()
        if item is None:
            log.info("push %s with no service item running", kind)
            return
        case = data.get("case_id")
        expected = item.hub_case_id
        if case and expected and case != expected:
            log.warning("push %s for another case dropped", kind)
            return
        event = event_of_push(kind, data)
        if event is None:
            log.info("push %s needs nothing of the workflow", kind)
            return
        item.post(event)

    def on_call_view(self, view: Any) -> None:
        item = self._running()
        if item is None:
            return
        for participant in getattr(view, "participants", ()):
            clerk = clerk_id(participant.id)
            if clerk is None or not participant.department:
                continue
            key = (item.case_id, clerk)
            if key not in self._joined:
                self._joined.add(key)
                item.post(ClerkJoined(participant.department, clerk))
