"""The clerk's desk: what a department's clerk chooses from and works through.

- ``GET /api/v1/cases/{id}/certificate-choices``: the certificates the caller's department
  may issue for the case (its certificate steps in the catalog, kiosk.hub.certificate_choice),
  each with whether its step is reached and whether it was issued, and what the clerk
  confirms before issuing: the case, the service, the department and the applicant, masked.
  A clerk who may see the case (its departments, or someone who served it) may ask.

- ``GET /api/v1/desk/cases?q=``: the department's cases (waiting for us, open, done today),
  scoped to the caller's department on the hub (an administrator sees all), searchable by
  case number, masked name or phone tail; names and phones masked.

Issuing itself stays ``POST /api/v1/cases/{id}/certificates``, which checks the same rules.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.core.clock import CHINA_TZ
from kiosk.core.masking import mask_id_number
from kiosk.hub.casework import audit, iso, mask_phone, text_of
from kiosk.hub.certificate_choice import certificate_steps
from kiosk.hub.deps import ClerkCaller, Hub, load_case, service_of
from kiosk.hub.issuing import holder_of, mask_name
from kiosk.hub.models import Case, CaseDepartment, CaseStep
from kiosk.hub.state import HubState

router = APIRouter(prefix="/api/v1", tags=["desk"])


@router.get("/cases/{case_id}/certificate-choices")
async def certificate_choices(case_id: str, hub: Hub, who: ClerkCaller) -> dict[str, Any]:
    """The caller's department's certificates for the case, and what a confirmation shows."""

    def work() -> dict[str, Any]:
        with hub.sessions() as db:
            case = load_case(hub, db, case_id[:64], who)
            service = service_of(hub, case.service_code)
            steps = certificate_steps(db, service, case)
            audit(db, who, "read", f"case:{case.id}", "certificate choices")
            name, id_number = holder_of(case)
            departments = {d.code: text_of(d.name) for d in hub.catalog.catalog.departments}
            mine = [c for c in steps if who.has_role("admin") or c.department == who.department]
            db.commit()  # the audit entry
            return {
                "case_id": case.id,
                "service": text_of(service.name),
                "applicant": {
                    "name": mask_name(name),
                    "id_number": mask_id_number(id_number) if id_number else "",
                    "phone": mask_phone(case.citizen_phone),
                },
                "choices": [
                    {**c.to_json(), "department_name": departments.get(c.department, {})}
                    for c in mine
                ],
            }

    return await asyncio.to_thread(work)


Group = Literal["open", "waiting", "done_today"]


@router.get("/desk/cases")
async def desk_cases(
    hub: Hub,
    who: ClerkCaller,
    q: Annotated[str, Query(max_length=40)] = "",
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> dict[str, Any]:
    """The caller's department's cases in three groups: ``waiting`` (the case's next pending
    step is ours), ``open`` (the other open ones) and ``done_today`` (finished since local
    midnight); ``q`` finds a case by its number's start, the applicant's masked name (张*)
    or the last four digits of her phone. Names and phone numbers are masked here: the list
    is read in passing; the case itself is opened (and audited) with GET /cases/{id}."""

    def work() -> dict[str, Any]:
        with hub.sessions() as db:
            query = select(Case).order_by(Case.updated_at.desc()).limit(MAX_SCANNED)
            if not who.has_role("admin"):  # scoped on the hub, whatever the page asks
                query = query.join(CaseDepartment, CaseDepartment.case_id == Case.id).where(
                    CaseDepartment.department == who.department
                )
            midnight = local_midnight(hub)
            groups: dict[str, list[dict[str, Any]]] = {"waiting": [], "open": [], "done_today": []}
            cases = db.scalars(query).all()
            # One query for every case's next step, not two per case: a department's
            # thousand cases took 3.5 s to search (bench/console.py).
            next_steps = _next_steps(db, [case.id for case in cases])
            for case in cases:
                next_step = next_steps.get(case.id)
                group = _group_of(case, next_step, who.department or "", midnight)
                if group is None or len(groups[group]) >= limit:
                    continue
                row = _row(hub, case, next_step)
                if q.strip() and not _matches(row, case, q.strip()):
                    continue
                groups[group].append(row)
            audit(db, who, "read", "cases", f"desk list q={'yes' if q else 'no'}")
            db.commit()
            return groups

    return await asyncio.to_thread(work)


MAX_SCANNED = 1000  # a department's recently updated cases looked through for a search


def local_midnight(hub: HubState) -> dt.datetime:
    now = hub.clock.now().astimezone(CHINA_TZ)
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


def _next_steps(db: Session, case_ids: list[str]) -> dict[str, CaseStep]:
    """Each case's first step not done (or skipped), by case id."""
    first: dict[str, CaseStep] = {}
    for start in range(0, len(case_ids), 500):  # within every database's parameter limit
        rows = db.scalars(
            select(CaseStep)
            .where(
                CaseStep.case_id.in_(case_ids[start : start + 500]),
                CaseStep.status.notin_(("done", "skipped")),
            )
            .order_by(CaseStep.case_id, CaseStep.position)
        )
        for step in rows:
            first.setdefault(step.case_id, step)
    return first


def _group_of(
    case: Case, next_step: CaseStep | None, department: str, midnight: dt.datetime
) -> Group | None:
    if case.status != "open":
        finished = (
            case.updated_at if case.updated_at.tzinfo else case.updated_at.replace(tzinfo=dt.UTC)
        )
        return "done_today" if case.status == "done" and finished >= midnight else None
    if next_step is not None and next_step.department == department:
        return "waiting"
    return "open"


def _row(hub: HubState, case: Case, next_step: CaseStep | None) -> dict[str, Any]:
    try:
        service = text_of(hub.catalog.catalog.service(case.service_code).name)
    except (KeyError, LookupError):
        service = {}
    name, _id_number = holder_of(case)
    return {
        "id": case.id,
        "service": service,
        "status": case.status,
        "applicant": mask_name(name),
        "phone": mask_phone(case.citizen_phone),
        "next_step": (
            {
                "position": next_step.position,
                "name": next_step.name,
                "department": next_step.department,
            }
            if next_step is not None
            else None
        ),
        "updated_at": iso(case.updated_at),
    }


def _matches(row: dict[str, Any], case: Case, q: str) -> bool:
    """A case number's start, a masked name as shown (张*), or a phone's last four digits."""
    if case.id.startswith(q.lower()):
        return True
    if q.isdigit() and len(q) == 4:
        return case.citizen_phone.endswith(q)
    return bool(row["applicant"]) and row["applicant"] == q
