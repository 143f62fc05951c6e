"""Per-department queues of booths waiting for a clerk, invitations, accepting, calls.

A booth joins a department's queue with a ``call_request`` event. Every clerk of that
department online sees the queue (``{"type": "queue", ...}`` frames) and every waiting
booth hears its position and estimated wait (``queue`` commands). A clerk accepts an
entry (first one wins); that opens a call with the booth, or, for an invitation, adds the
clerk to the running call. The estimated wait is the position times the mean wait of
the department's last 20 accepted entries (60 s when there is no history).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy import select, update

from kiosk.hub.auth import Principal
from kiosk.hub.casework import iso, record, route_to
from kiosk.hub.errors import ApiError, not_found
from kiosk.hub.models import Call, CallParticipant, Clerk, QueueEntry
from kiosk.hub.queue_details import details_of
from kiosk.hub.state import HubState

log = logging.getLogger(__name__)

DEFAULT_WAIT_S = 60.0
COALESCE_S = 0.05  # queue changes within this window reach clerks as one update


def _age_s(hub: HubState, entry: QueueEntry) -> float:
    created = entry.created_at
    return max(0.0, hub.clock.now().timestamp() - created.timestamp())


def entry_view(hub: HubState, entry: QueueEntry, position: int | None = None) -> dict[str, Any]:
    return {
        "id": entry.id,
        "department": entry.department,
        "booth_id": entry.booth_id,
        "case_id": entry.case_id,
        "call_id": entry.call_id,
        "kind": "invite" if entry.call_id else "booth",
        "invited_by": entry.invited_by,
        "invited_clerk": entry.invited_clerk,
        "status": entry.status,
        "position": position,
        "waiting_s": round(_age_s(hub, entry), 1),
        "created_at": iso(entry.created_at),
    }


def waiting(hub: HubState, department: str) -> list[QueueEntry]:
    with hub.sessions() as db:
        return list(
            db.scalars(
                select(QueueEntry)
                .where(QueueEntry.department == department, QueueEntry.status == "waiting")
                .order_by(QueueEntry.created_at)
            )
        )


def mean_wait_s(hub: HubState, department: str) -> float:
    with hub.sessions() as db:
        rows = db.execute(
            select(QueueEntry.created_at, QueueEntry.accepted_at)
            .where(QueueEntry.department == department, QueueEntry.status == "accepted")
            .order_by(QueueEntry.accepted_at.desc())
            .limit(20)
        ).all()
    waits = [(a.timestamp() - c.timestamp()) for c, a in rows if a is not None]
    return sum(waits) / len(waits) if waits else DEFAULT_WAIT_S


def snapshot(hub: HubState, department: str) -> list[dict[str, Any]]:
    entries = waiting(hub, department)
    return described(hub, entries, details_of(hub, entries))


def described(
    hub: HubState, entries: list[QueueEntry], details: dict[str, dict[str, Any]]
) -> list[dict[str, Any]]:
    """The entries as clerks see them: each with what kiosk.hub.queue_details tells."""
    return [{**entry_view(hub, e, i + 1), **details.get(e.id, {})} for i, e in enumerate(entries)]


def announce(hub: HubState, department: str) -> None:
    """Schedule a :func:`broadcast`; changes in a burst (80 booths queueing at once) are
    coalesced so each clerk gets one snapshot instead of one per change."""
    pending = hub.queue_broadcasts
    if department in pending:
        return

    async def later() -> None:
        try:
            await asyncio.sleep(COALESCE_S)
        finally:
            pending.pop(department, None)
        await broadcast(hub, department)

    pending[department] = asyncio.create_task(later())


async def broadcast(hub: HubState, department: str) -> None:
    """Tell the department's clerks the queue and each waiting booth its place."""

    def read() -> tuple[list[QueueEntry], float, dict[str, dict[str, Any]]]:
        entries = waiting(hub, department)
        return entries, mean_wait_s(hub, department), details_of(hub, entries)

    entries, mean, details = await asyncio.to_thread(read)
    views = described(hub, entries, details)
    await hub.switchboard.to_department(
        department, {"type": "queue", "department": department, "entries": views}
    )
    position = 0
    for entry in entries:
        if entry.call_id:
            continue  # invitations are not booths waiting
        position += 1
        await hub.switchboard.command(
            entry.booth_id,
            "queue",
            {
                "status": "waiting",
                "entry_id": entry.id,
                "department": department,
                "position": position,
                "estimated_wait_s": round(position * mean),
            },
            wait=False,
        )


async def enqueue(
    hub: HubState, booth_id: str, department: str, case_id: str | None
) -> dict[str, Any]:
    known = {d.code for d in hub.catalog.catalog.departments}
    if department not in known:
        raise ApiError(422, "unknown_department", "no such department")
    view = await asyncio.to_thread(_enqueue, hub, booth_id, department, case_id)
    announce(hub, department)
    return view


