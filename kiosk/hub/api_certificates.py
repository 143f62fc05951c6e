"""Certificates: a clerk issues one, the citizen and clerks download it by a one-time
ticket, the issuing department revokes it, anyone checks a PDF.

- ``POST /api/v1/cases/{id}/certificates``: a clerk of a department taking part, one of
  its own certificates for the service, once, when its step is reached (issuing's rules:
  kiosk.hub.certificate_choice and kiosk.hub.issuing).
- ``POST /api/v1/certificates/{id}/download`` (and ``/materials/{id}/download``): a
  one-time ticket, ``GET /api/v1/downloads/{ticket}`` the file (kiosk.hub.tickets).
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

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy import select

from kiosk.hub.case_news import (
    case_changed,
    case_done,
)
from kiosk.hub.casework import (
    audit,
    iso,
    may_act,
    record,
    settle,
    step_done,
)
from kiosk.hub.certificate_choice import choose
from kiosk.hub.deps import (
    Caller,
    ClerkCaller,
    Hub,
    load_case,
    service_of,
)
from kiosk.hub.errors import ApiError, not_found
from kiosk.hub.handover import tell_next_department
from kiosk.hub.issuing import Issued, announce, genuine, issue, pdf_matches
from kiosk.hub.models import (
    Case,
    CaseStep,
    Certificate,
    Clerk,
    MaterialRecord,
)
from kiosk.hub.notify import Message
from kiosk.hub.state import HubState
from kiosk.hub.tickets import issue_ticket, redeem_ticket

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


class CertificateIn(BaseModel):
    department: Annotated[str | None, Field(max_length=64)] = None
    title: Annotated[str | None, Field(min_length=1, max_length=100)] = None
    step: Annotated[int | None, Field(ge=0, le=1000)] = None  # the certificate step's position
    kind: Annotated[str, Field(min_length=1, max_length=60)] = "certificate"


@router.post("/cases/{case_id}/certificates", status_code=201)
async def issue_certificate(
    case_id: str, body: CertificateIn, hub: Hub, who: ClerkCaller
) -> dict[str, Any]:
    """Issue one of the department's certificate steps of the case (kiosk.hub.certificate_choice
    says which and when); it reaches the citizen's phone and booth."""
    department = body.department or who.department
    notify: Message | None = None

    def work() -> Issued:  # in a worker thread: see kiosk.hub.issuing.issue
        with hub.db() as db:
            # Locked: two clicks at once, the second sees the first one's certificate.
            case = load_case(hub, db, case_id, who, lock=True)
            if not may_act(db, who, case, department):
                raise ApiError(
                    403, "other_department", "issue certificates for your own department"
                )
            choice = choose(
                db,
                service_of(hub, case.service_code),
                case,
                department or "",
                title=body.title,
                position=body.step,
            )
            clerk = db.get(Clerk, who.id)
            issued = issue(
                hub,
                db,
                case,
                department or "",
                issuer_id=who.id,
                issuer_name=clerk.display_name if clerk else who.id,
                actor=who.peer,
                title=choice.title_zh,
                kind=body.kind,
            )
            # The certificate is its step: issued, the step is done (the citizen's phone
            # showed 清税证明 as "to do" with the certificate beside it), as a review
            # approved by the rules or a clerk completes its certificate steps.
            step = db.scalar(
                select(CaseStep).where(
                    CaseStep.case_id == case_id, CaseStep.position == choice.position
                )
            )
            if step is not None and step.status != "done":
                step_done(db, case_id, step, who)
                nonlocal notify
                if settle(db, case, who):
                    notify = case_done(hub, case)
            return issued

    issued = await asyncio.to_thread(work)
    await announce(hub, issued)
    if notify:
        await hub.notifier.notify(notify)
    await case_changed(hub, case_id)
    await tell_next_department(hub, case_id, department)
    return issued.view


@router.get(
    "/certificates/{certificate_id}/pdf", responses={200: {"content": {"application/pdf": {}}}}
)
def certificate_pdf(certificate_id: str, hub: Hub, who: Caller) -> Response:
    """The PDF, for a caller with the bearer header. A link a browser opens uses a one-time
    ticket instead (``POST .../download``): a token never goes in a URL."""
    with hub.db() as db:
        cert = db.get(Certificate, certificate_id)
        if cert is None:
            raise not_found("certificate")
        load_case(hub, db, cert.case_id, who)
        audit(db, who, "read", f"certificate:{cert.id}", "pdf")
        return _certificate_response(cert)


def _certificate_response(cert: Certificate) -> Response:
    return Response(
        cert.pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="{cert.id}.pdf"',
            "Cache-Control": "private, no-store",
        },
    )


@router.post("/certificates/{certificate_id}/download")
def certificate_download(certificate_id: str, hub: Hub, who: Caller) -> dict[str, Any]:
    """A one-time link to the PDF, valid about a minute, for a page to open
    (kiosk.hub.tickets): ``{"url", "expires_in_s"}``."""
    with hub.db() as db:
        cert = db.get(Certificate, certificate_id[:64])
        if cert is None:
            raise not_found("certificate")
        load_case(hub, db, cert.case_id, who)
        return issue_ticket(db, who, "certificate", cert.id, hub.clock.now())


@router.post("/materials/{material_id}/download")
def material_download(material_id: str, hub: Hub, who: Caller) -> dict[str, Any]:
    """A one-time link to a material's image (as for certificates)."""
    with hub.db() as db:
        m = db.get(MaterialRecord, material_id[:64])
        if m is None or m.image is None:
            raise not_found("material")
        load_case(hub, db, m.case_id, who)
        return issue_ticket(db, who, "material", m.id, hub.clock.now())


@router.get("/downloads/{ticket}", responses={200: {"content": {"application/pdf": {}}}})
def download(ticket: Annotated[str, Path(max_length=100)], hub: Hub) -> Response:
    """The file a ticket was issued for, once; the read is audited as its holder's."""
    with hub.db() as db:
        redeemed = redeem_ticket(db, ticket, hub.clock.now())
        if redeemed is None:
            # Used, expired or never issued: the same answer for each.
            raise ApiError(404, "ticket_not_found", "the link has expired or was used")
        if redeemed.kind == "certificate":
            cert = db.get(Certificate, redeemed.object_id)
            if cert is None:
                raise not_found("certificate")
            audit(db, redeemed.actor, "read", f"certificate:{cert.id}", "pdf by ticket")
            return _certificate_response(cert)
        m = db.get(MaterialRecord, redeemed.object_id)
        if m is None or m.image is None:
            raise not_found("material")
        audit(db, redeemed.actor, "read", f"material:{m.id}", "image by ticket")
        return Response(
            m.image, media_type=m.image_type, headers={"Cache-Control": "private, no-store"}
        )
