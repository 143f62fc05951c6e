"""Queues and calls: what a department waits for, accepting, inviting, leaving, ending."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from kiosk.hub import queueing
from kiosk.hub.auth import Principal
from kiosk.hub.casework import iso
from kiosk.hub.deps import Caller, ClerkCaller, Hub
from kiosk.hub.errors import ApiError, not_found
from kiosk.hub.models import Call, CallParticipant
from kiosk.hub.state import HubState

router = APIRouter(prefix="/api/v1", tags=["queues and calls"])


@router.get("/queues/{department}")
def department_queue(department: str, hub: Hub, who: ClerkCaller) -> dict[str, Any]:
    """Booths waiting for the department (and invitations), oldest first, with waiting time."""
    if department != who.department and not who.has_role("admin"):
        raise ApiError(403, "other_department", "you see your own department's queue")
    return {
        "department": department,
        "entries": queueing.snapshot(hub, department),
        "mean_wait_s": round(queueing.mean_wait_s(hub, department), 1),
    }


@router.get("/ice-servers")
def ice_servers(hub: Hub, who: Caller) -> dict[str, Any]:
    """STUN/TURN servers for a clerk's or a booth's peer connections, W3C ``RTCIceServer``
    shaped: ``{"iceServers": [{"urls", "username"?, "credential"?}], "ttl_s"}``. TURN
    credentials are the caller's own and short-lived when the hub has a TURN secret."""
    if who.kind not in ("clerk", "booth"):
        raise ApiError(403, "clerks_and_booths_only", "only clerks and booths make calls")
    return hub.settings.ice.for_peer(who.peer, hub.clock)


@router.post("/queue/{entry_id}/accept")
async def accept(entry_id: str, hub: Hub, who: ClerkCaller) -> dict[str, Any]:
    """Take a waiting booth (opens a call) or an invitation (joins the call).

    The answer lists the peers already in the call; the newcomer offers to each of them,
    and carries ``ice`` (as ``GET /ice-servers``) for those peer connections.
    """
    return await queueing.accept(hub, who, entry_id)


class InviteIn(BaseModel):
    department: Annotated[str, Field(min_length=1, max_length=64)]
    clerk_id: Annotated[str | None, Field(max_length=32)] = None


@router.post("/calls/{call_id}/invite", status_code=201)
async def invite(call_id: str, body: InviteIn, hub: Hub, who: ClerkCaller) -> dict[str, Any]:
    """Invite a clerk of another department (anyone of it, or one clerk) into the call."""
    return await queueing.invite(hub, who, call_id, body.department, body.clerk_id)


@router.post("/calls/{call_id}/leave")
async def leave(call_id: str, hub: Hub, who: Caller) -> dict[str, Any]:
    """Leave the call; it ends when no clerk is left."""
    return await queueing.leave(hub, who, call_id, end=False)


@router.post("/calls/{call_id}/end")
async def end(call_id: str, hub: Hub, who: Caller) -> dict[str, Any]:
    """End the call for everyone in it."""
    return await queueing.leave(hub, who, call_id, end=True)


def _supervises(who: Principal, call: Call, parts: Sequence[CallParticipant]) -> bool:
    """A supervisor sees the calls of their department: opened for it, or joined by one
    of its clerks (an invited department)."""
    if not (who.kind == "clerk" and who.has_role("supervisor") and who.department):
        return False
    return call.department == who.department or any(p.department == who.department for p in parts)


@router.get("/calls")
def list_calls(
    hub: Hub,
    who: ClerkCaller,
    department: str | None = None,
    status: Literal["active", "ended"] | None = "active",
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> dict[str, Any]:
    """A department's calls (default: the caller's, active ones), newest first: for
    supervisors of that department and administrators."""
    department = department or who.department
    if not who.has_role("admin") and not (
        who.has_role("supervisor") and department == who.department
    ):
        raise ApiError(403, "supervisors_only", "supervisors see their own department's calls")
    with hub.sessions() as db:
        joined = select(CallParticipant.call_id).where(CallParticipant.department == department)
        query = (
            select(Call)
            .where(or_(Call.department == department, Call.id.in_(joined)))
            .order_by(Call.created_at.desc())
            .limit(limit)
        )
        if status:
            query = query.where(Call.status == status)
        calls = db.scalars(query).all()
        return {"department": department, "calls": [_call_view(hub, db, c) for c in calls]}


@router.get("/calls/{call_id}")
def get_call(call_id: str, hub: Hub, who: Caller) -> dict[str, Any]:
    with hub.sessions() as db:
        call = db.get(Call, call_id)
        if call is None:
            raise not_found("call")
        parts = db.scalars(select(CallParticipant).where(CallParticipant.call_id == call_id)).all()
        if (
            who.peer not in {p.peer for p in parts}
            and not who.has_role("admin")
            and not _supervises(who, call, parts)
        ):
            raise not_found("call")
        return _call_view(hub, db, call, parts)


def _call_view(
    hub: HubState, db: Session, call: Call, parts: Sequence[CallParticipant] | None = None
) -> dict[str, Any]:
    if parts is None:
        parts = db.scalars(select(CallParticipant).where(CallParticipant.call_id == call.id)).all()
    return {
        "id": call.id,
        "booth_id": call.booth_id,
        "case_id": call.case_id,
        "department": call.department,
        "status": call.status,
        "created_at": iso(call.created_at),
        "ended_at": iso(call.ended_at),
        "participants": [
            {
                "peer": p.peer,
                "department": p.department,
                "joined_at": iso(p.joined_at),
                "left_at": iso(p.left_at),
                "presence": hub.switchboard.presence(p.peer),
            }
            for p in parts
        ],
    }