def _enqueue(hub: HubState, booth_id: str, department: str, case_id: str | None) -> dict[str, Any]:
    with hub.db() as db:
        existing = db.scalar(
            select(QueueEntry).where(
                QueueEntry.booth_id == booth_id,
                QueueEntry.department == department,
                QueueEntry.status == "waiting",
                QueueEntry.call_id.is_(None),
            )
        )
        entry = existing or QueueEntry(booth_id=booth_id, department=department, case_id=case_id)
        if existing is None:
            db.add(entry)
            if case_id:
                record(db, case_id, f"booth:{booth_id}", "queued", department=department)
        db.flush()
        return entry_view(hub, entry)


async def cancel_booth_entries(hub: HubState, booth_id: str) -> None:
    for department in await asyncio.to_thread(_cancel_booth_entries, hub, booth_id):
        announce(hub, department)


def _cancel_booth_entries(hub: HubState, booth_id: str) -> set[str]:
    """Cancel the booth's waiting entries; the departments whose queue changed."""
    with hub.db() as db:
        entries = list(
            db.scalars(
                select(QueueEntry).where(
                    QueueEntry.booth_id == booth_id, QueueEntry.status == "waiting"
                )
            )
        )
        for entry in entries:
            entry.status = "cancelled"
        return {e.department for e in entries}


async def restore_calls(hub: HubState) -> int:
    """At start-up: the calls the database says are active, with the participants who have
    not left, back in the switchboard; how many. A hub that restarted during a call lost
    who is in it (the media never went through the hub, so the call itself goes on), and
    the participants need it to invite, push, relay signals and hear of case changes."""

    def active() -> list[tuple[str, str]]:
        with hub.sessions() as db:
            rows = db.execute(
                select(CallParticipant.call_id, CallParticipant.peer)
                .join(Call, Call.id == CallParticipant.call_id)
                .where(Call.status == "active", CallParticipant.left_at.is_(None))
            ).all()
            return [(call_id, peer) for call_id, peer in rows]

    members = await asyncio.to_thread(active)
    for call_id, peer in members:
        hub.switchboard.join_call(call_id, peer)
    calls = len({call_id for call_id, _ in members})
    if calls:
        log.info("%d active calls restored from the database", calls)
    return calls


async def invite(
    hub: HubState, clerk: Principal, call_id: str, department: str, clerk_id: str | None
) -> dict[str, Any]:
    if department not in {d.code for d in hub.catalog.catalog.departments}:
        raise ApiError(422, "unknown_department", "no such department")
    participant = hub.switchboard.in_call(call_id, clerk.peer)
    view = await asyncio.to_thread(_invite, hub, clerk, call_id, department, clerk_id, participant)
    announce(hub, department)
    return view


def _invite(
    hub: HubState,
    clerk: Principal,
    call_id: str,
    department: str,
    clerk_id: str | None,
    participant: bool,
) -> dict[str, Any]:
    with hub.db() as db:
        call = db.get(Call, call_id)
        if call is None:
            raise not_found("call")
        if call.status != "active":
            raise ApiError(409, "call_ended", "the call has ended")
        if not participant:
            raise ApiError(403, "not_in_call", "only a participant may invite")
        if clerk_id is not None:
            invited = db.get(Clerk, clerk_id)
            if invited is None or invited.department != department:
                raise ApiError(422, "unknown_clerk", "no such clerk in that department")
        entry = QueueEntry(
            department=department,
            booth_id=call.booth_id,
            case_id=call.case_id,
            call_id=call.id,
            invited_by=clerk.id,
            invited_clerk=clerk_id,
        )
        db.add(entry)
        if call.case_id:
            route_to(db, call.case_id, department)
            record(db, call.case_id, clerk, "invited", department=department)
        db.flush()
        return entry_view(hub, entry)


async def accept(hub: HubState, clerk: Principal, entry_id: str) -> dict[str, Any]:
    """The clerk takes a queue entry: a new call with the booth, or joins the invited call."""
    # The database work runs on a worker thread (it reads the switchboard only through
    # ``online``, one dict lookup); the switchboard is changed only here, on the loop.
    call_id, booth_id, case_id, department, is_invite = await asyncio.to_thread(
        _accept, hub, clerk, entry_id, hub.switchboard.online
    )
    board = hub.switchboard
    if not is_invite:
        board.join_call(call_id, f"booth:{booth_id}")
    others = sorted(board.calls.get(call_id, set()))
    board.join_call(call_id, clerk.peer)
    clerk_info = {"id": clerk.id, "name": clerk.name, "department": clerk.department}
    await board.to_call(
        call_id,
        {
            "type": "call",
            "event": "joined",
            "call_id": call_id,
            "peer": clerk.peer,
            "clerk": clerk_info,
        },
        except_peer=clerk.peer,
    )
    if not is_invite:
        await board.command(
            booth_id,
            "queue",
            {
                "status": "accepted",
                "call_id": call_id,
                "department": department,
                "clerk": clerk_info,
                "peer": clerk.peer,
                "ice": hub.settings.ice.for_peer(f"booth:{booth_id}", hub.clock),
            },
            wait=False,
        )
    announce(hub, department)
    return {
        "call_id": call_id,
        "booth_id": booth_id,
        "case_id": case_id,
        "peers": others,
        "you": clerk.peer,
        "ice": hub.settings.ice.for_peer(clerk.peer, hub.clock),
    }


