"""Cases and everything hanging off them: appointments, the booth door, materials, the
shared form, steps, certificates, ratings, locker deposits, and the citizen's own view."""

from __future__ import annotations

import asyncio
import base64
import binascii
import datetime as dt
import logging
import uuid
from collections.abc import Callable
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kiosk.core.fields import check_field
from kiosk.hub import citizen_login, rules_review
from kiosk.hub.auth import Principal, new_citizen_ref
from kiosk.hub.casework import (
    audit,
    case_view,
    iso,
    material_view,
    may_act,
    may_see,
    open_case,
    pending_step,
    record,
    settle,
    step_done,
)
from kiosk.hub.certificate_choice import choose
from kiosk.hub.deps import (
    BoothCaller,
    Caller,
    CitizenCaller,
    ClerkCaller,
    Hub,
    OptionalCaller,
    resolve_token,
)
from kiosk.hub.door import SESSION_RUNNING
from kiosk.hub.errors import ApiError, forbidden, not_found
from kiosk.hub.handover import tell_next_department
from kiosk.hub.images import check_image
from kiosk.hub.issuing import Issued, announce, issue
from kiosk.hub.local_time import local_view, read_slot, zone_of
from kiosk.hub.models import (
    Appointment,
    Booth,
    Case,
    CaseDepartment,
    CaseStep,
    Certificate,
    Clerk,
    LockerDeposit,
    MaterialRecord,
    Notification,
    Rating,
)
from kiosk.hub.notify import Message
from kiosk.hub.phone_numbers import check_mobile
from kiosk.hub.protocol import PUSH_KINDS
from kiosk.hub.rules_review import Decision
from kiosk.hub.state import HubState
from kiosk.hub.switchboard import BoothOffline, CommandFailed
from kiosk.hub.tickets import issue_ticket, redeem_ticket

log = logging.getLogger(__name__)

router = APIRouter(prefix="/api/v1", tags=["cases"])

Code = Annotated[str, Field(min_length=1, max_length=100)]
Phone = Annotated[str, Field(max_length=20)]  # a mainland mobile: check_mobile
MAX_IMAGE = 8 * 1024 * 1024


def _service(hub: HubState, code: str) -> Any:
    try:
        return hub.catalog.catalog.service(code)
    except (KeyError, LookupError):
        raise ApiError(422, "unknown_service", "no such service in the catalog") from None


def _citizen_url(hub: HubState, token: str) -> str:
    return f"{hub.settings.public_url}/m/#t={token}"


def message_link(hub: HubState, citizen_ref: str) -> str:
    """The citizen page's link in a message to her phone: its token lives only
    ``message_link_ttl_s`` (an SMS stays on a phone; afterwards she logs in by SMS code)."""
    return _citizen_url(hub, hub.links.issue(citizen_ref, hub.settings.message_link_ttl_s))


def _load_case(
    hub: HubState, db: Session, case_id: str, who: Principal, *, lock: bool = False
) -> Case:
    """The case ``who`` may see; ``lock``: its row locked until the transaction ends (a
    read-modify-write of it, such as merging form fields, is not lost to another)."""
    case = db.get(Case, case_id, with_for_update=lock)
    if case is None or not may_see(db, who, case):
        # Not telling a stranger whether the case exists.
        raise not_found("case")
    return case


# -- appointments --------------------------------------------------------------------------
class CitizenIn(BaseModel):
    name: Annotated[str, Field(max_length=100)] = ""
    id_number: Annotated[str, Field(max_length=18, pattern=r"^([0-9]{15}|[0-9]{17}[0-9Xx])?$")] = ""
    phone: Annotated[str, Field(max_length=20, pattern=r"^(\+?[0-9]{5,20})?$")] = ""


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
    service = _service(hub, body.service)
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
    citizen_login.limit_messages(hub, body.phone, _address(request))  # it sends an SMS
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
    return {"appointment": view, "citizen_token": token, "citizen_url": _citizen_url(hub, token)}


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
    await citizen_login.send_code(hub, check_mobile(body.phone), _address(request))
    return {"sent": True}


