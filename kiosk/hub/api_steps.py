"""A case's steps: a clerk or the booth completes one, a department approves or refuses its
review, the booth reports a locker deposit, the citizen rates the service at the end."""

from __future__ import annotations

import asyncio
import logging
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kiosk.core.step_owners import BOOTH_STEPS, decided_by_rules
from kiosk.hub import rules_review
from kiosk.hub.auth import Principal
from kiosk.hub.case_news import (
    case_changed,
    case_done,
    citizen_notice,
    push_to_booth,
    reviews_changed,
    step_done_push,
)
from kiosk.hub.casework import (
    case_view,
    iso,
    may_act,
    pending_step,
    record,
    settle,
    step_done,
)
from kiosk.hub.deps import (
    BoothCaller,
    Caller,
    CitizenCaller,
    ClerkCaller,
    Hub,
    load_case,
    service_of,
)
from kiosk.hub.errors import ApiError, forbidden, not_found
from kiosk.hub.handover import tell_next_department
from kiosk.hub.issuing import Issued, announce
from kiosk.hub.models import (
    Case,
    CaseDepartment,
    CaseStep,
    Clerk,
    LockerDeposit,
    Rating,
)
from kiosk.hub.notify import Message
from kiosk.hub.rules_review import Decision
from kiosk.hub.state import HubState

log = logging.getLogger(__name__)

router = APIRouter(prefix="/api/v1", tags=["steps"])



@router.post("/cases/{case_id}/steps/{position}/complete")
async def complete_step(
    case_id: str, position: Annotated[int, Path(ge=0, le=1000)], hub: Hub, who: Caller
) -> dict[str, Any]:
    """Mark a step done. Clerks complete their department's steps; a booth completes the
    citizen's self-service steps (identify, questions, capture, form, locker, rating) and
    submits a review that the department's rules decide (kiosk.hub.rules_review)."""
    if who.kind == "citizen":
        raise forbidden("steps are completed by clerks and booths")
    notify: Message | None = None
    done_by_clerk: dict[str, Any] | None = None
    decision: Decision | None = None
    referral: Message | None = None
    department: str | None = None

    def work() -> dict[str, Any]:  # in a worker thread: see kiosk.hub.issuing.issue
        nonlocal notify, done_by_clerk, decision, referral, department
        with hub.db() as db:
            case = load_case(hub, db, case_id, who)
            step = db.scalar(
                select(CaseStep).where(CaseStep.case_id == case_id, CaseStep.position == position)
            )
            if step is None:
                raise not_found("step")
            department = step.department
            by_rules = who.kind == "booth" and step.kind == "review"
            if by_rules:
                if not decided_by_rules(service_of(hub, case.service_code), position):
                    raise forbidden("this review is done by a clerk")
            elif who.kind == "booth":
                if step.kind not in BOOTH_STEPS:
                    raise forbidden("this step is done by a clerk")
            elif not may_act(db, who, case, step.department):
                raise ApiError(403, "other_department", "this step belongs to another department")
            if by_rules and step.status == "pending":
                decision = rules_review.decide(hub, db, case, step)
                if not decision.approved:
                    service_name = service_of(hub, case.service_code).name.zh_CN
                    referral = citizen_notice(
                        hub,
                        case,
                        "review_referred",
                        f"您的{service_name}申请已转工作人员审核，审核结果将另行通知您。",
                    )
            elif not by_rules and step.status != "done":
                step_done(db, case_id, step, who)
                if who.kind == "clerk" and case.booth_id:
                    done_by_clerk = {**step_done_push(step, who), "booth_id": case.booth_id}
            if step.status == "done" and settle(db, case, who):
                notify = case_done(hub, case)
            return case_view(db, case, hub.catalog.catalog, who, hub.settings.public_url)

    view = await asyncio.to_thread(work)
    issued: tuple[Issued, ...] = decision.issued if decision is not None else ()
    if decision is not None:
        view["review"] = {"approved": decision.approved, "reasons": list(decision.reasons)}
        if not decision.approved and referral is not None:
            await hub.notifier.notify(referral)  # the booth told him: his phone is told
            await reviews_changed(hub, department)  # a clerk decides it now
    for certificate in issued:
        await announce(hub, certificate)
    if notify:
        await hub.notifier.notify(notify)
    if done_by_clerk is not None:  # the booth's workflow moves on (an approval, a consult)
        await push_to_booth(hub, done_by_clerk.pop("booth_id"), done_by_clerk)
    await case_changed(hub, case_id)
    await tell_next_department(hub, case_id, department)
    return view


