"""Issuing a case's certificate: the PDF, its signature, the record, and who is told.

Two callers: a clerk (``POST /cases/{id}/certificates``) and the department's rules
(:mod:`kiosk.hub.rules_review`) when a self-service review passes. :func:`issue` writes
inside the caller's database session; :func:`announce` runs after it is committed and
tells the citizen's phone and the booth.

What a certificate asserts is signed (:func:`signed_text`, :func:`genuine`): its id, case,
kind and title, the holder masked (name 张*, ID number 4401**********1234), the service,
the issuing department, the issue time and the SHA-256 of the PDF as issued. The signature
is an HMAC with the hub's secret, not a public-key signature: a certificate is checked on
the hub anyway (``/verify/<id>``, or the PDF itself at ``POST /api/v1/certificates/<id>/check``)
because only the hub knows whether it was revoked since, and an offline check would say
"genuine" about a revoked one. Changing any signed fact in the database breaks the
signature; changing anything in the PDF breaks its hash.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from kiosk.core.masking import mask_id_number
from kiosk.hub.casework import audit, certificate_view, record
from kiosk.hub.certificates import CertificateContent, render_pdf
from kiosk.hub.errors import ApiError
from kiosk.hub.models import Case, Certificate, MaterialRecord
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
    name, id_number = holder_of(case)
    # Whole seconds: the stamp is signed, and must read back the same from every database.
    issued_at = hub.clock.now().astimezone(dt.UTC).replace(microsecond=0)
    cert = Certificate(
        case_id=case.id,
        kind=kind,
        title=title,
        department=department,
        issued_by=issuer_id,
        issued_at=issued_at,
        pdf=b"",
        signature="",
        holder_name=mask_name(name),
        holder_id=mask_id_number(id_number) if id_number else "",
        service_name=service.name.zh_CN,
    )
    db.add(cert)
    db.flush()
    content = CertificateContent(
        certificate_id=cert.id,
        title=title,
        department_name=department_name,
        service_name=service.name.zh_CN,
        case_id=case.id,
        citizen_name=name,
        citizen_id_masked=cert.holder_id,
        issued_at=issued_at,
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
    cert.pdf_sha256 = hashlib.sha256(cert.pdf).hexdigest()
    cert.signature = SIGNED_PREFIX + hub.links.sign(signed_text(cert))
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


SIGNED_PREFIX = "v2."  # signatures over every fact; older ones covered id, case and title


def holder_of(case: Case) -> tuple[str, str]:
    """The holder's name and ID number: the case's, as read from the ID card into the
    form (a walk-in's case is opened before her card is read), or as read from the ID card
    photographed at the booth (a citizen who did not use the card reader): the PDF showed
    "—" for her ID number."""
    form = case.form or {}
    name = case.citizen_name or str(form.get("applicant_name") or "")
    id_number = case.citizen_id_number or str(form.get("id_number") or "")
    if not (name and id_number):
        card = _id_card_fields(case)
        name = name or str(card.get("name") or "")
        id_number = id_number or str(card.get("id_number") or "")
    return name.strip(), id_number.strip()


def _id_card_fields(case: Case) -> dict[str, Any]:
    """The OCR fields of the case's latest ID card material ({} without one)."""
    db = object_session(case)
    if db is None:
        return {}
    card = db.scalar(
        select(MaterialRecord)
        .where(MaterialRecord.case_id == case.id, MaterialRecord.doc_type == "id_card")
        .order_by(MaterialRecord.created_at.desc())
        .limit(1)
    )
    return dict(card.ocr_fields or {}) if card is not None else {}


def mask_name(name: str) -> str:
    """``张三`` -> ``张*``, ``欧阳娜娜`` -> ``欧***``, ``Li Lei`` -> ``L*****``: only the first
    character shows, as a verification page open to anyone must."""
    name = name.strip()
    return name[:1] + "*" * (len(name) - 1) if name else ""


def signed_text(cert: Certificate) -> str:
    """The facts a certificate's signature covers, as canonical JSON."""
    issued = cert.issued_at.astimezone(dt.UTC).replace(microsecond=0).isoformat()
    facts = {
        "id": cert.id,
        "case": cert.case_id,
        "kind": cert.kind,
        "title": cert.title,
        "holder": cert.holder_name,
        "holder_id": cert.holder_id,
        "service": cert.service_name,
        "department": cert.department,
        "issued_at": issued,
        "pdf_sha256": cert.pdf_sha256,
    }
    return json.dumps(facts, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def genuine(hub: HubState, cert: Certificate) -> bool:
    """Whether the certificate's signed facts are as the hub signed them (revoked or not)."""
    if cert.signature.startswith(SIGNED_PREFIX):
        expected = SIGNED_PREFIX + hub.links.sign(signed_text(cert))
    else:  # issued before every fact was signed: only id, case and title are covered
        expected = hub.links.sign(f"{cert.id}|{cert.case_id}|{cert.title}")
    return hmac.compare_digest(cert.signature, expected)


def pdf_matches(cert: Certificate, pdf: bytes) -> bool:
    """Whether ``pdf`` is the certificate's PDF exactly as issued (signed hash)."""
    if not cert.pdf_sha256:
        return hmac.compare_digest(hashlib.sha256(cert.pdf).digest(), hashlib.sha256(pdf).digest())
    return hmac.compare_digest(cert.pdf_sha256, hashlib.sha256(pdf).hexdigest())


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
