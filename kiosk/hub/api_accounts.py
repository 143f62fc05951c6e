"""Accounts: clerk login and sessions, clerks, booths and their registration."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kiosk.hub.api_ops import push_key
from kiosk.hub.auth import (
    Passwords,
    new_booth_token,
    new_session_token,
    token_hash,
)
from kiosk.hub.casework import iso
from kiosk.hub.deps import AdminCaller, Caller, ClerkCaller, Hub, OptionalCaller
from kiosk.hub.errors import ApiError
from kiosk.hub.models import Booth, Clerk, ClerkSession

router = APIRouter(prefix="/api/v1", tags=["accounts"])

Name = Annotated[str, Field(min_length=1, max_length=100)]
BoothId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")]
# ``operator``: the fleet (kiosk.hub.api_ops), within the clerk row's operator_scope.
ROLES = {"clerk", "supervisor", "admin", "operator"}
Scope = Annotated[str, Field(max_length=500, pattern=r"^[A-Za-z0-9_.*,-]*$")]


class LoginIn(BaseModel):
    username: Name
    password: Annotated[str, Field(min_length=1, max_length=200)]


@router.post("/auth/login")
def login(body: LoginIn, hub: Hub, request: Request) -> dict[str, Any]:
    """Exchange a clerk's password for a session token (``cs_...``) that expires."""
    address = request.client.host if request.client else "?"
    # Reserved before the slow hash (kiosk.hub.auth.LoginLimiter): parallel guesses queue
    # against the limits instead of all being evaluated.
    wait = hub.limiter.reserve(body.username, address)
    if wait > 0:
        raise ApiError(
            429,
            "too_many_attempts",
            "too many failed logins; try later",
            retry_after_s=max(1, round(wait)),
        )
    succeeded = False
    try:
        with hub.db() as db:
            clerk = db.scalar(select(Clerk).where(Clerk.username == body.username))
            ok = hub.passwords.check(clerk.password_hash if clerk else None, body.password)
            if clerk is None or not ok or not clerk.active:
                raise ApiError(401, "bad_credentials", "wrong user name or password")
            succeeded = True
            return _open_session(hub, db, clerk)
    finally:
        hub.limiter.release(body.username, address, succeeded=succeeded)


def _open_session(hub: Any, db: Session, clerk: Clerk) -> dict[str, Any]:
    token = new_session_token()
    expires = hub.clock.now() + dt.timedelta(seconds=hub.settings.clerk_session_ttl_s)
    db.add(ClerkSession(token_hash=token_hash(token), clerk_id=clerk.id, expires_at=expires))
    return {"token": token, "expires_at": expires.isoformat(), "clerk": clerk_view(hub, clerk)}


@router.post("/auth/logout")
async def logout(hub: Hub, who: ClerkCaller) -> dict[str, Any]:
    """End the session: its token stops working and its sockets (the console's WebSocket)
    are closed, in every hub process (kiosk.hub.switchboard.Switchboard.end_session)."""

    def forget() -> None:
        with hub.db() as db:
            row = db.get(ClerkSession, who.session)
            if row is not None:
                db.delete(row)

    await asyncio.to_thread(forget)
    hub.switchboard.end_session(who.session)
    return {"ok": True}


def clerk_view(hub: Any, clerk: Clerk) -> dict[str, Any]:
    return {
        "id": clerk.id,
        "username": clerk.username,
        "name": clerk.display_name,
        "department": clerk.department,
        "roles": sorted(clerk.role_set),
        "presence": hub.switchboard.presence(f"clerk:{clerk.id}"),
    }


@router.get("/me")
def me(hub: Hub, who: Caller) -> dict[str, Any]:
    """Who the token belongs to."""
    return {
        "kind": who.kind,
        "id": who.id,
        "department": who.department,
        "roles": sorted(who.roles),
        "name": who.name,
        "operator_scope": list(who.operator_scope),
    }


