"""The retention job: personal data and expired rows are kept no longer than allowed.

:func:`run` lives in the hub's lifespan and calls :func:`purge` at start and every
``[hub_server.retention] period_s``; the cut-offs are read on the hub's clock, so a test
advances a fake clock and calls :func:`purge`. What it does (days from the config):

- a case closed (done or cancelled) ``closed_case_days`` ago loses its personal data: the
  citizen's name, ID number, phone and its blind index, the form, and its materials' OCR
  fields and images. The case row, its steps, history, certificates and ratings stay,
  anonymous, for statistics; ``cases.purged_at`` marks it, and the audit log says so.
- materials' images of a case closed ``material_image_days`` ago are deleted sooner
  (the clerks have checked them against the originals by then);
- appointments ``appointment_days`` after their slot, inbox messages after
  ``notification_days``, audit entries after ``audit_log_days``, SMS codes and clerk
  sessions that long after they expired, stored idempotent answers after
  ``idempotency_days``: deleted.

The audit log is append-only for the application (kiosk.hub.models.forbid_audit_changes);
this job is the one writer that removes entries, past their retention, with a bulk DELETE.
On SQLite the freed pages are zeroed (``secure_delete``, kiosk.hub.db) and the WAL is
checkpointed, so purged values leave the database file too; PostgreSQL reclaims them at its
next VACUUM.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

from sqlalchemy import Delete, delete, select, text, update
from sqlalchemy.orm import Session

from kiosk.hub.casework import audit
from kiosk.hub.models import (
    Appointment,
    AuditEntry,
    Case,
    ClerkSession,
    IdempotentResponse,
    MaterialRecord,
    Notification,
    SmsCode,
)
from kiosk.hub.state import HubState

log = logging.getLogger(__name__)

ACTOR = "hub:retention"
CLOSED = ("done", "cancelled", "rejected")  # every status but "open"
BATCH = 500  # cases purged per transaction: short write locks on SQLite


async def run(hub: HubState) -> None:
    """Purge at start and then every ``period_s`` (wall time: a schedule, not a timeout)."""
    passed = hub.retention_passed
    while True:
        try:
            counts = await asyncio.to_thread(purge, hub)
            if any(counts.values()):
                log.info("retention: %s", counts)
        except Exception:  # the job must outlive a bad night of the database
            log.exception("retention job failed; trying again next period")
        passed.set()
        await asyncio.sleep(hub.settings.retention.period_s)


def purge(hub: HubState) -> dict[str, int]:
    """One pass of the job; how many rows each rule touched."""
    now = hub.clock.now()
    policy = hub.settings.retention

    def before(days: float) -> dt.datetime:
        return now - dt.timedelta(days=days)

    counts: dict[str, int] = {"cases": 0}
    while True:
        with hub.db() as db:
            done = _purge_cases(db, before(policy.closed_case_days), now)
        counts["cases"] += done
        if done < BATCH:
            break
    with hub.db() as db:
        closed_long_ago = select(Case.id).where(
            Case.status.in_(CLOSED), Case.updated_at < before(policy.material_image_days)
        )
        counts["images"] = _rows(
            db.execute(
                update(MaterialRecord)
                .where(
                    MaterialRecord.case_id.in_(closed_long_ago), MaterialRecord.image.is_not(None)
                )
                .values(image=None)
                .execution_options(synchronize_session=False)
            )
        )
        rules: dict[str, Delete] = {
            "appointments": delete(Appointment).where(
                Appointment.slot_at < before(policy.appointment_days)
            ),
            "notifications": delete(Notification).where(
                Notification.created_at < before(policy.notification_days)
            ),
            "audit_log": delete(AuditEntry).where(AuditEntry.at < before(policy.audit_log_days)),
            "sms_codes": delete(SmsCode).where(SmsCode.expires_at < before(policy.sms_code_days)),
            "clerk_sessions": delete(ClerkSession).where(
                ClerkSession.expires_at < before(policy.clerk_session_days)
            ),
            "idempotency": delete(IdempotentResponse).where(
                IdempotentResponse.created_at < before(policy.idempotency_days)
            ),
        }
        for name, statement in rules.items():
            counts[name] = _rows(db.execute(statement.execution_options(synchronize_session=False)))
    if any(counts.values()) and hub.engine.dialect.name == "sqlite":
        with hub.engine.connect() as conn:
            conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    return counts


def _purge_cases(db: Session, cutoff: dt.datetime, now: dt.datetime) -> int:
    cases = db.execute(
        select(Case.id, Case.appointment_id)
        .where(Case.status.in_(CLOSED), Case.purged_at.is_(None), Case.updated_at < cutoff)
        .limit(BATCH)
    ).all()
    ids = [case_id for case_id, _ in cases]
    if not ids:
        return 0
    # Bulk UPDATEs: the ORM's onupdate would move updated_at, which statistics read as the
    # day the case closed; it is kept as it was.
    db.execute(
        update(Case)
        .where(Case.id.in_(ids))
        .values(
            citizen_name="",
            citizen_id_number="",
            citizen_phone="",
            citizen_phone_index="",
            form={},
            purged_at=now,
            updated_at=Case.updated_at,
        )
        .execution_options(synchronize_session=False)
    )
    db.execute(
        update(MaterialRecord)
        .where(MaterialRecord.case_id.in_(ids))
        .values(image=None, ocr_fields={})
        .execution_options(synchronize_session=False)
    )
    appointments = [a for _, a in cases if a]
    if appointments:
        db.execute(
            update(Appointment)
            .where(Appointment.id.in_(appointments))
            .values(name="", phone="", phone_index="")
            .execution_options(synchronize_session=False)
        )
    for case_id in ids:
        audit(db, ACTOR, "write", f"case:{case_id}", "personal data purged (retention)")
    return len(ids)


def _rows(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)
