"""Routes for peer hubs (跨域通办), under ``/api/v1/peer``: who may call them is a
configured peer hub, by a request signed with its key (kiosk.hub.federation_signing).

Every route verifies the signature over the exact method, path and body before anything
else, so a stranger, a hub that is not a configured peer, a changed request or a replayed
one is refused with its ``peer_*`` code. A peer sees only what it is owed: the services
this hub shares, and the cases it asked this hub to serve (a case of another peer or of a
local booth is "not found", as it would be to any stranger).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from kiosk.hub.auth import Principal, new_citizen_ref
from kiosk.hub.casework import audit, certificate_view, open_case, text_of
from kiosk.hub.deps import BoothCaller, Hub
from kiosk.hub.errors import ApiError, not_found
from kiosk.hub.federation import PeerRefused, PeerUnavailable
from kiosk.hub.federation_outbox import BOOTH_WAIT_S, deliver, forwarded_view
from kiosk.hub.models import Case, Certificate, ForwardedCase, PeerCase
from kiosk.hub.state import HubState

log = logging.getLogger(__name__)

router = APIRouter(prefix="/api/v1/peer", tags=["federation"])
# For this hub's booths: the peers' services (public, as the hub's own catalog is).
booths = APIRouter(prefix="/api/v1", tags=["federation"])


async def _peer(request: Request, hub: Hub) -> Principal:
    """The calling peer hub, from the request's signature (FastAPI keeps the body read
    here for the route's own parsing)."""
    body = await request.body()
    region = hub.federation.verifier.verify(request.method, request.url.path, body, request.headers)
    # Counted after the signature: a stranger cannot use up a peer's allowance.
    wait = hub.federation.limiter.take(f"peer:{region}")
    if wait > 0:
        raise ApiError(
            429,
            "too_many_requests",
            "too many requests from this peer",
            retry_after_s=max(1, round(wait)),
        )
    return Principal(kind="peer", id=region)


PeerCaller = Annotated[Principal, Depends(_peer)]


def shared_services(hub: HubState) -> list[dict[str, Any]]:
    """The services of this hub's catalog that peers' booths may start here."""
    shared = []
    for code in hub.settings.federation.shared_services:
        try:
            service = hub.catalog.catalog.service(code)
        except (KeyError, LookupError):
            continue  # a code no longer in the catalog is simply not shared
        shared.append(
            {
                "code": service.code,
                "name": text_of(service.name),
                "summary": text_of(service.summary),
                "department": service.department,
                "region": hub.settings.federation.region,
            }
        )
    return shared


@router.get("/services")
def services(hub: Hub, peer: PeerCaller) -> dict[str, Any]:
    """What this hub serves for other regions' booths."""
    return {"region": hub.settings.federation.region, "services": shared_services(hub)}


class PeerCitizenIn(BaseModel):
    name: Annotated[str, Field(max_length=100)] = ""
    id_number: Annotated[str, Field(max_length=18, pattern=r"^([0-9]{15}|[0-9]{17}[0-9Xx])?$")] = ""
    phone: Annotated[str, Field(max_length=20, pattern=r"^(\+?[0-9]{5,20})?$")] = ""


