"""Clerk pushes and call participants, as events of the running service's workflow.

Composition-root code. What the clerks do reaches the booth in two ways, and both become
events of the same state machine as the citizen's touches (story A of docs/architecture.md):

- the hub's ``push`` commands (``kiosk.hub.protocol``), handed over by
  :meth:`kiosk.booth.calls.CallWiring.add_push_listener` during a call and after it;
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
``show_form``          ``FormRequested(clerk)``: the form on the booth's screen now
=====================  ==================================================================

A push names the hub's case; one for another case than the running item's is dropped
(a late push of the previous citizen's case must not reach this one).

A ``show_form`` that the item cannot honour (no service item runs, its service has no
form step, it has finished) is refused before it is acknowledged: the booth's ack carries
the reason's code (``no_service_item``, ``no_form_step``, ``form_not_now``), which the
hub hands the clerk as ``booth_error`` of its 409 ``push_failed``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from kiosk.core.errors import SessionError
from kiosk.flows.messages import ClerkJoined, Event
from kiosk.flows.pushes import BadPush, event_from_push

log = logging.getLogger(__name__)

CLERK_PEER = "clerk:"
# Why the workflow would refuse a clerk's "show the form" -> the code the clerk is told.
FORM_REFUSALS = {"no form step": "no_form_step"}


def event_of_push(kind: str, data: Mapping[str, Any]) -> Event | None:
    """The workflow event a clerk's push means (kiosk.flows.pushes); None for a push the
    workflow ignores or a malformed one (logged: a peer's garbage must not stop the item)."""
    try:
        return event_from_push({**data, "kind": kind})
    except BadPush as exc:
        log.warning("push %s ignored: %s", kind, exc)
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

    def form_refusal(self) -> str | None: ...


class CallHooks(Protocol):
    """Where pushes and call views come from (``kiosk.booth.calls.CallWiring``)."""

    def add_push_listener(self, listener: Callable[[str, Mapping[str, Any]], None]) -> None: ...

    def add_push_guard(self, guard: Callable[[str, Mapping[str, Any]], None]) -> None: ...

    def add_view_listener(self, listener: Callable[[Any], None]) -> None: ...


class PushRouting:
    """Routes clerk pushes and call participants into whichever item runs now."""

    def __init__(self, call: CallHooks, running: Callable[[], RunningItem | None]) -> None:
        self._running = running
        self._joined: set[tuple[str, str]] = set()  # (case, clerk) already told
        call.add_push_guard(self.check_push)
        call.add_push_listener(self.on_push)
        call.add_view_listener(self.on_call_view)

    def check_push(self, kind: str, data: Mapping[str, Any]) -> None:
        """Raise SessionError (its code goes back in the ack) for a push the running item
        cannot honour now; only ``show_form`` is checked, the others are events whatever
        the step (the workflow logs what it refuses)."""
        if kind != "show_form":
            return
        item = self._running()
        if item is None:
            raise SessionError("no service item runs", code="no_service_item")
        refusal = item.form_refusal()
        if refusal is not None:
            raise SessionError(refusal, code=FORM_REFUSALS.get(refusal, "form_not_now"))

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
