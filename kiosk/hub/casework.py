"""Cases: opening one from the catalog, who may see it, how it is shown, its audit trail.

Functions here take a SQLAlchemy session and plain values; they never touch HTTP. Every
read or write of a case's personal data goes through :func:`audit`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from kiosk.core.masking import mask_id_number, mask_text
from kiosk.hub.auth import Principal
from kiosk.hub.models import (
    AuditEntry,
    Call,
    CallParticipant,
    Case,
    CaseDepartment,
    CaseEvent,
    CaseStep,
    Certificate,
    Clerk,
    MaterialRecord,
    Rating,
    db_now,
    utcnow,
)
from kiosk.hub.state import ServiceCatalog


def mask_phone(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 11 else phone


def masked_fields(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: mask_text(v) if isinstance(v, str) else v for k, v in fields.items()}


def audit(db: Session, actor: Principal | str, action: str, subject: str, detail: str = "") -> None:
    who = actor if isinstance(actor, str) else actor.peer
    db.add(AuditEntry(actor=who, action=action, subject=subject, detail=detail[:300]))


def record(db: Session, case_id: str, actor: Principal | str, what: str, **detail: Any) -> None:
    who = actor if isinstance(actor, str) else actor.peer
    db.add(CaseEvent(case_id=case_id, actor=who, what=what, detail=detail))


def text_of(value: Any) -> dict[str, str]:
    """A catalog ``Text`` as a JSON object."""
    if value is None:
        return {}
    if isinstance(value, str):
        return {"zh_CN": value, "en": value, "zh_HK": value}
    return {"zh_CN": value.zh_CN, "en": value.en, "zh_HK": value.zh_HK}


def open_case(
    db: Session,
    catalog: ServiceCatalog,
    actor: Principal | str,
    service_code: str,
    citizen_ref: str,
    *,
    name: str = "",
    id_number: str = "",
    phone: str = "",
    booth_id: str | None = None,
    appointment_id: str | None = None,
) -> Case:
    """Open a case for a catalog service with one step row per catalog step."""
    service = catalog.service(service_code)
    case = Case(
        service_code=service.code,
        citizen_ref=citizen_ref,
        citizen_name=name,
        citizen_id_number=id_number,
        citizen_phone=phone,
        booth_id=booth_id,
        appointment_id=appointment_id,
        form={},
    )
    db.add(case)
    db.flush()
    departments = [service.department]
    for position, step in enumerate(service.steps):
        department = step.department or service.department
        db.add(
            CaseStep(
                case_id=case.id,
                position=position,
                kind=step.kind,
                department=department,
                name=step.name.zh_CN,
            )
        )
        if department not in departments:
            departments.append(department)
    for department in departments:
        db.add(CaseDepartment(case_id=case.id, department=department))
    record(db, case.id, actor, "opened", service=service.code)
    audit(db, actor, "write", f"case:{case.id}", "opened")
    return case


def step_done(db: Session, case_id: str, step: CaseStep, who: Principal) -> None:
    """Mark ``step`` done by ``who`` (a step done already stays as it was)."""
    if step.status == "done":
        return
    step.status, step.done_by, step.done_at = "done", who.id, db_now(db)
    record(db, case_id, who, "step_done", position=step.position, kind=step.kind)


def settle(db: Session, case: Case, who: Principal) -> bool:
    """Bring the case's departments and the case up to date with its steps; whether that
    finished the whole case just now."""
    steps = db.scalars(select(CaseStep).where(CaseStep.case_id == case.id)).all()
    for department in {s.department for s in steps if s.department}:
        dept = db.get(CaseDepartment, (case.id, department))
        if dept is not None:
            own = [s for s in steps if s.department == department]
            dept.status = "done" if all(s.status == "done" for s in own) else "active"
    if all(s.status in ("done", "skipped") for s in steps) and case.status == "open":
        case.status = "done"
        record(db, case.id, who, "case_done")
        return True
    return False


def pending_step(db: Session, case_id: str, kind: str) -> CaseStep | None:
    """The case's first step of ``kind`` that is not done yet."""
    return db.scalar(
        select(CaseStep)
        .where(CaseStep.case_id == case_id, CaseStep.kind == kind, CaseStep.status == "pending")
        .order_by(CaseStep.position)
        .limit(1)
    )


def route_to(db: Session, case_id: str, department: str) -> None:
    if db.get(CaseDepartment, (case_id, department)) is None:
        db.add(CaseDepartment(case_id=case_id, department=department))


def may_see(db: Session, who: Principal, case: Case) -> bool:
    if who.kind == "citizen":
        return case.citizen_ref == who.id
    if who.kind == "booth":
        return case.booth_id == who.id
    if who.has_role("admin"):
        return True
    if who.department and db.get(CaseDepartment, (case.id, who.department)) is not None:
        return True
    return _took_part(db, who.peer, case.id)


def may_act(db: Session, who: Principal, case: Case, department: str | None) -> bool:
    """May a clerk act for ``department`` on ``case`` (complete a step, issue, verify)?"""
    if who.kind != "clerk":
        return False
    if who.has_role("admin"):
        return True
    if department is not None and who.department == department:
        return db.get(CaseDepartment, (case.id, department)) is not None
    return department is None and may_see(db, who, case)


