"""The clerks' queue of reviews that a department's rules referred to them.

``GET /api/v1/reviews``: the review steps of the caller's department (every department
for an admin) with status ``referred`` (kiosk.hub.rules_review), oldest first, each with
the reasons the rules gave. A clerk then decides with ``POST
/cases/{id}/steps/{position}/complete`` and ``POST /cases/{id}/certificates`` (approve),
or ``POST /cases/{id}/steps/{position}/refuse`` with a reason. Each item names its
service, and each reason (``over_limit:amount``) comes with the name of the field or
material it is about, in the catalog's languages, for the clerk console to show.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlalchemy import select

from kiosk.hub.casework import audit, iso, text_of
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
        catalog = hub.catalog.catalog
        for step, case in db.execute(query).all():
            referral = db.scalar(
                select(CaseEvent)
                .where(CaseEvent.case_id == case.id, CaseEvent.what == "rules_referred")
                .order_by(CaseEvent.id.desc())
                .limit(1)
            )
            audit(db, who, "read", f"case:{case.id}", "reviews")
            reasons = list((referral.detail or {}).get("reasons", ())) if referral else []
            try:
                service = catalog.service(case.service_code)
            except (KeyError, LookupError):
                service = None
            items.append(
                {
                    "case_id": case.id,
                    "service": case.service_code,
                    "service_name": text_of(service.name) if service else {},
                    "position": step.position,
                    "department": step.department,
                    "reasons": reasons,
                    "reason_subjects": _subjects(service, reasons),
                    "referred_at": iso(referral.at) if referral else None,
                }
            )
        return {"reviews": items}


def _subjects(service: Any, reasons: list[str]) -> dict[str, dict[str, str]]:
    """The names of what the reasons are about (form fields, materials), by key."""
    if service is None:
        return {}
    names = {f.key: f.label for f in service.form}
    names.update({m.code: m.name for m in service.materials})
    out: dict[str, dict[str, str]] = {}
    for reason in reasons:
        subject = str(reason).partition(":")[2]
        if subject in names:
            out[subject] = text_of(names[subject])
    return out
