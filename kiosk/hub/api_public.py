"""Public endpoints: health, the service catalog and service search."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Response
from sqlalchemy import text

from kiosk import __version__
from kiosk.hub.casework import text_of
from kiosk.hub.deps import Hub

router = APIRouter(prefix="/api/v1", tags=["public"])


@router.get("/health")
def health(hub: Hub, response: Response) -> dict[str, Any]:
    """Liveness and readiness: the database answers and how many booths are connected."""
    try:
        with hub.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        db = "ok"
    except Exception:
        db = "error"
        response.status_code = 503
    return {
        "status": "ok" if db == "ok" else "degraded",
        "version": __version__,
        "db": db,
        "booths_online": hub.switchboard.booths_online(),
    }


@router.get("/catalog", responses={304: {"description": "not modified"}})
def catalog(hub: Hub, if_none_match: Annotated[str | None, Header()] = None) -> Response:
    """The whole catalog document, as ``Catalog.to_json()``, with an ETag."""
    doc = hub.catalog
    headers = {"ETag": doc.etag, "Cache-Control": "no-cache"}
    if if_none_match and doc.etag in [t.strip() for t in if_none_match.split(",")]:
        return Response(status_code=304, headers=headers)
    return Response(doc.body, media_type="application/json", headers=headers)


def service_summary(service: Any) -> dict[str, Any]:
    return {
        "code": service.code,
        "name": text_of(service.name),
        "department": service.department,
        "summary": text_of(service.summary),
        "mode": service.mode,
        "needs_clerk": service.needs_clerk,
        "uses_locker": service.uses_locker,
    }


@router.get("/services")
def services(
    hub: Hub,
    q: Annotated[str, Query(max_length=200)] = "",
    department: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> dict[str, Any]:
    """Search by Chinese text, pinyin, pinyin initials or English (the booth's search);
    without ``q``, every service (of ``department`` if given)."""
    cat = hub.catalog.catalog
    found = cat.search(q, limit=500) if q.strip() else list(cat.services)
    if department:
        found = [s for s in found if s.department == department]
    return {"services": [service_summary(s) for s in found[:limit]]}


@router.get("/departments")
def departments(hub: Hub) -> dict[str, Any]:
    return {
        "departments": [
            {"code": d.code, "name": text_of(d.name)} for d in hub.catalog.catalog.departments
        ]
    }