class CodeLoginIn(BaseModel):
    phone: Phone
    code: Annotated[str, Field(pattern=r"^[0-9]{6}$")]


@router.post("/citizen/login")
def code_login(body: CodeLoginIn, hub: Hub, request: Request) -> dict[str, Any]:
    ref = citizen_login.check_code(hub, check_mobile(body.phone), body.code, _address(request))
    token = hub.links.issue(ref)
    return {"citizen_token": token, "citizen_url": _citizen_url(hub, token)}


def _address(request: Request) -> str:
    """The caller's address, for rate limits (behind a proxy: see docs/security.md)."""
    return request.client.host if request.client else "?"


# -- the booth door ------------------------------------------------------------------------
class DoorIn(BaseModel):
    # The code the booth shows at its door (kiosk.core.door_codes); required, but checked
    # by the route so that a missing one is audited and answered like a wrong one.
    door_code: Annotated[str, Field(max_length=64)] = ""
    appointment_id: Annotated[str | None, Field(max_length=64)] = None


@router.post("/booths/{booth_id}/open-door")
async def open_door(
    booth_id: str, body: DoorIn, hub: Hub, who: OptionalCaller, request: Request
) -> dict[str, Any]:
    """Scan-to-open: unlock the booth's door and start a session there, for a citizen
    standing at it (the booth's current door code) while the booth is free; every attempt
    is audited and rate limited (kiosk.hub.door).

    With an appointment, the session is bound to a new case for the booked service;
    without one it is a walk-in. Answers once the booth has acknowledged both commands.
    """
    address = _address(request)
    actor = who.peer if who is not None else f"address:{address}"

    def refuse(error: ApiError) -> ApiError:
        _door_attempt(hub, actor, booth_id, f"refused {error.code}")
        return error

    if who is not None and who.kind != "citizen":
        raise refuse(forbidden("the door is opened from the citizen's phone"))
    keys = [f"addr:{address}", f"booth:{booth_id}"]
    if who is not None:
        keys.append(f"citizen:{who.id}")
    wait = hub.door.limits.take(*keys)
    if wait > 0:
        raise refuse(
            ApiError(
                429,
                "too_many_requests",
                "too many attempts to open a door; try again later",
                retry_after_s=max(1, round(wait + 0.5)),
            )
        )
    ref = who.id if who is not None else new_citizen_ref()
    appointment: Appointment | None = None
    with hub.sessions() as db:
        if db.get(Booth, booth_id) is None:
            raise refuse(not_found("booth"))
        if not hub.door.valid(booth_id, body.door_code):
            raise refuse(
                ApiError(403, "bad_door_code", "scan the code on the booth's screen again")
            )
        link = hub.switchboard.links.get(f"booth:{booth_id}")
        if link is not None and link.in_session:
            raise refuse(ApiError(409, "booth_occupied", "someone is using the booth"))
        if body.appointment_id:
            appointment = db.get(Appointment, body.appointment_id)
            if appointment is None or appointment.citizen_ref != ref:
                raise refuse(not_found("appointment"))
            if appointment.booth_id != booth_id:
                raise refuse(ApiError(409, "other_booth", "the appointment is for another booth"))
            if appointment.status != "booked":
                raise refuse(
                    ApiError(409, "appointment_not_open", "the appointment is used or cancelled")
                )
    if not hub.door.consume(booth_id, body.door_code):
        raise refuse(ApiError(403, "bad_door_code", "scan the code on the booth's screen again"))
    if not hub.door.claim(booth_id):  # another phone is being let in right now
        raise refuse(ApiError(409, "booth_occupied", "someone is using the booth"))
    try:
        return await _let_in(hub, booth_id, body, ref, appointment, actor, refuse)
    finally:
        hub.door.release(booth_id)