class RefusalIn(BaseModel):
    reason: Annotated[str, Field(min_length=1, max_length=500)]


@router.post("/cases/{case_id}/steps/{position}/refuse")
async def refuse_step(
    case_id: str,
    position: Annotated[int, Path(ge=0, le=1000)],
    body: RefusalIn,
    hub: Hub,
    who: ClerkCaller,
) -> dict[str, Any]:
    """A department's clerk refuses its review step, with the reason the citizen is told:
    the case ends ``rejected`` (a referred self-service review, or one in a call)."""
    reason = body.reason.strip()
    if not reason:
        raise ApiError(422, "reason_required", "say why the application is refused")

    def work() -> tuple[dict[str, Any], Message, dict[str, Any], str | None, str | None]:
        # in a worker thread: see kiosk.hub.issuing.issue
        with hub.db() as db:
            case, step = _undecided_review(hub, db, case_id, position, who)
            step.status, step.done_by, step.done_at = "rejected", who.id, hub.clock.now()
            case.status = "rejected"
            dept = db.get(CaseDepartment, (case_id, step.department)) if step.department else None
            if dept is not None:
                dept.status = "rejected"
            record(db, case_id, who, "step_refused", position=position, reason=reason)
            service_name = service_of(hub, case.service_code).name.zh_CN
            notice = citizen_notice(
                hub, case, "review_refused", f"您的{service_name}申请未通过审核：{reason}"
            )
            push = {
                "kind": "rejected",
                "case_id": case_id,
                "department": step.department,
                "reason": reason,
                "clerk": who.id,
                "final": True,
            }
            booth = case.booth_id
            view = case_view(db, case, hub.catalog.catalog, who, hub.settings.public_url)
            return view, notice, push, booth, step.department

    view, notice, push, booth, department = await asyncio.to_thread(work)
    await hub.notifier.notify(notice)
    if booth:  # the booth's item, if it still runs, ends rejected
        await push_to_booth(hub, booth, push)
    await case_changed(hub, case_id)
    await reviews_changed(hub, department)
    return view


@router.post("/cases/{case_id}/steps/{position}/approve")
async def approve_step(
    case_id: str, position: Annotated[int, Path(ge=0, le=1000)], hub: Hub, who: ClerkCaller
) -> dict[str, Any]:
    """A department's clerk approves its review step: the step done, and the department's
    certificate steps that follow issued and done, in one transaction (as the rules do
    for a self-service review). A second approval is a 409: nothing is issued twice."""

    def work() -> tuple[
        dict[str, Any], tuple[Issued, ...], Message | None, str | None, dict[str, Any]
    ]:
        # in a worker thread: see kiosk.hub.issuing.issue
        with hub.db() as db:
            case, step = _undecided_review(hub, db, case_id, position, who)
            clerk = db.get(Clerk, who.id)
            issued = rules_review.approve(
                hub,
                db,
                case,
                step,
                by=who.id,
                issuer_name=clerk.display_name if clerk else who.id,
                actor=who.peer,
            )
            record(db, case_id, who, "step_done", position=position, kind=step.kind)
            notify = case_done(hub, case) if settle(db, case, who) else None
            booth = case.booth_id
            done = step_done_push(step, who)
            view = case_view(db, case, hub.catalog.catalog, who, hub.settings.public_url)
            return view, issued, notify, booth, done

    view, issued, notify, booth, done = await asyncio.to_thread(work)
    for certificate in issued:
        await announce(hub, certificate)
    if notify:
        await hub.notifier.notify(notify)
    if booth:  # the booth's item, if it still runs, moves on
        await push_to_booth(hub, booth, done)
    await case_changed(hub, case_id)
    await reviews_changed(hub, done["department"])
    await tell_next_department(hub, case_id, done["department"])
    return view


