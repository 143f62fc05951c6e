"""Which certificates a department may issue for a case, and the hub's refusals.

A service's catalog lists its ``certificate`` steps, each owned by a department (the
service's own department when the step names none). Those steps are the only
certificates a clerk can issue for a case: a clerk of the tax bureau chooses among the
tax bureau's certificate steps of the case's service, never another department's, and
never a title typed freely. The hub checks, whatever the console shows:

- ``other_department`` (403): the certificate belongs to another department's step;
- ``unknown_certificate`` (422): no certificate step of the service has that title;
- ``step_not_reached`` (409): an earlier step of the case is not done yet (a certificate
  is issued once the steps before it, its department's review among them, are done);
- ``certificate_already_issued`` (409): the case holds this certificate already, not
  revoked (a revoked one may be issued again).

A certificate's title is the service's certificate (``certificate`` in the catalog) for
the step of the service's own department, and the step's name for another department's
(the tax bureau's 清税证明 in an enterprise's deregistration).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.core.catalog import Service
from kiosk.hub.casework import text_of
from kiosk.hub.errors import ApiError
from kiosk.hub.models import Case, CaseStep, Certificate


@dataclass(frozen=True, slots=True)
class CertificateChoice:
    """One certificate step of a case as its department's clerk may issue it."""

    position: int
    department: str
    title: dict[str, str]  # zh_CN, en, zh_HK
    reached: bool  # every earlier step of the case is done
    issued_id: str | None  # the certificate issued for it and not revoked, if any

    @property
    def title_zh(self) -> str:
        return self.title.get("zh_CN", "")

    def to_json(self) -> dict[str, Any]:
        return {
            "position": self.position,
            "department": self.department,
            "title": self.title,
            "reached": self.reached,
            "issued": self.issued_id is not None,
            "certificate_id": self.issued_id,
        }


def certificate_steps(db: Session, service: Service, case: Case) -> list[CertificateChoice]:
    """Every certificate step of the case, whichever department owns it."""
    steps = db.scalars(
        select(CaseStep).where(CaseStep.case_id == case.id).order_by(CaseStep.position)
    ).all()
    not_revoked = select(Certificate).where(
        Certificate.case_id == case.id, Certificate.revoked.is_(False)
    )
    live = {(c.department, c.title): c.id for c in db.scalars(not_revoked)}
    choices = []
    for step in steps:
        if step.kind != "certificate" or not 0 <= step.position < len(service.steps):
            continue
        department = step.department or service.department
        title = step_title(service, step.position)
        earlier = [s for s in steps if s.position < step.position]
        reached = all(s.status in ("done", "skipped") for s in earlier)
        issued = live.get((department, title["zh_CN"]))
        choices.append(CertificateChoice(step.position, department, title, reached, issued))
    return choices


def step_title(service: Service, position: int) -> dict[str, str]:
    """The title of the certificate issued at the catalog step ``position``."""
    step = service.steps[position]
    if (step.department or service.department) == service.department and service.certificate:
        return text_of(service.certificate)
    return text_of(step.name)


def choose(
    db: Session,
    service: Service,
    case: Case,
    department: str,
    *,
    title: str | None = None,
    position: int | None = None,
) -> CertificateChoice:
    """The certificate ``department`` issues for ``case``: the one at ``position``, the one
    titled ``title`` (in any of the catalog's languages), or else the department's first not
    issued yet; refused as the module says."""
    steps = certificate_steps(db, service, case)
    if position is not None:
        wanted = [c for c in steps if c.position == position]
    elif title is not None:
        wanted = [c for c in steps if title.strip() in c.title.values()]
    else:
        mine = [c for c in steps if c.department == department]
        wanted = [c for c in mine if c.issued_id is None] or mine
    if not wanted:
        if position is None and title is None:
            raise ApiError(
                409, "no_certificate_for_department", "this service has no certificate of yours"
            )
        raise ApiError(422, "unknown_certificate", "this service has no such certificate")
    own = [c for c in wanted if c.department == department]
    if not own:
        raise ApiError(403, "other_department", "this certificate is another department's")
    ready = [c for c in own if c.issued_id is None]
    if not ready:
        raise ApiError(409, "certificate_already_issued", "this certificate was issued already")
    choice = ready[0]
    if not choice.reached:
        raise ApiError(
            409, "step_not_reached", "the steps before this certificate are not done yet"
        )
    return choice