async def _let_in(
    hub: HubState,
    booth_id: str,
    body: DoorIn,
    ref: str,
    appointment: Appointment | None,
    actor: str,
    refuse: Callable[[ApiError], ApiError],
) -> dict[str, Any]:
    """Open the door and start the session (the checks are done); one at a time a booth."""
    token = hub.links.issue(ref)
    try:
        await hub.switchboard.command(
            booth_id, "open_door", {"appointment_id": body.appointment_id, "citizen_ref": ref}
        )
    except BoothOffline:
        raise refuse(ApiError(409, "booth_offline", "the booth is not connected")) from None
    except CommandFailed as exc:
        if exc.code == SESSION_RUNNING:  # the booth knew better than the hub
            raise refuse(ApiError(409, "booth_occupied", "someone is using the booth")) from None
        raise refuse(
            ApiError(409, "door_failed", "the booth could not open its door", booth_error=exc.code)
        ) from None
    case_id = None
    service = None
    with hub.db() as db:
        if appointment is not None:
            a = db.get(Appointment, appointment.id)
            assert a is not None
            a.status = "used"
            case = open_case(
                db,
                hub.catalog.catalog,
                f"citizen:{ref}",
                a.service_code,
                ref,
                name=a.name,
                phone=a.phone,
                booth_id=booth_id,
                appointment_id=a.id,
            )
            case_id, service = case.id, case.service_code
            record(db, case.id, f"citizen:{ref}", "door_open_requested", booth=booth_id)
    session_id = uuid.uuid4().hex
    try:
        await hub.switchboard.command(
            booth_id,
            "start_session",
            {
                "session_id": session_id,
                "case_id": case_id,
                "service": service,
                "appointment_id": body.appointment_id,
                "citizen_token": token,
            },
        )
    except (BoothOffline, CommandFailed):
        raise refuse(
            ApiError(409, "session_failed", "the door opened but the session did not start")
        ) from None
    link = hub.switchboard.links.get(f"booth:{booth_id}")
    if link is not None:
        link.in_session = True  # until the booth says otherwise
    _door_attempt(hub, actor, booth_id, f"opened session {session_id}")
    return {
        "opened": True,
        "session_id": session_id,
        "case_id": case_id,
        "citizen_token": token,
        "citizen_url": _citizen_url(hub, token),
    }


def _door_attempt(hub: HubState, actor: str, booth_id: str, outcome: str) -> None:
    """One audit row per attempt to open a door (its own transaction: a refusal's
    rollback does not take it along). Never a token or a door code."""
    with hub.db() as db:
        audit(db, actor, "door", f"booth:{booth_id[:64]}", f"open_door: {outcome}")
    log.info("open-door at booth %s: %s", booth_id[:64], outcome)


class PushIn(BaseModel):
    kind: str
    data: dict[str, Any] = {}


RESERVED_PUSH_KEYS = frozenset({"kind", "clerk", "department"})


@router.post("/booths/{booth_id}/push")
async def push(booth_id: str, body: PushIn, hub: Hub, who: ClerkCaller) -> dict[str, Any]:
    """A clerk in a call with the booth pushes to it (request a capture, open a slot...)."""
    if body.kind not in PUSH_KINDS:
        raise ApiError(422, "unknown_push", "kind must be one of " + ", ".join(sorted(PUSH_KINDS)))
    board = hub.switchboard
    if not any(board.in_call(c, who.peer) for c in board.calls_of(f"booth:{booth_id}")):
        raise ApiError(403, "not_in_call", "push only to a booth you are in a call with")
    try:
        # Who pushed and what is the hub's to say: the fixed keys last, and refused in data
        # (a "kind" there made the booth show another push than the one checked above).
        reserved = sorted(RESERVED_PUSH_KEYS & set(body.data))
        if reserved:
            raise ApiError(422, "reserved_key", "data may not set " + ", ".join(reserved))
        data = {**body.data, "kind": body.kind, "clerk": who.id, "department": who.department}
        ack = await board.command(booth_id, "push", data)
    except BoothOffline:
        raise ApiError(409, "booth_offline", "the booth is not connected") from None
    except CommandFailed as exc:
        raise ApiError(409, "push_failed", "the booth refused", booth_error=exc.code) from None
    return {"ok": True, "ack": ack}


