"""Issuing a case's certificate: the PDF, its signature, the record, and who is told.

Two callers: a clerk (``POST /cases/{id}/certificates``) and the department's rules
(:mod:`kiosk.hub.rules_review`) when a self-service review passes. :func:`issue` writes
inside the caller's database session; :func:`announce` runs after it is committed and
tells the citizen's phone and the booth.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from kiosk.core.masking import mask_id_number
from kiosk.hub.casework import audit, certificate_view, record
from kiosk.hub.certificates import CertificateContent, render_pdf
from kiosk.hub.errors import ApiError
from kiosk.hub.models import Case, Certificate
from kiosk.hub.notify import Message
from kiosk.hub.state import HubState

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Issued:
    """A certificate written to the database, and whom to tell once it is committed."""

    view: dict[str, Any]
    title: str
    citizen_ref: str
    phone: str
    booth_id: str | None
    department: str
    issuer_id: str


def issue(
    hub: HubState,
    db: Session,
    case: Case,
    department: str,
    *,
    issuer_id: str,
    issuer_name: str,
    actor: str,
    title: str | None = None,
    kind: str = "certificate",
) -> Issued:
    """Issue the certificate of ``department`` for ``case`` (the catalog's title by default),
    in the caller's transaction. The PDF is rendered here, synchronously: a transaction runs
    in a worker thread and never yields to the event loop while it holds the database's
    write lock (a coroutine waiting there for the lock would stall the loop it needs)."""
    catalog = hub.catalog.catalog
    service = catalog.service(case.service_code)
    title = title or (service.certificate.zh_CN if service.certificate else "办结证明")
    department_name = next(
        (d.name.zh_CN for d in catalog.departments if d.code == department), department
    )
    cert = Certificate(
        case_id=case.id,
        kind=kind,
        title=title,
        department=department,
        issued_by=issuer_id,
        pdf=b"",
        signature="",
    )
    db.add(cert)
    db.flush()
    cert.signature = hub.links.sign(f"{cert.id}|{case.id}|{title}")
    content = CertificateContent(
        certificate_id=cert.id,
        title=title,
        department_name=department_name,
        service_name=service.name.zh_CN,
        case_id=case.id,
        citizen_name=case.citizen_name,
        citizen_id_masked=mask_id_number(case.citizen_id_number) if case.citizen_id_number else "",
        issued_at=hub.clock.now(),
        clerk_name=issuer_name,
        verify_url=f"{hub.settings.public_url}/verify/{cert.id}",
    )
    try:
        cert.pdf = render_pdf(content)
    except (OSError, ValueError) as exc:  # a full disk, a font gone: the caller's work rolls back
        log.error("case %s: the certificate could not be made (%s)", case.id, type(exc).__name__)
        raise ApiError(
            503, "certificate_unavailable", "the certificate could not be made; try again"
        ) from exc
    audit(db, actor, "write", f"certificate:{cert.id}", f"case:{case.id}")
    record(db, case.id, actor, "certificate_issued", certificate=cert.id, title=title)
    return Issued(
        certificate_view(cert, hub.settings.public_url),
        title,
        case.citizen_ref,
        case.citizen_phone,
        case.booth_id,
        department,
        issuer_id,
    )


async def announce(hub: HubState, issued: Issued) -> None:
    """Tell the citizen's phone, and the booth if it is connected, that it was issued."""
    token = hub.links.issue(issued.citizen_ref, hub.settings.message_link_ttl_s)
    await hub.notifier.notify(
        Message(
            citizen_ref=issued.citizen_ref,
            kind="certificate_issued",
            phone=issued.phone,
            text=f"{issued.title} 已出具",
            link=f"{hub.settings.public_url}/m/#t={token}",
        )
    )
    if issued.booth_id and hub.switchboard.online(f"booth:{issued.booth_id}"):
        await hub.switchboard.command(
            issued.booth_id,
            "push",
            {
                "kind": "certificate",
                "case_id": issued.view["case_id"],
                "department": issued.department,
                "reference": issued.view["id"],
                "certificate_id": issued.view["id"],
                "title": issued.title,
                "pdf_url": issued.view["pdf_url"],
                "clerk": issued.issuer_id,
            },
            wait=False,
        )