def _took_part(db: Session, peer: str, case_id: str) -> bool:
    return (
        db.scalar(
            select(CallParticipant.id)
            .join(Call, Call.id == CallParticipant.call_id)
            .where(Call.case_id == case_id, CallParticipant.peer == peer)
            .limit(1)
        )
        is not None
    )


def iso(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.isoformat()


def material_view(m: MaterialRecord) -> dict[str, Any]:
    return {
        "id": m.id,
        "case_id": m.case_id,
        "code": m.code,
        "doc_type": m.doc_type,
        "ocr_fields": masked_fields(m.ocr_fields or {}),
        "trust_level": m.trust_level,
        "verified_by": m.verified_by,
        "verified_against": m.verified_against,
        "verified_at": iso(m.verified_at),
        "has_image": m.image is not None,
        "created_at": iso(m.created_at),
    }


def certificate_view(c: Certificate, public_url: str) -> dict[str, Any]:
    return {
        "id": c.id,
        "case_id": c.case_id,
        "kind": c.kind,
        "title": c.title,
        "department": c.department,
        "issued_at": iso(c.issued_at),
        "revoked": c.revoked,
        "revoked_at": iso(c.revoked_at),
        "revoked_reason": c.revoked_reason if c.revoked else "",
        "pdf_url": f"/api/v1/certificates/{c.id}/pdf",
        "verify_url": f"{public_url}/verify/{c.id}",
    }


def case_view(
    db: Session, case: Case, catalog: ServiceCatalog, who: Principal, public_url: str
) -> dict[str, Any]:
    """The case as its reader may see it (ID and phone numbers masked for everyone)."""
    audit(db, who, "read", f"case:{case.id}")
    try:
        service = catalog.service(case.service_code)
        service_name = text_of(service.name)
        form_fields = [
            {"key": f.key, "label": text_of(f.label), "kind": f.kind, "required": f.required}
            for f in getattr(service, "form", ())
        ]
        certificate_title = text_of(getattr(service, "certificate", None))
        required = [
            {"code": m.code, "name": text_of(m.name), "doc_type": m.doc_type}
            for m in getattr(service, "materials", ())
        ]
    except (KeyError, LookupError):
        service_name, form_fields, certificate_title, required = {}, [], {}, []
    steps = db.scalars(
        select(CaseStep).where(CaseStep.case_id == case.id).order_by(CaseStep.position)
    ).all()
    departments = db.scalars(select(CaseDepartment).where(CaseDepartment.case_id == case.id)).all()
    materials = db.scalars(
        select(MaterialRecord)
        .where(MaterialRecord.case_id == case.id)
        .order_by(MaterialRecord.created_at)
    ).all()
    certificates = db.scalars(
        select(Certificate).where(Certificate.case_id == case.id).order_by(Certificate.issued_at)
    ).all()
    ratings = db.scalars(select(Rating).where(Rating.case_id == case.id)).all()
    if who.kind == "clerk":
        # A clerk seeing the case sees its materials' OCR fields: each material's read is
        # in the audit log under its own subject, as the image's is.
        for m in materials:
            audit(db, who, "read", f"material:{m.id}", f"fields case:{case.id}")
    clerk_ids = {
        p.peer.split(":", 1)[1]
        for p in db.scalars(
            select(CallParticipant)
            .join(Call, Call.id == CallParticipant.call_id)
            .where(Call.case_id == case.id, CallParticipant.peer.like("clerk:%"))
        )
    }
    clerk_ids |= {s.done_by for s in steps if s.done_by}
    clerks = [db.get(Clerk, cid) for cid in sorted(clerk_ids)]
    view: dict[str, Any] = {
        "id": case.id,
        "service": case.service_code,
        "service_name": service_name,
        "certificate_title": certificate_title,
        "status": case.status,
        "booth_id": case.booth_id,
        "appointment_id": case.appointment_id,
        "citizen": {
            "name": case.citizen_name,
            "id_number": mask_id_number(case.citizen_id_number) if case.citizen_id_number else "",
            "phone": mask_phone(case.citizen_phone),
        },
        "form": masked_fields(case.form or {}) if who.kind != "clerk" else dict(case.form or {}),
        "form_fields": form_fields,
        "steps": [
            {
                "position": s.position,
                "kind": s.kind,
                "department": s.department,
                "name": s.name,
                "status": s.status,
                "done_by": s.done_by,
                "done_at": iso(s.done_at),
            }
            for s in steps
        ],
        "departments": [{"department": d.department, "status": d.status} for d in departments],
        "materials": [material_view(m) for m in materials],
        "materials_required": required,
        "certificates": [certificate_view(c, public_url) for c in certificates],
        "clerks": [
            {"id": c.id, "name": c.display_name, "department": c.department}
            for c in clerks
            if c is not None
        ],
        "ratings": [
            {"target": r.target, "clerk_id": r.clerk_id or None, "level": r.level} for r in ratings
        ],
        "created_at": iso(case.created_at),
    }
    if who.kind == "clerk":
        history = db.scalars(
            select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)
        ).all()
        view["history"] = [
            {"at": iso(h.at), "actor": h.actor, "what": h.what, "detail": h.detail} for h in history
        ]
    return view


def touch(case: Case) -> None:
    session = object_session(case)
    case.updated_at = db_now(session) if session is not None else utcnow()
