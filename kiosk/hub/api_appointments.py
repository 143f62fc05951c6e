"""Appointments and the citizen's own page: booking and cancelling a visit to a booth, what
the phone page shows, and signing in there with a code sent by SMS."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from kiosk.hub import citizen_login
from kiosk.hub.auth import new_citizen_ref
from kiosk.hub.case_news import (
    citizen_url,
    message_link,
)
from kiosk.hub.casework import (
    audit,
    case_view,
    iso,
)
from kiosk.hub.deps import (
    CitizenCaller,
    Code,
    Hub,
    OptionalCaller,
    Phone,
    client_address,
    service_of,
)
from kiosk.hub.errors import ApiError, forbidden, not_found
from kiosk.hub.local_time import local_view, read_slot, zone_of
from kiosk.hub.models import (
    Appointment,
    Booth,
    Case,
    Notification,
)
from kiosk.hub.notify import Message
from kiosk.hub.phone_numbers import check_mobile
from kiosk.hub.state import HubState

log = logging.getLogger(__name__)

router = APIRouter(prefix="/api/v1", tags=["appointments"])


# -- appointments --------------------------------------------------------------------------
class AppointmentIn(BaseModel):
    service: Code
    booth_id: Code
    slot_at: dt.datetime
    name: Annotated[str, Field(max_length=100)] = ""
    phone: Annotated[str, Field(max_length=20)] = ""  # a mainland mobile: check_mobile


def appointment_view(a: Appointment, zone: ZoneInfo) -> dict[str, Any]:
    """``slot_local``: the slot on the district's clock, with its zone and UTC offset."""
    return {
        "id": a.id,
        "service": a.service_code,
        "booth_id": a.booth_id,
        "slot_at": iso(a.slot_at),
        "slot_local": local_view(a.slot_at, zone),
        "status": a.status,
        "name": a.name,
    }


@router.post("/appointments", status_code=201)
async def book(
    body: AppointmentIn, hub: Hub, who: OptionalCaller, request: Request
) -> dict[str, Any]:
    """Book a service at a booth for a time; returns the citizen's link token."""
    service = service_of(hub, body.service)
    if who is not None and who.kind != "citizen":
        raise forbidden("appointments are booked by citizens")
    zone = zone_of(hub.settings.time_zone)
    slot = read_slot(body.slot_at, zone)  # no offset: the booth's wall clock
    if slot < hub.clock.now() - dt.timedelta(minutes=5):
        raise ApiError(422, "slot_in_past", "the time has passed")
    if body.phone:  # as 11 digits, so one number has one blind index
        body = body.model_copy(update={"phone": check_mobile(body.phone)})
    ref = who.id if who is not None else new_citizen_ref()
    with hub.db() as db:
        if db.get(Booth, body.booth_id) is None:
            raise ApiError(422, "unknown_booth", "no such booth")
        _refuse_duplicate(db, hub, ref if who is not None else None, body, service.code, slot)
    citizen_login.limit_messages(hub, body.phone, client_address(request))  # it sends an SMS
    with hub.db() as db:
        appointment = Appointment(
            citizen_ref=ref,
            service_code=service.code,
            booth_id=body.booth_id,
            slot_at=slot,
            name=body.name,
            phone=body.phone,
        )
        db.add(appointment)
        db.flush()
        audit(db, f"citizen:{ref}", "write", f"appointment:{appointment.id}", "booked")
        view = appointment_view(appointment, zone)
    token = hub.links.issue(ref)
    await hub.notifier.notify(
        Message(
            citizen_ref=ref,
            kind="appointment_booked",
            phone=body.phone,
            text=f"预约成功：{service.name.zh_CN}，{slot.astimezone(zone):%m-%d %H:%M}",
            link=message_link(hub, ref),
        )
    )
    return {"appointment": view, "citizen_token": token, "citizen_url": citizen_url(hub, token)}


def _refuse_duplicate(
    db: Session,
    hub: HubState,
    ref: str | None,
    body: AppointmentIn,
    service_code: str,
    slot: dt.datetime,
) -> None:
    """409 ``duplicate_appointment`` when the same citizen (signed in, or by the same phone
    number) already holds an open booking of this service at this booth at this time: a
    second tap on "book" must not take a second slot."""
    same = select(Appointment.id).where(
        Appointment.status == "booked",
        Appointment.service_code == service_code,
        Appointment.booth_id == body.booth_id,
        Appointment.slot_at == slot,
    )
    whose = []
    if ref is not None:
        whose.append(Appointment.citizen_ref == ref)
    if body.phone:
        whose.append(Appointment.phone_index == hub.keys.blind_index(body.phone))
    if whose and db.scalars(same.where(or_(*whose)).limit(1)).first() is not None:
        raise ApiError(409, "duplicate_appointment", "this booking exists already")


@router.post("/appointments/{appointment_id}/cancel")
def cancel_appointment(appointment_id: str, hub: Hub, who: CitizenCaller) -> dict[str, Any]:
    with hub.db() as db:
        a = db.get(Appointment, appointment_id)
        if a is None or a.citizen_ref != who.id:
            raise not_found("appointment")
        if a.status != "booked":
            raise ApiError(409, "appointment_not_open", "the appointment is used or cancelled")
        a.status = "cancelled"
        return appointment_view(a, zone_of(hub.settings.time_zone))


# -- the citizen's own page ----------------------------------------------------------------
@router.get("/citizen/overview")
def overview(hub: Hub, who: CitizenCaller) -> dict[str, Any]:
    """Everything the citizen page shows: appointments, cases, certificates, inbox."""
    zone = zone_of(hub.settings.time_zone)
    with hub.db() as db:
        cases = db.scalars(
            select(Case).where(Case.citizen_ref == who.id).order_by(Case.created_at.desc())
        ).all()
        appointments = db.scalars(
            select(Appointment)
            .where(Appointment.citizen_ref == who.id)
            .order_by(Appointment.slot_at)
        ).all()
        inbox = db.scalars(
            select(Notification)
            .where(Notification.citizen_ref == who.id)
            .order_by(Notification.id.desc())
            .limit(50)
        ).all()
        return {
            "appointments": [appointment_view(a, zone) for a in appointments],
            "time_zone": zone.key,
            "cases": [
                case_view(db, c, hub.catalog.catalog, who, hub.settings.public_url) for c in cases
            ],
            "inbox": [
                {
                    "id": n.id,
                    "kind": n.kind,
                    "text": n.text,
                    "link": n.link,
                    "at": iso(n.created_at),
                }
                for n in inbox
            ],
        }


class CodeIn(BaseModel):
    phone: Phone


@router.post("/citizen/code", status_code=202)
async def send_code(body: CodeIn, hub: Hub, request: Request) -> dict[str, Any]:
    """Send a six-digit login code by SMS to a phone that booked or opened a case; the
    same answer whether or not the number is known (kiosk.hub.citizen_login)."""
    await citizen_login.send_code(hub, check_mobile(body.phone), client_address(request))
    return {"sent": True}


class CodeLoginIn(BaseModel):
    phone: Phone
    code: Annotated[str, Field(pattern=r"^[0-9]{6}$")]


@router.post("/citizen/login")
def code_login(body: CodeLoginIn, hub: Hub, request: Request) -> dict[str, Any]:
    ref = citizen_login.check_code(
        hub, check_mobile(body.phone), body.code, client_address(request)
    )
    token = hub.links.issue(ref)
    return {"citizen_token": token, "citizen_url": citizen_url(hub, token)}