def _undecided_review(
    hub: HubState, db: Session, case_id: str, position: int, who: Principal
) -> tuple[Case, CaseStep]:
    """The case and its review step at ``position`` that ``who`` may decide and nobody has
    decided yet (locked: two clerks deciding at once, the second waits, then sees it)."""
    case = load_case(hub, db, case_id, who)
    step = db.scalar(
        select(CaseStep)
        .where(CaseStep.case_id == case_id, CaseStep.position == position)
        .with_for_update()
    )
    if step is None:
        raise not_found("step")
    if step.kind != "review":
        raise ApiError(409, "not_a_review", "only a review step is approved or refused")
    if not may_act(db, who, case, step.department):
        raise ApiError(403, "other_department", "this step belongs to another department")
    if step.status in ("done", "rejected") or case.status != "open":
        raise ApiError(409, "already_decided", "this review was decided already")
    return case, step


class RatingItem(BaseModel):
    target: Literal["service", "clerk"]
    clerk_id: Annotated[str | None, Field(max_length=32)] = None
    level: Annotated[int, Field(ge=1, le=5)]  # 5 非常满意 4 满意 3 基本满意 2 不满意 1 非常不满意
    comment: Annotated[str, Field(max_length=500)] = ""


class RatingsIn(BaseModel):
    ratings: Annotated[list[RatingItem], Field(min_length=1, max_length=20)]


@router.post("/cases/{case_id}/ratings", status_code=201)
def rate(case_id: str, body: RatingsIn, hub: Hub, who: CitizenCaller) -> dict[str, Any]:
    """好差评: one rating of the service item and one per clerk who served the case."""
    with hub.db() as db:
        case = load_case(hub, db, case_id, who)
        view = case_view(db, case, hub.catalog.catalog, who, hub.settings.public_url)
        served = {c["id"] for c in view["clerks"]}
        try:
            with db.begin_nested():
                for item in body.ratings:
                    clerk_id = item.clerk_id or ""
                    if item.target == "clerk" and clerk_id not in served:
                        raise ApiError(
                            422, "clerk_not_on_case", "that clerk did not serve this case"
                        )
                    if item.target == "service":
                        clerk_id = ""
                    db.add(
                        Rating(
                            case_id=case_id,
                            target=item.target,
                            clerk_id=clerk_id,
                            level=item.level,
                            comment=item.comment,
                        )
                    )
                db.flush()
        except IntegrityError:
            raise ApiError(409, "already_rated", "this item or clerk was already rated") from None
        record(db, case_id, who, "rated", count=len(body.ratings))
        ratings = db.scalars(select(Rating).where(Rating.case_id == case_id)).all()
        # Rated for the item and every clerk who served: her rating step is done, however
        # she rated (at the booth, or on her phone after the booth closed her session).
        # The case finishing here sends no "please rate" message: she just did.
        wanted = {("service", "")} | {("clerk", clerk) for clerk in served}
        step = pending_step(db, case_id, "rating")
        if step is not None and wanted <= {(r.target, r.clerk_id) for r in ratings}:
            step_done(db, case_id, step, who)
            settle(db, case, who)
        return {
            "case_id": case_id,
            "ratings": [
                {"target": r.target, "clerk_id": r.clerk_id or None, "level": r.level}
                for r in ratings
            ],
        }


class DepositIn(BaseModel):
    slot: Annotated[str, Field(min_length=1, max_length=20)]
    door: Literal["open", "closed", "unknown"] = "unknown"
    item_present: bool | None = None


@router.post("/cases/{case_id}/locker-deposits", status_code=201)
def locker_deposit(case_id: str, body: DepositIn, hub: Hub, who: BoothCaller) -> dict[str, Any]:
    with hub.db() as db:
        case = load_case(hub, db, case_id, who)
        d = LockerDeposit(
            case_id=case_id,
            booth_id=who.id,
            slot=body.slot,
            door=body.door,
            item_present=body.item_present,
        )
        db.add(d)
        db.flush()
        record(
            db,
            case_id,
            who,
            "locker_deposit",
            slot=body.slot,
            door=body.door,
            item_present=body.item_present,
        )
        # The originals behind a closed door are what the case's locker step asks for: the
        # step is done with the deposit, even if the booth stopped before it said so.
        # (A review of the originals always follows, so this never finishes the case.)
        step = pending_step(db, case_id, "locker")
        if step is not None and body.door == "closed" and body.item_present:
            step_done(db, case_id, step, who)
            settle(db, case, who)
        return {
            "id": d.id,
            "case_id": case_id,
            "slot": d.slot,
            "door": d.door,
            "item_present": d.item_present,
            "at": iso(d.at),
        }
