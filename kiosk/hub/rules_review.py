"""A department's rules decide a self-service review step (the catalog's ``rules``).

When the booth reports a ``review`` step of a case (the citizen confirmed and submitted),
the hub evaluates the step's rules (:mod:`kiosk.core.review_rules`) against the case's
form and materials as the hub holds them:

- every rule met: the step is done by ``rules``, and each certificate step of the same
  department that follows is issued (the receipt reaches the citizen's phone);
- a rule not met (or a self-service review without rules): the step becomes
  ``referred``, the case is routed to the department, and the reasons are kept in the
  case history; the department's clerks find it in ``GET /api/v1/reviews`` and approve
  it (``POST .../approve``: :func:`approve`, the same as the rules do) or refuse it.

A review is decided once: a second report of the same step (an outbox retry under a new
key, a booth restarted) finds it done or referred and changes nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.core.clock import CHINA_TZ
from kiosk.core.review_rules import Reason, RulesVerdict, evaluate
from kiosk.hub.casework import record, route_to
from kiosk.hub.certificate_choice import step_title
from kiosk.hub.issuing import Issued, issue
from kiosk.hub.models import Case, CaseStep, MaterialRecord
from kiosk.hub.state import HubState

log = logging.getLogger(__name__)

REFERRED = "referred"  # a CaseStep status: waiting for a clerk's decision


@dataclass(frozen=True, slots=True)
class Decision:
    approved: bool
    reasons: tuple[str, ...]
    issued: tuple[Issued, ...]


def actor(department: str | None) -> str:
    return f"rules:{department or ''}"


def decide(hub: HubState, db: Session, case: Case, step: CaseStep) -> Decision:
    """Evaluate the rules of ``step`` (a pending review) and apply the outcome."""
    service = hub.catalog.catalog.service(case.service_code)
    rules = service.steps[step.position].rules
    department = step.department or service.department
    if rules is None:
        verdict = RulesVerdict((Reason("no_rules", department),))
    else:
        materials = [
            (m.code, m.trust_level)
            for m in db.scalars(select(MaterialRecord).where(MaterialRecord.case_id == case.id))
        ]
        today = hub.clock.now().astimezone(CHINA_TZ).date()
        verdict = evaluate(rules, service.form, case.form or {}, materials, today)
    who = actor(department)
    reasons = tuple(str(r) for r in verdict.reasons)
    if not verdict.approved:
        step.status = REFERRED
        route_to(db, case.id, department)
        record(db, case.id, who, "rules_referred", position=step.position, reasons=list(reasons))
        log.info("case %s: rules referred step %d to %s", case.id, step.position, department)
        return Decision(False, reasons, ())
    record(db, case.id, who, "rules_approved", position=step.position)
    issued = approve(hub, db, case, step, by="rules", issuer_name="规则审核", actor=who)
    log.info("case %s: rules approved step %d (%d issued)", case.id, step.position, len(issued))
    return Decision(True, (), issued)


def approve(
    hub: HubState,
    db: Session,
    case: Case,
    step: CaseStep,
    *,
    by: str,
    issuer_name: str,
    actor: str,
) -> tuple[Issued, ...]:
    """Approve the review ``step`` in the caller's database session: it is done by ``by``
    (``rules`` or a clerk's id), and each certificate step of its department that follows
    is issued and done, in one transaction: a failure leaves the review undecided, never
    half decided, and nothing is issued twice."""
    department = step.department or hub.catalog.catalog.service(case.service_code).department
    step.status, step.done_by, step.done_at = "done", by, hub.clock.now()
    issued: list[Issued] = []
    later = db.scalars(
        select(CaseStep)
        .where(CaseStep.case_id == case.id, CaseStep.position > step.position)
        .order_by(CaseStep.position)
    ).all()
    for s in later:
        if s.kind == "certificate" and s.department == step.department and s.status != "done":
            title = step_title(hub.catalog.catalog.service(case.service_code), s.position)
            issued.append(
                issue(
                    hub,
                    db,
                    case,
                    department,
                    issuer_id=by,
                    issuer_name=issuer_name,
                    actor=actor,
                    title=title["zh_CN"],
                )
            )
            s.status, s.done_by, s.done_at = "done", by, hub.clock.now()
            record(db, case.id, actor, "step_done", position=s.position, kind=s.kind)
    return tuple(issued)
