"""A case reaching another department's step: that department's clerks are told.

After a step is completed or approved, the case's next pending step may belong to a
department other than the one that acted (the tax bureau's certificate done, the social
security consultation next). Its clerks online get ``{"type": "case_waiting", "case_id",
"service", "step", "department"}`` and find the case under "waiting for us" in their case
list (kiosk.hub.api_desk); nobody has to remember to tell them.
"""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import select

from kiosk.hub.casework import text_of
from kiosk.hub.models import Case, CaseStep
from kiosk.hub.state import HubState


def _next_step(hub: HubState, case_id: str) -> dict[str, Any] | None:
    with hub.sessions() as db:
        case = db.get(Case, case_id)
        if case is None or case.status != "open":
            return None
        step = db.scalar(
            select(CaseStep)
            .where(CaseStep.case_id == case_id, CaseStep.status.notin_(("done", "skipped")))
            .order_by(CaseStep.position)
            .limit(1)
        )
        if step is None or not step.department:
            return None
        try:
            service = text_of(hub.catalog.catalog.service(case.service_code).name)
        except (KeyError, LookupError):
            service = {}
        return {
            "type": "case_waiting",
            "case_id": case_id,
            "service": service,
            "step": {"position": step.position, "name": step.name, "kind": step.kind},
            "department": step.department,
        }


async def tell_next_department(hub: HubState, case_id: str, acted_for: str | None) -> None:
    """Tell the department of the case's next step, when it is not ``acted_for``'s."""
    frame = await asyncio.to_thread(_next_step, hub, case_id)
    if frame is not None and frame["department"] != acted_for:
        await hub.switchboard.to_department(frame["department"], frame)
