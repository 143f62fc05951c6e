"""The clerk's desk: what a department's clerk chooses from and works through.

- ``GET /api/v1/cases/{id}/certificate-choices``: the certificates the caller's department
  may issue for the case (its certificate steps in the catalog, kiosk.hub.certificate_choice),
  each with whether its step is reached and whether it was issued, and what the clerk
  confirms before issuing: the case, the service, the department and the applicant, masked.
  A clerk who may see the case (its departments, or someone who served it) may ask.

Issuing itself stays ``POST /api/v1/cases/{id}/certificates``, which checks the same rules.
"""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter

from kiosk.core.masking import mask_id_number
from kiosk.hub.api_cases import _load_case, _service
from kiosk.hub.casework import audit, mask_phone, text_of
from kiosk.hub.certificate_choice import certificate_steps
from kiosk.hub.deps import ClerkCaller, Hub
from kiosk.hub.issuing import holder_of, mask_name

router = APIRouter(prefix="/api/v1", tags=["desk"])


@router.get("/cases/{case_id}/certificate-choices")
async def certificate_choices(case_id: str, hub: Hub, who: ClerkCaller) -> dict[str, Any]:
    """The caller's department's certificates for the case, and what a confirmation shows."""

    def work() -> dict[str, Any]:
        with hub.sessions() as db:
            case = _load_case(hub, db, case_id[:64], who)
            service = _service(hub, case.service_code)
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
