"""The booth's door and what clerks push to a booth: who may open the door (by appointment,
by the citizen's own QR code, by a clerk), and the pushes a clerk sends to a booth."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from kiosk.hub.auth import new_citizen_ref
from kiosk.hub.case_news import (
    citizen_url,
)
from kiosk.hub.casework import (
    audit,
    open_case,
    record,
)
from kiosk.hub.deps import (
    ClerkCaller,
    Hub,
    OptionalCaller,
    client_address,
)
from kiosk.hub.door import SESSION_RUNNING
from kiosk.hub.errors import ApiError, forbidden, not_found
from kiosk.hub.models import (
    Appointment,
    Booth,
)
from kiosk.hub.protocol import PUSH_KINDS
from kiosk.hub.state import HubState
from kiosk.hub.switchboard import BoothOffline, CommandFailed

log = logging.getLogger(__name__)

router = APIRouter(prefix="/api/v1", tags=["door"])


# -- the booth door ------------------------------------------------------------------------
class DoorIn(BaseModel):
    # The code the booth shows at its door (kiosk.core.door_codes); required, but checked
    # by the route so that a missing one is audited and answered like a wrong one.
    door_code: Annotated[str, Field(max_length=64)] = ""
    appointment_id: Annotated[str | None, Field(max_length=64)] = None


@router.post("/booths/{booth_id}/open-door")
async def open_door(
    booth_id: str, body: DoorIn, hub: Hub, who: OptionalCaller, request: Request
) -> dict[str, Any]:
    """Scan-to-open: unlock the booth's door and start a session there, for a citizen
    standing at it (the booth's current door code) while the booth is free; every attempt
    is audited and rate limited (kiosk.hub.door).

    With an appointment, the session is bound to a new case for the booked service;
    without one it is a walk-in. Answers once the booth has acknowledged both commands.
    """
    address = client_address(request)
    actor = who.peer if who is not None else f"address:{address}"

    def refuse(error: ApiError) -> ApiError:
        _door_attempt(hub, actor, booth_id, f"refused {error.code}")
        return error

    if who is not None and who.kind != "citizen":
        raise refuse(forbidden("the door is opened from the citizen's phone"))
    keys = [f"addr:{address}", f"booth:{booth_id}"]
    if who is not None:
        keys.append(f"citizen:{who.id}")
    wait = hub.door.limits.take(*keys)
    if wait > 0:
        raise refuse(
            ApiError(
                429,
                "too_many_requests",
                "too many attempts to open a door; try again later",
                retry_after_s=max(1, round(wait + 0.5)),
            )
        )
    ref = who.id if who is not None else new_citizen_ref()
    appointment: Appointment | None = None
    with hub.sessions() as db:
        if db.get(Booth, booth_id) is None:
            raise refuse(not_found("booth"))
        if not hub.door.valid(booth_id, body.door_code):
            raise refuse(
                ApiError(403, "bad_door_code", "scan the code on the booth's screen again")
            )
        link = hub.switchboard.links.get(f"booth:{booth_id}")
        if link is not None and link.in_session:
            raise refuse(ApiError(409, "booth_occupied", "someone is using the booth"))
        if body.appointment_id:
            appointment = db.get(Appointment, body.appointment_id)
            if appointment is None or appointment.citizen_ref != ref:
                raise refuse(not_found("appointment"))
            if appointment.booth_id != booth_id:
                raise refuse(ApiError(409, "other_booth", "the appointment is for another booth"))
            if appointment.status != "booked":
                raise refuse(
                    ApiError(409, "appointment_not_open", "the appointment is used or cancelled")
                )
    if not hub.door.consume(booth_id, body.door_code):
        raise refuse(ApiError(403, "bad_door_code", "scan the code on the booth's screen again"))
    if not hub.door.claim(booth_id):  # another phone is being let in right now
        raise refuse(ApiError(409, "booth_occupied", "someone is using the booth"))
    try:
        return await _let_in(hub, booth_id, body, ref, appointment, actor, refuse)
    finally:
        hub.door.release(booth_id)


async def _let_in(
    hub: HubState,
    booth_id: str,
    body: DoorIn,
    ref: str,
    appointment: Appointment | None,
    actor: str,
    refuse: Callable[[ApiError], ApiError],
) -> dict[str, Any]:
    """Open the door and start the session (the checks are done); one at a time a booth."""
    token = hub.links.issue(ref)
    try:
        await hub.switchboard.command(
            booth_id, "open_door", {"appointment_id": body.appointment_id, "citizen_ref": ref}
        )
    except BoothOffline:
        raise refuse(ApiError(409, "booth_offline", "the booth is not connected")) from None
    except CommandFailed as exc:
        if exc.code == SESSION_RUNNING:  # the booth knew better than the hub
            raise refuse(ApiError(409, "booth_occupied", "someone is using the booth")) from None
        raise refuse(
            ApiError(409, "door_failed", "the booth could not open its door", booth_error=exc.code)
        ) from None
    case_id = None
    service = None
    with hub.db() as db:
        if appointment is not None:
            a = db.get(Appointment, appointment.id)
            assert a is not None
            a.status = "used"
            case = open_case(
                db,
                hub.catalog.catalog,
                f"citizen:{ref}",
                a.service_code,
                ref,
                name=a.name,
                phone=a.phone,
                booth_id=booth_id,
                appointment_id=a.id,
            )
            case_id, service = case.id, case.service_code
            record(db, case.id, f"citizen:{ref}", "door_open_requested", booth=booth_id)
    session_id = uuid.uuid4().hex
    try:
        await hub.switchboard.command(
            booth_id,
            "start_session",
            {
                "session_id": session_id,
                "case_id": case_id,
                "service": service,
                "appointment_id": body.appointment_id,
                "citizen_token": token,
            },
        )
    except (BoothOffline, CommandFailed):
        raise refuse(
            ApiError(409, "session_failed", "the door opened but the session did not start")
        ) from None
    link = hub.switchboard.links.get(f"booth:{booth_id}")
    if link is not None:
        link.in_session = True  # until the booth says otherwise
    _door_attempt(hub, actor, booth_id, f"opened session {session_id}")
    return {
        "opened": True,
        "session_id": session_id,
        "case_id": case_id,
        "citizen_token": token,
        "citizen_url": citizen_url(hub, token),
    }


def _door_attempt(hub: HubState, actor: str, booth_id: str, outcome: str) -> None:
    """One audit row per attempt to open a door (its own transaction: a refusal's
    rollback does not take it along). Never a token or a door code."""
    with hub.db() as db:
        audit(db, actor, "door", f"booth:{booth_id[:64]}", f"open_door: {outcome}")
    log.info("open-door at booth %s: %s", booth_id[:64], outcome)


class PushIn(BaseModel):
    kind: str
    data: dict[str, Any] = {}


RESERVED_PUSH_KEYS = frozenset({"kind", "clerk", "department"})


@router.post("/booths/{booth_id}/push")
async def push(booth_id: str, body: PushIn, hub: Hub, who: ClerkCaller) -> dict[str, Any]:
    """A clerk in a call with the booth pushes to it (request a capture, open a slot...)."""
    if body.kind not in PUSH_KINDS:
        raise ApiError(422, "unknown_push", "kind must be one of " + ", ".join(sorted(PUSH_KINDS)))
    board = hub.switchboard
    if not any(board.in_call(c, who.peer) for c in board.calls_of(f"booth:{booth_id}")):
        raise ApiError(403, "not_in_call", "push only to a booth you are in a call with")
    try:
        # Who pushed and what is the hub's to say: the fixed keys last, and refused in data
        # (a "kind" there made the booth show another push than the one checked above).
        reserved = sorted(RESERVED_PUSH_KEYS & set(body.data))
        if reserved:
            raise ApiError(422, "reserved_key", "data may not set " + ", ".join(reserved))
        data = {**body.data, "kind": body.kind, "clerk": who.id, "department": who.department}
        ack = await board.command(booth_id, "push", data)
    except BoothOffline:
        raise ApiError(409, "booth_offline", "the booth is not connected") from None
    except CommandFailed as exc:
        raise ApiError(409, "push_failed", "the booth refused", booth_error=exc.code) from None
    return {"ok": True, "ack": ack}
