"""FastAPI dependencies: the hub state and the authenticated caller; what every router
looks up the same way (a catalog service, the case a caller may see)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.hub.auth import Principal, token_hash
from kiosk.hub.casework import may_see
from kiosk.hub.errors import ApiError, not_found
from kiosk.hub.models import Booth, Case, Clerk, ClerkSession
from kiosk.hub.state import HubState

_bearer = HTTPBearer(auto_error=False)


def hub_of(request: Request) -> HubState:
    state: HubState = request.app.state.hub
    return state


Hub = Annotated[HubState, Depends(hub_of)]


def resolve_token(hub: HubState, token: str) -> Principal | None:
    """The caller a bearer token stands for, or None."""
    if token.startswith("ct."):
        ref = hub.links.check(token)
        return None if ref is None else Principal(kind="citizen", id=ref)
    if token.startswith("bt_"):
        with hub.sessions() as db:
            booth = db.scalar(select(Booth).where(Booth.token_hash == token_hash(token)))
            return None if booth is None else Principal(kind="booth", id=booth.id, name=booth.name)
    if token.startswith("cs_"):
        with hub.sessions() as db:
            row = db.get(ClerkSession, token_hash(token))
            if row is None or row.expires_at.timestamp() < hub.clock.now().timestamp():
                return None
            clerk = db.get(Clerk, row.clerk_id)
            if clerk is None or not clerk.active:
                return None
            return Principal(
                kind="clerk",
                id=clerk.id,
                department=clerk.department,
                roles=clerk.role_set,
                name=clerk.display_name,
                session=row.token_hash,
                operator_scope=tuple(
                    part.strip() for part in (clerk.operator_scope or "").split(",") if part.strip()
                ),
            )
    return None


def _caller(
    hub: Hub, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Principal:
    if credentials is None:
        raise ApiError(401, "unauthorized", "a bearer token is required")
    principal = resolve_token(hub, credentials.credentials)
    if principal is None:
        raise ApiError(401, "invalid_token", "the token is unknown or has expired")
    return principal


def _optional_caller(
    hub: Hub, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Principal | None:
    if credentials is None:
        return None
    return _caller(hub, credentials)


def _clerk(principal: Annotated[Principal, Depends(_caller)]) -> Principal:
    if principal.kind != "clerk":
        raise ApiError(403, "clerks_only", "only a clerk may do this")
    return principal


def _admin(principal: Annotated[Principal, Depends(_clerk)]) -> Principal:
    if not principal.has_role("admin"):
        raise ApiError(403, "admins_only", "only an administrator may do this")
    return principal


def _booth(principal: Annotated[Principal, Depends(_caller)]) -> Principal:
    if principal.kind != "booth":
        raise ApiError(403, "booths_only", "only a booth may do this")
    return principal


def _citizen(principal: Annotated[Principal, Depends(_caller)]) -> Principal:
    if principal.kind != "citizen":
        raise ApiError(403, "citizens_only", "only the citizen's own link may do this")
    return principal


Caller = Annotated[Principal, Depends(_caller)]
OptionalCaller = Annotated[Principal | None, Depends(_optional_caller)]
ClerkCaller = Annotated[Principal, Depends(_clerk)]
AdminCaller = Annotated[Principal, Depends(_admin)]
BoothCaller = Annotated[Principal, Depends(_booth)]
CitizenCaller = Annotated[Principal, Depends(_citizen)]


# Request fields every router takes: a code (a service's, a booth's), a mainland mobile
# number (checked by kiosk.hub.phone_numbers.check_mobile)
Code = Annotated[str, Field(min_length=1, max_length=100)]
Phone = Annotated[str, Field(max_length=20)]


def service_of(hub: HubState, code: str) -> Any:
    try:
        return hub.catalog.catalog.service(code)
    except (KeyError, LookupError):
        raise ApiError(422, "unknown_service", "no such service in the catalog") from None


def load_case(
    hub: HubState, db: Session, case_id: str, who: Principal, *, lock: bool = False
) -> Case:
    """The case ``who`` may see; ``lock``: its row locked until the transaction ends (a
    read-modify-write of it, such as merging form fields, is not lost to another)."""
    case = db.get(Case, case_id, with_for_update=lock)
    if case is None or not may_see(db, who, case):
        # Not telling a stranger whether the case exists.
        raise not_found("case")
    return case


class CitizenIn(BaseModel):
    name: Annotated[str, Field(max_length=100)] = ""
    id_number: Annotated[str, Field(max_length=18, pattern=r"^([0-9]{15}|[0-9]{17}[0-9Xx])?$")] = ""
    phone: Annotated[str, Field(max_length=20, pattern=r"^(\+?[0-9]{5,20})?$")] = ""


def client_address(request: Request) -> str:
    """The caller's address, for rate limits (behind a proxy: see docs/security.md)."""
    return request.client.host if request.client else "?"