# -- cases ---------------------------------------------------------------------------------
class CaseIn(BaseModel):
    service: Code
    citizen: CitizenIn = CitizenIn()
    citizen_token: Annotated[str | None, Field(max_length=300)] = None


@router.post("/cases", status_code=201)
def create_case(body: CaseIn, hub: Hub, who: BoothCaller) -> dict[str, Any]:
    """A booth opens a case for the citizen in it (walk-in or continuing an appointment)."""
    _service(hub, body.service)
    ref = None
    if body.citizen_token:
        citizen = resolve_token(hub, body.citizen_token)
        if citizen is None or citizen.kind != "citizen":
            raise ApiError(422, "bad_citizen_token", "the citizen token is not valid")
        ref = citizen.id
    ref = ref or new_citizen_ref()
    with hub.db() as db:
        case = open_case(
            db,
            hub.catalog.catalog,
            who,
            body.service,
            ref,
            name=body.citizen.name,
            id_number=body.citizen.id_number.upper(),
            phone=body.citizen.phone,
            booth_id=who.id,
        )
        view = case_view(db, case, hub.catalog.catalog, who, hub.settings.public_url)
    token = hub.links.issue(ref)
    return {**view, "citizen_token": token, "citizen_url": _citizen_url(hub, token)}


@router.get("/cases")
def list_cases(
    hub: Hub,
    who: Caller,
    status: Literal["open", "done", "cancelled"] | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> dict[str, Any]:
    """Cases the caller may see: a clerk's department's, a booth's own, a citizen's own."""
    with hub.db() as db:
        query = select(Case).order_by(Case.updated_at.desc()).limit(limit)
        if who.kind == "citizen":
            query = query.where(Case.citizen_ref == who.id)
        elif who.kind == "booth":
            query = query.where(Case.booth_id == who.id)
        elif not who.has_role("admin"):
            query = query.join(CaseDepartment, CaseDepartment.case_id == Case.id).where(
                CaseDepartment.department == who.department
            )
        if status:
            query = query.where(Case.status == status)
        cases = db.scalars(query).all()
        items = []
        for c in cases:
            audit(db, who, "read", f"case:{c.id}", "list")
            items.append(
                {
                    "id": c.id,
                    "service": c.service_code,
                    "status": c.status,
                    "booth_id": c.booth_id,
                    "citizen_name": c.citizen_name,
                    "updated_at": iso(c.updated_at),
                }
            )
        return {"cases": items}


@router.get("/cases/{case_id}")
def get_case(case_id: str, hub: Hub, who: Caller) -> dict[str, Any]:
    with hub.db() as db:
        case = _load_case(hub, db, case_id, who)
        return case_view(db, case, hub.catalog.catalog, who, hub.settings.public_url)


class FormIn(BaseModel):
    fields: dict[
        Annotated[str, Field(min_length=1, max_length=64)], str | int | float | bool | None
    ]


def _check_clerk_values(hub: Any, service_code: str, fields: dict[str, Any]) -> None:
    """Refuse a clerk's value the booth would refuse (kiosk.core.fields, the same rules).

    Only blocking problems are refused, and a blank is let through (she may be clearing the
    field to retype it); the booth still asks the citizen for a required one.
    """
    try:
        service = hub.catalog.catalog.service(service_code)
    except KeyError:
        return
    for key, value in fields.items():
        if not isinstance(value, str) or not value.strip():
            continue
        try:
            field = service.field(key)
        except KeyError:
            continue
        problem = check_field(field, value)
        if problem is not None and problem.blocking:
            raise ApiError(422, "invalid_field_value", f"{key}: {problem.code}")


@router.put("/cases/{case_id}/form")
async def edit_form(case_id: str, body: FormIn, hub: Hub, who: Caller) -> dict[str, Any]:
    """Fill fields of the case's form; the booth and the clerks in its call see them live."""
    if who.kind == "citizen":
        raise forbidden("the form is filled at the booth")
    if len(body.fields) > 100:
        raise ApiError(422, "too_many_fields", "at most 100 fields at once")

    def store() -> tuple[dict[str, Any], str | None]:
        with hub.db() as db:
            case = _load_case(hub, db, case_id, who, lock=True)
            if case.status != "open":
                raise ApiError(409, "case_closed", "the case is closed")
            if who.kind == "clerk":
                _check_clerk_values(hub, case.service_code, body.fields)
            case.form = {**(case.form or {}), **body.fields}
            keys = ",".join(sorted(body.fields))[:200]
            audit(db, who, "write", f"case:{case_id}", "form:" + keys)
            record(db, case_id, who, "form_edited", keys=sorted(body.fields))
            return dict(case.form), case.booth_id

    form, booth_id = await asyncio.to_thread(store)
    board = hub.switchboard
    if booth_id:
        if who.kind == "clerk" and board.online(f"booth:{booth_id}"):
            for key, value in body.fields.items():
                await board.command(
                    booth_id,
                    "push",
                    {"kind": "form_field", "case_id": case_id, "key": key, "value": value},
                    wait=False,
                )
        for call_id in board.calls_of(f"booth:{booth_id}"):
            for peer in board.calls.get(call_id, set()) - {who.peer}:
                if peer.startswith("clerk:"):
                    for key, value in body.fields.items():
                        await board.deliver(
                            peer,
                            {
                                "type": "form_field",
                                "case_id": case_id,
                                "key": key,
                                "value": value,
                                "from": who.peer,
                            },
                        )
    return {"case_id": case_id, "form": form}


class MaterialIn(BaseModel):
    code: Code
    doc_type: Annotated[str | None, Field(max_length=60)] = None
    image_base64: Annotated[str | None, Field(max_length=MAX_IMAGE * 4 // 3 + 4)] = None
    image_type: Literal["image/jpeg", "image/png"] = "image/jpeg"
    ocr_fields: dict[Annotated[str, Field(max_length=64)], str | int | float | bool | None] = {}


@router.post("/cases/{case_id}/materials", status_code=201)
async def add_material(case_id: str, body: MaterialIn, hub: Hub, who: Caller) -> dict[str, Any]:
    """A captured material (trust level C) with its OCR fields."""
    if who.kind == "citizen":
        raise forbidden("materials are captured at the booth")
    image = None
    if body.image_base64:
        try:
            image = base64.b64decode(body.image_base64, validate=True)
        except (binascii.Error, ValueError):
            raise ApiError(422, "bad_image", "image_base64 is not base64") from None
        # Checked to be the image it says it is (magic bytes, dimensions, no decompression
        # bomb) before it is stored and later opened by clerks' browsers.
        await asyncio.to_thread(check_image, image, body.image_type)

    def store() -> dict[str, Any]:
        with hub.db() as db:
            case = _load_case(hub, db, case_id, who)
            m = MaterialRecord(
                case_id=case.id,
                code=body.code,
                doc_type=body.doc_type,
                image=image,
                image_type=body.image_type,
                ocr_fields=dict(body.ocr_fields),
                trust_level="C",
            )
            db.add(m)
            db.flush()
            audit(db, who, "write", f"material:{m.id}", f"case:{case_id}")
            record(db, case_id, who, "material_added", material=m.id, code=body.code)
            return material_view(m)

    view = await asyncio.to_thread(store)
    await _case_changed(hub, case_id)
    return view


@router.get("/materials/{material_id}/image", responses={200: {"content": {"image/jpeg": {}}}})
def material_image(material_id: str, hub: Hub, who: Caller) -> Response:
    with hub.db() as db:
        m = db.get(MaterialRecord, material_id)
        if m is None or m.image is None:
            raise not_found("material")
        _load_case(hub, db, m.case_id, who)
        audit(db, who, "read", f"material:{m.id}", f"image case:{m.case_id}")
        return Response(
            m.image, media_type=m.image_type, headers={"Cache-Control": "private, no-store"}
        )


class VerifyIn(BaseModel):
    # Blank is let through here so the route can answer ``basis_required`` in words a clerk
    # acts on, rather than the generic ``invalid_request``.
    against: Annotated[str, Field(max_length=200)]


@router.post("/materials/{material_id}/verify")
async def verify_material(
    material_id: str, body: VerifyIn, hub: Hub, who: ClerkCaller
) -> dict[str, Any]:
    """A clerk checked the capture against the original: trust level C -> B.

    The basis (what the capture was checked against) is required: a verification without one
    would raise trust with nothing to show for it.
    """
    against = body.against.strip()
    if not against:
        raise ApiError(422, "basis_required", "say what the capture was checked against")

    def store() -> tuple[dict[str, Any], bool, str | None, str]:
        """The material's view, whether this call changed it, the booth and the code."""
        with hub.db() as db:
            m = db.get(MaterialRecord, material_id)
            if m is None:
                raise not_found("material")
            case = _load_case(hub, db, m.case_id, who)
            if m.trust_level == "B":
                return material_view(m), False, None, m.code
            m.trust_level, m.verified_by, m.verified_against = "B", who.id, against
            m.verified_at = hub.clock.now()
            audit(db, who, "write", f"material:{m.id}", "verified")
            record(db, case.id, who, "material_verified", material=m.id, against=against)
            return material_view(m), True, case.booth_id, m.code

    view, changed, booth_id, code = await asyncio.to_thread(store)
    if not changed:
        return view
    if booth_id:
        await _push_to_booth(
            hub,
            booth_id,
            {
                "kind": "material_verified",
                "case_id": view["case_id"],
                "material": code,
                "clerk": who.id,
                "department": who.department,
            },
        )
    await _case_changed(hub, view["case_id"])
    return view


# The citizen's self-service steps, which her booth reports done.
BOOTH_STEPS = ("identify", "questions", "capture", "form", "locker", "rating")


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
            case = _load_case(hub, db, case_id, who)
            step = db.scalar(
                select(CaseStep).where(CaseStep.case_id == case_id, CaseStep.position == position)
            )
            if step is None:
                raise not_found("step")
            department = step.department
            by_rules = who.kind == "booth" and step.kind == "review"
            if by_rules:
                if not rules_review.decided_by_booth(_service(hub, case.service_code), position):
                    raise forbidden("this review is done by a clerk")
            elif who.kind == "booth":
                if step.kind not in BOOTH_STEPS:
                    raise forbidden("this step is done by a clerk")
            elif not may_act(db, who, case, step.department):
                raise ApiError(403, "other_department", "this step belongs to another department")
            if by_rules and step.status == "pending":
                decision = rules_review.decide(hub, db, case, step)
                if not decision.approved:
                    service_name = _service(hub, case.service_code).name.zh_CN
                    referral = citizen_notice(
                        hub,
                        case,
                        "review_referred",
                        f"您的{service_name}申请已转工作人员审核，审核结果将另行通知您。",
                    )
            elif not by_rules and step.status != "done":
                step_done(db, case_id, step, who)
                if who.kind == "clerk" and case.booth_id:
                    done_by_clerk = {**_step_done_push(step, who), "booth_id": case.booth_id}
            if step.status == "done" and settle(db, case, who):
                notify = case_done(hub, case)
            return case_view(db, case, hub.catalog.catalog, who, hub.settings.public_url)

    view = await asyncio.to_thread(work)
    issued: tuple[Issued, ...] = decision.issued if decision is not None else ()
    if decision is not None:
        view["review"] = {"approved": decision.approved, "reasons": list(decision.reasons)}
        if not decision.approved and referral is not None:
            await hub.notifier.notify(referral)  # the booth told him: his phone is told
            await _reviews_changed(hub, department)  # a clerk decides it now
    for certificate in issued:
        await announce(hub, certificate)
    if notify:
        await hub.notifier.notify(notify)
    if done_by_clerk is not None:  # the booth's workflow moves on (an approval, a consult)
        await _push_to_booth(hub, done_by_clerk.pop("booth_id"), done_by_clerk)
    await _case_changed(hub, case_id)
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
            service_name = _service(hub, case.service_code).name.zh_CN
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
        await _push_to_booth(hub, booth, push)
    await _case_changed(hub, case_id)
    await _reviews_changed(hub, department)
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
            done = _step_done_push(step, who)
            view = case_view(db, case, hub.catalog.catalog, who, hub.settings.public_url)
            return view, issued, notify, booth, done

    view, issued, notify, booth, done = await asyncio.to_thread(work)
    for certificate in issued:
        await announce(hub, certificate)
    if notify:
        await hub.notifier.notify(notify)
    if booth:  # the booth's item, if it still runs, moves on
        await _push_to_booth(hub, booth, done)
    await _case_changed(hub, case_id)
    await _reviews_changed(hub, done["department"])
    await tell_next_department(hub, case_id, done["department"])
    return view


def _undecided_review(
    hub: HubState, db: Session, case_id: str, position: int, who: Principal
) -> tuple[Case, CaseStep]:
    """The case and its review step at ``position`` that ``who`` may decide and nobody has
    decided yet (locked: two clerks deciding at once, the second waits, then sees it)."""
    case = _load_case(hub, db, case_id, who)
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
            case = _load_case(hub, db, case_id, who, lock=True)
            if not may_act(db, who, case, department):
                raise ApiError(
                    403, "other_department", "issue certificates for your own department"
                )
            choice = choose(
                db,
                _service(hub, case.service_code),
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
    await _case_changed(hub, case_id)
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
        _load_case(hub, db, cert.case_id, who)
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
        _load_case(hub, db, cert.case_id, who)
        return issue_ticket(db, who, "certificate", cert.id, hub.clock.now())


@router.post("/materials/{material_id}/download")
def material_download(material_id: str, hub: Hub, who: Caller) -> dict[str, Any]:
    """A one-time link to a material's image (as for certificates)."""
    with hub.db() as db:
        m = db.get(MaterialRecord, material_id[:64])
        if m is None or m.image is None:
            raise not_found("material")
        _load_case(hub, db, m.case_id, who)
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
        case = _load_case(hub, db, case_id, who)
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
        case = _load_case(hub, db, case_id, who)
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


def citizen_notice(hub: HubState, case: Case, kind: str, text: str) -> Message:
    """A message about ``case`` to its citizen's phone, linking to the citizen page."""
    return Message(
        citizen_ref=case.citizen_ref,
        kind=kind,
        phone=case.citizen_phone,
        text=text,
        link=f"{hub.settings.public_url}/m/",
    )


def case_done(hub: HubState, case: Case) -> Message:
    """The citizen's message that her case is finished."""
    return citizen_notice(hub, case, "case_done", "您的事项已办结，请对服务进行评价。")


async def _push_to_booth(hub: HubState, booth_id: str, data: dict[str, Any]) -> None:
    """Tell the case's booth, if it is connected; not waiting for its answer."""
    if hub.switchboard.online(f"booth:{booth_id}"):
        await hub.switchboard.command(booth_id, "push", data, wait=False)


def _step_done_push(step: CaseStep, who: Principal) -> dict[str, Any]:
    """The push telling the case's booth that a clerk completed ``step`` (its item, if it
    still runs, moves on: an approval, a consultation ended)."""
    return {
        "kind": "step_done",
        "case_id": step.case_id,
        "position": step.position,
        "step_kind": step.kind,
        "department": step.department,
        "clerk": who.id,
    }


async def _reviews_changed(hub: HubState, department: str | None) -> None:
    """The department's clerks reload their reviews (one was referred or decided)."""
    if department:
        frame = {"type": "reviews_changed", "department": department}
        await hub.switchboard.to_department(department, frame)


async def _case_changed(hub: HubState, case_id: str) -> None:
    """Clerks in a call about the case reload it."""

    def booth_of() -> str | None:
        with hub.sessions() as db:
            case = db.get(Case, case_id)
            return case.booth_id if case else None

    booth = await asyncio.to_thread(booth_of)
    if booth:
        for call_id in hub.switchboard.calls_of(f"booth:{booth}"):
            await hub.switchboard.to_call(
                call_id, {"type": "case_updated", "case_id": case_id}, except_peer=f"booth:{booth}"
            )  # the clerks reload; the booth hears of changes by pushes
