"""What the hub tells others when a case changes: the citizen's phone (a message with the
link to her page), the case's booth (a push), the department's clerks (their reviews, or
the case in their call)."""

from __future__ import annotations

import asyncio
from typing import Any

from kiosk.hub.auth import Principal
from kiosk.hub.models import Case, CaseStep
from kiosk.hub.notify import Message
from kiosk.hub.state import HubState


def citizen_url(hub: HubState, token: str) -> str:
    return f"{hub.settings.public_url}/m/#t={token}"


def message_link(hub: HubState, citizen_ref: str) -> str:
    """The citizen page's link in a message to her phone: its token lives only
    ``message_link_ttl_s`` (an SMS stays on a phone; afterwards she logs in by SMS code)."""
    return citizen_url(hub, hub.links.issue(citizen_ref, hub.settings.message_link_ttl_s))


def citizen_notice(hub: HubState, case: Case, kind: str, text: str) -> Message:
    """A message about ``case`` to its citizen's phone, linking to the citizen page."""
    return Message(
        citizen_ref=case.citizen_ref,
        kind=kind,
        phone=case.citizen_phone,
        text=text,
        link=f"{hub.settings.public_url}/m/",
    )


def case_done(hub: HubState, case: Case) -> Message:
    """The citizen's message that her case is finished."""
    return citizen_notice(hub, case, "case_done", "您的事项已办结，请对服务进行评价。")


async def push_to_booth(hub: HubState, booth_id: str, data: dict[str, Any]) -> None:
    """Tell the case's booth, if it is connected; not waiting for its answer."""
    if hub.switchboard.online(f"booth:{booth_id}"):
        await hub.switchboard.command(booth_id, "push", data, wait=False)


def step_done_push(step: CaseStep, who: Principal) -> dict[str, Any]:
    """The push telling the case's booth that a clerk completed ``step`` (its item, if it
    still runs, moves on: an approval, a consultation ended)."""
    return {
        "kind": "step_done",
        "case_id": step.case_id,
        "position": step.position,
        "step_kind": step.kind,
        "department": step.department,
        "clerk": who.id,
    }


async def reviews_changed(hub: HubState, department: str | None) -> None:
    """The department's clerks reload their reviews (one was referred or decided)."""
    if department:
        frame = {"type": "reviews_changed", "department": department}
        await hub.switchboard.to_department(department, frame)


async def case_changed(hub: HubState, case_id: str) -> None:
    """Clerks in a call about the case reload it."""

    def booth_of() -> str | None:
        with hub.sessions() as db:
            case = db.get(Case, case_id)
            return case.booth_id if case else None

    booth = await asyncio.to_thread(booth_of)
    if booth:
        for call_id in hub.switchboard.calls_of(f"booth:{booth}"):
            await hub.switchboard.to_call(
                call_id, {"type": "case_updated", "case_id": case_id}, except_peer=f"booth:{booth}"
            )  # the clerks reload; the booth hears of changes by pushes
