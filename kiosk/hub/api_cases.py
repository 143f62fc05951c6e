"""Cases, their shared form and their materials: a booth opens a case, clerks and the
citizen read it, the form is filled together, materials are added, seen and checked
against their originals."""

from __future__ import annotations

import asyncio
import base64
import binascii
import logging
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy import select

from kiosk.core.fields import check_field
from kiosk.hub.auth import new_citizen_ref
from kiosk.hub.case_news import (
    case_changed,
    citizen_url,
    push_to_booth,
)
from kiosk.hub.casework import (
    audit,
    case_view,
    iso,
    material_view,
    open_case,
    record,
)
from kiosk.hub.deps import (
    BoothCaller,
    Caller,
    CitizenIn,
    ClerkCaller,
    Code,
    Hub,
    load_case,
    resolve_token,
    service_of,
)
from kiosk.hub.errors import ApiError, forbidden, not_found
from kiosk.hub.images import check_image
from kiosk.hub.models import (
    Case,
    CaseDepartment,
    MaterialRecord,
)

log = logging.getLogger(__name__)

router = APIRouter(prefix="/api/v1", tags=["cases"])
MAX_IMAGE = 8 * 1024 * 1024


# -- cases ---------------------------------------------------------------------------------
class CaseIn(BaseModel):
    service: Code
    citizen: CitizenIn = CitizenIn()
    citizen_token: Annotated[str | None, Field(max_length=300)] = None


@router.post("/cases", status_code=201)
def create_case(body: CaseIn, hub: Hub, who: BoothCaller) -> dict[str, Any]:
    """A booth opens a case for the citizen in it (walk-in or continuing an appointment)."""
    service_of(hub, body.service)
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
    return {**view, "citizen_token": token, "citizen_url": citizen_url(hub, token)}


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
        case = load_case(hub, db, case_id, who)
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
            case = load_case(hub, db, case_id, who, lock=True)
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
            case = load_case(hub, db, case_id, who)
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
    await case_changed(hub, case_id)
    return view


@router.get("/materials/{material_id}/image", responses={200: {"content": {"image/jpeg": {}}}})
def material_image(material_id: str, hub: Hub, who: Caller) -> Response:
    with hub.db() as db:
        m = db.get(MaterialRecord, material_id)
        if m is None or m.image is None:
            raise not_found("material")
        load_case(hub, db, m.case_id, who)
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
            case = load_case(hub, db, m.case_id, who)
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
        await push_to_booth(
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
    await case_changed(hub, view["case_id"])
    return view


# The citizen's self-service steps, which her booth reports done.