class ClerkIn(BaseModel):
    username: Name
    password: Annotated[str, Field(min_length=8, max_length=200)]
    name: Name
    department: Annotated[str, Field(min_length=1, max_length=64)]
    roles: list[str] = ["clerk"]
    operator_scope: Scope = ""  # with the operator role: see kiosk.hub.api_ops.in_scope


def create_clerk(
    db: Session,
    passwords: Passwords,
    username: str,
    password: str,
    name: str,
    department: str,
    roles: list[str],
    *,
    operator_scope: str = "",
) -> Clerk:
    """Create a clerk account (used by the API, the command line and tests)."""
    clerk = Clerk(
        username=username,
        display_name=name,
        department=department,
        roles=",".join(sorted(set(roles))),
        operator_scope=operator_scope,
        password_hash=passwords.hash(password),
    )
    db.add(clerk)
    db.flush()
    return clerk


@router.post("/clerks", status_code=201)
def add_clerk(body: ClerkIn, hub: Hub, who: AdminCaller) -> dict[str, Any]:
    if not set(body.roles) <= ROLES or not body.roles:
        raise ApiError(422, "unknown_role", "roles are clerk, supervisor, admin and operator")
    if ("operator" in body.roles) != bool(body.operator_scope):
        raise ApiError(
            422, "operator_scope", "an operator needs an operator_scope, and only an operator"
        )
    if body.department not in {d.code for d in hub.catalog.catalog.departments}:
        raise ApiError(422, "unknown_department", "no such department")
    try:
        with hub.db() as db:
            clerk = create_clerk(
                db,
                hub.passwords,
                body.username,
                body.password,
                body.name,
                body.department,
                body.roles,
                operator_scope=body.operator_scope,
            )
            return clerk_view(hub, clerk)
    except IntegrityError:
        raise ApiError(409, "username_taken", "that user name is taken") from None


@router.get("/clerks")
def list_clerks(hub: Hub, who: ClerkCaller, department: str | None = None) -> dict[str, Any]:
    """Clerks with their presence (online, busy, away, offline), to pick whom to invite."""
    with hub.sessions() as db:
        query = select(Clerk).where(Clerk.active.is_(True)).order_by(Clerk.username)
        if department:
            query = query.where(Clerk.department == department)
        return {"clerks": [clerk_view(hub, c) for c in db.scalars(query)]}


class BoothIn(BaseModel):
    id: BoothId
    name: Annotated[str, Field(min_length=1, max_length=200)]


def register_booth(db: Session, booth_id: str, name: str) -> str:
    """Create a booth, or give an existing one a new token; returns the token."""
    token = new_booth_token()
    booth = db.get(Booth, booth_id)
    if booth is None:
        db.add(Booth(id=booth_id, name=name, token_hash=token_hash(token)))
    else:
        booth.token_hash = token_hash(token)
        booth.name = name
    db.flush()
    return token


@router.post("/booths", status_code=201)
def add_booth(body: BoothIn, hub: Hub, who: AdminCaller) -> dict[str, Any]:
    """Register a booth (or re-issue its token; the old one stops working). The answer
    carries what the booth's ``[hub]`` section needs: its token and the hub's push key."""
    with hub.db() as db:
        token = register_booth(db, body.id, body.name)
    return {"id": body.id, "name": body.name, "token": token, "push_key": push_key(hub)}


@router.get("/booths")
def list_booths(hub: Hub, who: OptionalCaller) -> dict[str, Any]:
    """Booths with whether they are connected now (clerks and citizens choosing a booth)."""
    board = hub.switchboard
    with hub.sessions() as db:
        booths = db.scalars(select(Booth).order_by(Booth.id)).all()
        out = []
        for b in booths:
            item: dict[str, Any] = {
                "id": b.id,
                "name": b.name,
                "online": board.online(f"booth:{b.id}"),
            }
            if who is not None and who.kind == "clerk":
                item["last_seen_at"] = iso(b.last_seen_at)
                link = board.links.get(f"booth:{b.id}")
                item["health"] = link.health if link else {}
            out.append(item)
    # Appointment times are the booths' wall clock (kiosk.hub.local_time).
    return {"booths": out, "time_zone": hub.settings.time_zone}