class PeerCaseIn(BaseModel):
    # The sending hub's own reference of the case: sent again by its outbox, the same
    # reference finds the case made the first time (exactly once at this side).
    ref: Annotated[str, Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
    service: Annotated[str, Field(min_length=1, max_length=100)]
    citizen: PeerCitizenIn = PeerCitizenIn()


def _peer_case_view(hub: HubState, db: Any, case: Case, link: PeerCase) -> dict[str, Any]:
    """What the sending hub keeps of a case served here: no personal data goes back."""
    certificates = db.scalars(
        select(Certificate).where(Certificate.case_id == case.id).order_by(Certificate.issued_at)
    ).all()
    return {
        "case_id": case.id,
        "ref": link.origin_ref,
        "service": case.service_code,
        "status": case.status,
        "region": hub.settings.federation.region,
        "certificates": [
            {
                key: value
                for key, value in certificate_view(c, hub.settings.public_url).items()
                if key in ("id", "kind", "title", "issued_at", "revoked", "verify_url")
            }
            for c in certificates
        ],
    }


@router.post("/cases", status_code=201)
def create_case(body: PeerCaseIn, hub: Hub, peer: PeerCaller) -> dict[str, Any]:
    """A peer's booth starts a case for a service this hub shares; the case lives here."""
    if body.service not in hub.settings.federation.shared_services:
        raise ApiError(403, "peer_service_not_shared", "this service is not shared with peers")
    try:
        hub.catalog.catalog.service(body.service)
    except (KeyError, LookupError):
        raise ApiError(422, "unknown_service", "no such service in the catalog") from None
    try:
        with hub.db() as db:
            link = db.scalar(
                select(PeerCase).where(
                    PeerCase.origin_region == peer.id, PeerCase.origin_ref == body.ref
                )
            )
            if link is None:
                case = open_case(
                    db,
                    hub.catalog.catalog,
                    peer.peer,
                    body.service,
                    new_citizen_ref(),
                    name=body.citizen.name,
                    id_number=body.citizen.id_number.upper(),
                    phone=body.citizen.phone,
                )
                link = PeerCase(case_id=case.id, origin_region=peer.id, origin_ref=body.ref)
                db.add(link)
                db.flush()
                log.info("case %s opened for peer %s", case.id, peer.id)
            else:
                found = db.get(Case, link.case_id)
                assert found is not None
                case = found
            return _peer_case_view(hub, db, case, link)
    except IntegrityError:
        # Two deliveries of the same reference at once (PostgreSQL, several processes):
        # the other made the case; answer with it.
        with hub.db() as db:
            link = db.scalar(
                select(PeerCase).where(
                    PeerCase.origin_region == peer.id, PeerCase.origin_ref == body.ref
                )
            )
            if link is None:
                raise
            again = db.get(Case, link.case_id)
            assert again is not None
            return _peer_case_view(hub, db, again, link)


@router.get("/cases/{case_id}")
def get_case(
    case_id: Annotated[str, Path(max_length=64)], hub: Hub, peer: PeerCaller
) -> dict[str, Any]:
    """A case this hub serves for the calling peer: its status and certificates."""
    with hub.db() as db:
        link = db.get(PeerCase, case_id)
        case = db.get(Case, case_id)
        if link is None or case is None or link.origin_region != peer.id:
            raise not_found("case")
        return _peer_case_view(hub, db, case, link)


@booths.get("/cross-region/services")
def cross_region_services(
    hub: Hub,
    q: Annotated[str, Query(max_length=200)] = "",
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> dict[str, Any]:
    """Services of peer hubs a booth of this hub may start, each with its serving
    ``region``; ``q`` searches them as ``/api/v1/services`` searches the hub's own."""
    found = hub.peer_catalog.search(q, limit)
    return {"services": [s.to_json() for s in found]}


class CrossRegionCaseIn(BaseModel):
    region: Annotated[str, Field(pattern=r"^[0-9]{6}$")]
    service: Annotated[str, Field(min_length=1, max_length=100)]
    citizen: PeerCitizenIn = PeerCitizenIn()


def _peer_unavailable() -> dict[str, Any]:
    """What the booth shows when the serving hub does not answer (translated by its code)."""
    refusal = ApiError(
        503,
        "peer_unavailable",
        "the serving region's hub cannot be reached; the case is kept and sent when it can",
    )
    return {"code": refusal.code, "message": refusal.message}


@booths.post("/cross-region/cases", status_code=201)
async def start_cross_region_case(
    body: CrossRegionCaseIn, hub: Hub, who: BoothCaller, response: Response
) -> dict[str, Any]:
    """A booth starts a case for a service a peer hub serves: kept here first (the outbox,
    kiosk.hub.federation_outbox), then sent. 201 when the peer has it; 202 with a
    ``notice`` (``peer_unavailable``) when it did not answer: the case is sent later."""
    if hub.peer_catalog.find(body.region, body.service) is None:
        raise ApiError(422, "unknown_service", "no peer hub of that region shares this service")

    def keep() -> str:
        with hub.db() as db:
            row = ForwardedCase(
                region=body.region,
                service_code=body.service,
                booth_id=who.id,
                citizen=body.citizen.model_dump(),
                status="pending",
                attempts=0,
                refusal="",
            )
            db.add(row)
            db.flush()
            audit(db, who, "write", f"forwarded:{row.ref}", f"to {body.region}")
            return row.ref

    ref = await asyncio.to_thread(keep)
    try:
        row = await deliver(hub, ref, timeout_s=BOOTH_WAIT_S)
    except PeerUnavailable:
        response.status_code = 202
        pending = await asyncio.to_thread(_own_forwarded, hub, ref, who.id)
        return {**forwarded_view(pending), "notice": _peer_unavailable()}
    if row.status == "pending":  # another sender holds it; it is on its way
        response.status_code = 202
    return forwarded_view(row)


def _own_forwarded(hub: HubState, ref: str, booth_id: str) -> ForwardedCase:
    with hub.db() as db:
        row = db.get(ForwardedCase, ref)
        if row is None or row.booth_id != booth_id:
            raise not_found("case")
        db.expunge(row)
        return row


@booths.get("/cross-region/cases/{ref}")
async def cross_region_case(
    ref: Annotated[str, Path(max_length=32)], hub: Hub, who: BoothCaller
) -> dict[str, Any]:
    """The booth's own forwarded case; once delivered, its status and certificates as the
    serving hub tells them (each certificate verifies at that hub's page)."""
    row = await asyncio.to_thread(_own_forwarded, hub, ref, who.id)
    view = forwarded_view(row)
    if row.status != "delivered":
        return view
    try:
        remote = await hub.federation.call(
            row.region, "GET", f"/api/v1/peer/cases/{row.remote_case_id}", timeout_s=BOOTH_WAIT_S
        )
    except (PeerUnavailable, PeerRefused):
        return {**view, "notice": _peer_unavailable()}
    return {
        **view,
        "case_status": remote.get("status"),
        "certificates": remote.get("certificates", []),
    }