def _accept(
    hub: HubState, clerk: Principal, entry_id: str, online: Callable[[str], bool]
) -> tuple[str, str, str | None, str, bool]:
    """Take the entry in the database: (call id, booth id, case id, department, invite?)."""
    with hub.db() as db:
        entry = db.get(QueueEntry, entry_id)
        if entry is None:
            raise not_found("queue_entry")
        if entry.department != clerk.department and entry.invited_clerk != clerk.id:
            raise ApiError(403, "other_department", "this entry is for another department")
        if entry.invited_clerk and entry.invited_clerk != clerk.id:
            raise ApiError(403, "invited_someone_else", "this invitation is for another clerk")
        if entry.call_id is None and not online(f"booth:{entry.booth_id}"):
            raise ApiError(409, "booth_offline", "the booth is no longer connected")
        taken = db.execute(
            update(QueueEntry)
            .where(QueueEntry.id == entry_id, QueueEntry.status == "waiting")
            .values(status="accepted", accepted_at=hub.clock.now(), accepted_by=clerk.id)
        )
        if taken.rowcount != 1:  # type: ignore[attr-defined]
            raise ApiError(
                409, "already_taken", "someone else took this entry, or it was cancelled"
            )
        if entry.call_id:
            call = db.get(Call, entry.call_id)
            if call is None or call.status != "active":
                raise ApiError(409, "call_ended", "the call has ended")
        else:
            call = Call(booth_id=entry.booth_id, case_id=entry.case_id, department=entry.department)
            db.add(call)
            db.flush()
            db.add(CallParticipant(call_id=call.id, peer=f"booth:{entry.booth_id}"))
        db.add(CallParticipant(call_id=call.id, peer=clerk.peer, department=clerk.department))
        if call.case_id:
            record(db, call.case_id, clerk, "joined_call", call_id=call.id)
        return call.id, call.booth_id, call.case_id, entry.department, entry.call_id is not None


async def leave(hub: HubState, who: Principal, call_id: str, *, end: bool) -> dict[str, Any]:
    board = hub.switchboard
    allowed = board.in_call(call_id, who.peer) or who.has_role("admin")
    ended = await asyncio.to_thread(_leave, hub, who, call_id, allowed, end)
    if ended:
        peers = set(board.calls.get(call_id, set()))
        for peer in peers:
            if peer != who.peer:
                await board.deliver(
                    peer,
                    {
                        "type": "signal",
                        "call_id": call_id,
                        "from": who.peer,
                        "to": peer,
                        "kind": "bye",
                    },
                )
        await board.to_call(call_id, {"type": "call", "event": "ended", "call_id": call_id})
        board.end_call(call_id)
    else:
        await board.to_call(
            call_id,
            {"type": "call", "event": "left", "call_id": call_id, "peer": who.peer},
            except_peer=who.peer,
        )
        for peer in set(board.calls.get(call_id, set())) - {who.peer}:
            await board.deliver(
                peer,
                {"type": "signal", "call_id": call_id, "from": who.peer, "to": peer, "kind": "bye"},
            )
        board.leave_call(call_id, who.peer)
    return {"call_id": call_id, "ended": ended}


def _leave(hub: HubState, who: Principal, call_id: str, allowed: bool, end: bool) -> bool:
    """Note who left (everyone, with ``end``) in the database; whether the call ended."""
    with hub.db() as db:
        call = db.get(Call, call_id)
        if call is None:
            raise not_found("call")
        if not allowed:
            raise ApiError(403, "not_in_call", "you are not in this call")
        now = hub.clock.now()
        parts = db.scalars(
            select(CallParticipant).where(
                CallParticipant.call_id == call_id, CallParticipant.left_at.is_(None)
            )
        )
        remaining_clerks = 0
        for part in parts:
            if end or part.peer == who.peer:
                part.left_at = now
            elif part.peer.startswith("clerk:"):
                remaining_clerks += 1
        ended = end or remaining_clerks == 0
        if ended:
            call.status, call.ended_at = "ended", now
        if call.case_id:
            record(db, call.case_id, who, "ended_call" if ended else "left_call", call_id=call_id)
        return ended
