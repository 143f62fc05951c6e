"""Certificates after issue: revocation by the issuing department, and checking a PDF.

- ``POST /api/v1/certificates/{id}/revoke`` ``{"reason"}``: a supervisor of the department
  that issued it (no one else, an administrator neither: revoking is the department's
  decision). The citizen's inbox says so, the verification page shows it from then on,
  and the case's history and the audit log record who and why.
- ``POST /api/v1/certificates/{id}/check`` with the PDF as the body (``application/pdf``),
  open to anyone holding a copy (a bank, an employer): ``{"genuine", "revoked", ...}``.
  Genuine means the hub's signature over the certificate's facts holds and the PDF is
  byte for byte the one issued; the answer repeats only what the verification page shows.

The signed facts and why they are signed with an HMAC: kiosk.hub.issuing.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from kiosk.hub.casework import audit, iso, record
from kiosk.hub.deps import ClerkCaller, Hub
from kiosk.hub.errors import ApiError, not_found
from kiosk.hub.issuing import genuine, pdf_matches
from kiosk.hub.models import Case, Certificate
from kiosk.hub.notify import Message
from kiosk.hub.state import HubState

router = APIRouter(prefix="/api/v1", tags=["certificates"])

MAX_PDF_BYTES = 4 * 1024 * 1024  # an issued certificate is ~100 kB


class RevokeIn(BaseModel):
    reason: Annotated[str, Field(min_length=1, max_length=300)]


@router.post("/certificates/{certificate_id}/revoke")
async def revoke(certificate_id: str, body: RevokeIn, hub: Hub, who: ClerkCaller) -> dict[str, Any]:
    """Revoke a certificate (a supervisor of the issuing department); tells the citizen."""

    def work() -> tuple[dict[str, Any], Message]:
        with hub.db() as db:
            cert = db.get(Certificate, certificate_id[:64])
            if cert is None:
                raise not_found("certificate")
            if not (who.has_role("supervisor") and who.department == cert.department):
                raise ApiError(
                    403,
                    "supervisors_of_department_only",
                    "only a supervisor of the issuing department may revoke it",
                )
            if cert.revoked:
                raise ApiError(409, "already_revoked", "this certificate was revoked already")
            cert.revoked = True
            cert.revoked_at = hub.clock.now()
            cert.revoked_by = who.id
            cert.revoked_reason = body.reason
            audit(db, who, "write", f"certificate:{cert.id}", "revoked")
            record(db, cert.case_id, who, "certificate_revoked", certificate=cert.id)
            case = db.get(Case, cert.case_id)
            assert case is not None  # a certificate's case is never deleted before it
            message = Message(
                citizen_ref=case.citizen_ref,
                kind="certificate_revoked",
                phone=case.citizen_phone,
                text=f"{cert.title} 已撤销 / revoked：{body.reason}",
                link=f"{hub.settings.public_url}/verify/{cert.id}",
            )
            return status_of(hub, cert), message

    view, message = await asyncio.to_thread(work)
    await hub.notifier.notify(message)
    return view


def status_of(hub: HubState, cert: Certificate) -> dict[str, Any]:
    """What anyone may learn of a certificate: its signed facts, masked, and its state."""
    return {
        "id": cert.id,
        "genuine": genuine(hub, cert),
        "revoked": cert.revoked,
        "revoked_at": iso(cert.revoked_at),
        "revoked_reason": cert.revoked_reason if cert.revoked else "",
        "title": cert.title,
        "holder": cert.holder_name,
        "holder_id": cert.holder_id,
        "service": cert.service_name,
        "department": cert.department,
        "issued_at": iso(cert.issued_at),
    }


@router.post("/certificates/{certificate_id}/check")
async def check(certificate_id: str, hub: Hub, request: Request) -> dict[str, Any]:
    """Whether the PDF in the body is this certificate as issued, untampered, not revoked."""
    pdf = bytearray()
    async for chunk in request.stream():
        pdf += chunk
        if len(pdf) > MAX_PDF_BYTES:
            raise ApiError(413, "too_large", "a certificate PDF is smaller than this")

    def work() -> dict[str, Any]:
        with hub.sessions() as db:
            cert = db.get(Certificate, certificate_id[:64])
            if cert is None:
                raise not_found("certificate")
            status = status_of(hub, cert)
            status["pdf_matches"] = pdf_matches(cert, bytes(pdf))
            status["genuine"] = status["genuine"] and status["pdf_matches"]
            return status

    return await asyncio.to_thread(work)
