"""The clerks' queue of reviews that a department's rules referred to them.

``GET /api/v1/reviews``: the review steps of the caller's department (every department
for an admin) with status ``referred`` (kiosk.hub.rules_review), oldest first, each with
the reasons the rules gave. A clerk then decides with ``POST
/cases/{id}/steps/{position}/complete`` and ``POST /cases/{id}/certificates``.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlalchemy import select

from kiosk.hub.casework import audit, iso
from kiosk.hub.deps import ClerkCaller, Hub
from kiosk.hub.models import Case, CaseEvent, CaseStep
from kiosk.hub.rules_review import REFERRED

router = APIRouter(prefix="/api/v1", tags=["cases"])


@router.get("/reviews")
def referred_reviews(hub: Hub, who: ClerkCaller) -> dict[str, Any]:
    """Reviews waiting for a clerk of the caller's department, with the rules' reasons."""
    with hub.db() as db:
        query = (
            select(CaseStep, Case)
            .join(Case, Case.id == CaseStep.case_id)
            .where(CaseStep.kind == "review", CaseStep.status == REFERRED, Case.status == "open")
            .order_by(Case.updated_at)
        )
        if not who.has_role("admin"):
            query = query.where(CaseStep.department == who.department)
        items = []
        for step, case in db.execute(query).all():
            referral = db.scalar(
                select(CaseEvent)
                .where(CaseEvent.case_id == case.id, CaseEvent.what == "rules_referred")
                .order_by(CaseEvent.id.desc())
                .limit(1)
            )
            audit(db, who, "read", f"case:{case.id}", "reviews")
            items.append(
                {
                    "case_id": case.id,
                    "service": case.service_code,
                    "position": step.position,
                    "department": step.department,
                    "reasons": list((referral.detail or {}).get("reasons", ())) if referral else [],
                    "referred_at": iso(referral.at) if referral else None,
                }
            )
        return {"reviews": items}
