"""Fleet operations API: booth status and health, config push and restart, work orders.

Operators are hub accounts with the ``operator`` role (its own role: a supervisor or an
administrator is not an operator unless given it) and a scope, the clerk row's
``operator_scope``: comma-separated booth ids or id prefixes ending in ``*`` (``tianhe-*``
for a district whose booths are named so), or ``*`` for the whole fleet; an empty scope
manages nothing (:func:`in_scope`). An operator sees and commands only the booths and work
orders of their scope; maintainers are shared. Everything they do is written to the hub's
audit log.

A config push names only keys on the allow-list :data:`kiosk.core.pushable.PUSHABLE_KEYS`
(anything else is refused here, 422 ``config_locked_key``, before it is sent, and again by
the booth), and is signed with the hub's config-push key (kiosk.core.push_signing; the
booth checks it with ``[hub] push_key``, printed by ``kiosk hub --push-key``).

Endpoints (all under ``/api/v1/ops``, operator token required):

- ``GET  booths`` -> ``{"booths": [{"id", "name", "online", "last_seen_at", "offline_s",
  "health", "health_at", "alerts": [work order, ...]}]}``
- ``GET  booths/{id}/health?limit=N`` -> ``{"history": [{"received_at", "report"}]}``
- ``POST booths/{id}/config`` ``{"settings": {...}}`` -> the booth's ack (``config`` command);
  422 ``config_locked_key`` ``{"keys"}`` for keys that are not pushable
- ``POST booths/{id}/restart`` ``{"reason"}`` -> the booth's ack (``restart`` command; the
  booth restarts at its next moment with no citizen inside)
- ``GET  maintainers``; ``POST maintainers`` ``{"name", "phone", "area"}``
- ``GET  work-orders?status=open|closed|all``
- ``POST work-orders/{id}/dispatch`` ``{"maintainer_id"}``, ``.../start``,
  ``.../close`` ``{"note"}`` (stages: kiosk.hub.workorders)
- ``GET  work-orders/stats`` -> ``{"by_booth": [...], "by_kind": [...]}`` (mean time to
  dispatch and to fix, seconds)

Frames on the booth WebSocket (kiosk.hub.protocol names them; their data is defined here):

- booth -> hub ``health``: :meth:`kiosk.ops.health.HealthReport.to_json` (``version``,
  ``uptime_s``, ``at``, ``devices`` [{``name``, ``present``, ``faults``}], ``camera``,
  ``microphone``, ``locker`` {``total``, ``free``, ``in_use``, ``out_of_service``},
  ``disk`` {``free_bytes``, ``total_bytes``}, ``rss_bytes``, ``network`` {``online``,
  ``rtt_ms``, ``reconnects``}, ``last_error``); every field may be null.
- booth -> hub ``device_fault``: ``{"device", "kind", "message", "at", "slot"?,
  "case_id"?}`` -> a work order of kind ``<device>.<kind>``.
- hub -> booth ``config``: ``{"settings": {"dotted.key": value, ...}, "at", "signature"}``;
  ``restart``: ``{"reason", "by"}`` (acked at once; the restart waits for the booth to be empty).

Faults come in from the booth WebSocket (:func:`on_booth_event`, called by kiosk.hub.ws
for ``health`` and ``device_fault`` events) and from :func:`sweep_offline` (a booth
silent longer than ``AlertLimits.offline_after_s``), run every ``sweep_s`` by
:func:`watch_fleet` for the app's lifetime.

Why maintainers are names and phones rather than hub accounts: the people who fix a
jammed locker or a dead camera are usually the vendor's or a contractor's technicians,
dispatched by phone; they need no login to the government hub (which holds citizens'
cases), and operators must be able to add one in a minute.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kiosk.core.push_signing import public_key_text, sign_push
from kiosk.core.pushable import PUSHABLE_KEYS, not_pushable
from kiosk.hub import workorders as wo
from kiosk.hub.auth import Principal
from kiosk.hub.casework import audit
from kiosk.hub.deps import ClerkCaller, Hub
from kiosk.hub.errors import ApiError, not_found
from kiosk.hub.fleet_alerts import AlertLimits, Fault, fault_of_event, faults_of_health
from kiosk.hub.models import Booth, new_id
from kiosk.hub.ops_models import BoothHealthRecord, Maintainer, WorkOrderRecord
from kiosk.hub.pages import STATIC
from kiosk.hub.state import HubState
from kiosk.hub.switchboard import BoothOffline, CommandFailed

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api/v1/ops", tags=["operations"])
pages = APIRouter(include_in_schema=False)

OPERATOR_ROLE = "operator"
HEALTH_KEPT = 2000  # reports kept per booth (older ones are deleted)
PUSH_KEY_PURPOSE = "config-push"


def _operator(principal: ClerkCaller) -> Principal:
    if not principal.has_role(OPERATOR_ROLE) or not principal.operator_scope:
        raise ApiError(403, "operators_only", "only an operator may do this")
    return principal


Operator = Annotated[Principal, Depends(_operator)]


def in_scope(who: Principal, booth_id: str) -> bool:
    """Whether the operator ``who`` may manage ``booth_id`` (see the module's docstring)."""
    for pattern in who.operator_scope:
        if pattern == "*" or pattern == booth_id:
            return True
        if pattern.endswith("*") and len(pattern) > 1 and booth_id.startswith(pattern[:-1]):
            return True
    return False


def _own_booth(who: Principal, booth_id: str) -> None:
    if not in_scope(who, booth_id):
        raise ApiError(403, "outside_scope", "this booth is not in your scope")


def push_key(hub: HubState) -> str:
    """The public half of the hub's config-push key (a booth's ``[hub] push_key``)."""
    return public_key_text(hub.links.derive(PUSH_KEY_PURPOSE))


def set_limits(hub: HubState, limits: AlertLimits) -> None:
    """The thresholds health reports are read against (``[ops] alert_*``)."""
    hub.alert_limits = limits


def limits_of(hub: HubState) -> AlertLimits:
    return hub.alert_limits


def _now(hub: HubState) -> dt.datetime:
    return hub.clock.now().astimezone(dt.UTC)


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    """Stored stamps back as aware UTC (SQLite returns them naive)."""
    if value is None:
        return None
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def _iso(value: dt.datetime | None) -> str | None:
    stamp = _utc(value)
    return stamp.isoformat(timespec="seconds") if stamp else None


# --- faults coming in -------------------------------------------------------------------


async def on_booth_event(hub: HubState, booth_id: str, name: str, data: dict[str, Any]) -> None:
    """Store a booth's ``health`` and open or attach work orders for its faults."""
    try:
        if name == "health":
            await asyncio.to_thread(_store_health, hub, booth_id, data)
        elif name == "device_fault":
            fault = fault_of_event(data)
            at = _reported_at(hub, data)
            await asyncio.to_thread(_raise_faults, hub, booth_id, [fault], at)
    except Exception:  # the booth's ack says so; its channel keeps the socket
        log.exception("booth %s: %s not stored", booth_id, name)
        raise ApiError(503, "not_stored", f"{name} could not be stored") from None


def _reported_at(hub: HubState, data: dict[str, Any]) -> dt.datetime:
    """When the booth saw the fault (its ``at``), never later than now."""
    now = _now(hub)
    try:
        at = dt.datetime.fromisoformat(str(data.get("at")))
    except ValueError:
        return now
    at = at if at.tzinfo else at.replace(tzinfo=dt.UTC)
    return min(at.astimezone(dt.UTC), now)


def _store_health(hub: HubState, booth_id: str, report: dict[str, Any]) -> None:
    now = _now(hub)
    with hub.db() as db:
        db.add(BoothHealthRecord(booth_id=booth_id, received_at=now, report=report))
        old = db.scalars(
            select(BoothHealthRecord.id)
            .where(BoothHealthRecord.booth_id == booth_id)
            .order_by(BoothHealthRecord.id.desc())
            .offset(HEALTH_KEPT)
            .limit(100)
        ).all()
        for row_id in old:
            row = db.get(BoothHealthRecord, row_id)
            if row is not None:
                db.delete(row)
    faults = faults_of_health(report, limits_of(hub))
    if faults:
        _raise_faults(hub, booth_id, faults, now, repeat=False)


def _raise_faults(
    hub: HubState,
    booth_id: str,
    faults: list[Fault],
    detected_at: dt.datetime,
    *,
    repeat: bool = True,
) -> list[str]:
    """Open a work order per fault, or attach it to the open one of that booth and kind.

    ``repeat`` False: a continuing state (health, offline), not a new occurrence.
    """
    now = _now(hub)
    ids = []
    with hub.db() as db:
        for fault in faults:
            row = _open_order(db, booth_id, fault.kind)
            if row is None:
                order = wo.detect(new_id(), booth_id, fault.kind, fault.summary, detected_at, now)
                row = WorkOrderRecord(id=order.id)
                db.add(row)
                _save(row, order)
                audit(db, f"booth:{booth_id}", "write", f"work_order:{order.id}", fault.kind)
                log.warning("booth %s: %s; work order opened", booth_id, fault.kind)
            else:
                _save(row, wo.attach(_load(row), now, fault.summary, repeat=repeat))
            ids.append(row.id)
    return ids


def _open_order(db: Session, booth_id: str, kind: str) -> WorkOrderRecord | None:
    return db.scalar(
        select(WorkOrderRecord)
        .where(
            WorkOrderRecord.booth_id == booth_id,
            WorkOrderRecord.kind == kind,
            WorkOrderRecord.stage.in_(wo.OPEN_STAGES),
        )
        .limit(1)
    )


def _load(row: WorkOrderRecord) -> wo.WorkOrder:
    def stamp(value: dt.datetime | None) -> dt.datetime:
        result = _utc(value)
        assert result is not None
        return result

    return wo.WorkOrder(
        id=row.id,
        booth_id=row.booth_id,
        kind=row.kind,
        summary=row.summary,
        stage=row.stage,  # type: ignore[arg-type]
        detected_at=stamp(row.detected_at),
        alerted_at=stamp(row.alerted_at),
        last_seen_at=stamp(row.last_seen_at),
        occurrences=row.occurrences,
        maintainer_id=row.maintainer_id,
        dispatched_at=_utc(row.dispatched_at),
        handling_at=_utc(row.handling_at),
        closed_at=_utc(row.closed_at),
        note=row.note,
    )


def _save(row: WorkOrderRecord, order: wo.WorkOrder) -> None:
    for name in (
        "booth_id",
        "kind",
        "summary",
        "stage",
        "occurrences",
        "maintainer_id",
        "detected_at",
        "alerted_at",
        "last_seen_at",
        "dispatched_at",
        "handling_at",
        "closed_at",
        "note",
    ):
        setattr(row, name, getattr(order, name))
    row.summary = row.summary[:300]


# --- booths gone silent -----------------------------------------------------------------


def sweep_offline(hub: HubState) -> list[str]:
    """Open ``booth.offline`` orders for booths silent past the limit; their ids."""
    limit = limits_of(hub).offline_after_s
    now = _now(hub)
    opened = []
    for booth_id, last in _last_heard(hub).items():
        if hub.switchboard.online(f"booth:{booth_id}") or last is None:
            continue  # online, or never installed
        silent = (now - last).total_seconds()
        if silent >= limit:
            fault = Fault("booth.offline", f"booth offline for {int(silent // 60)} min")
            opened += _raise_faults(hub, booth_id, [fault], last, repeat=False)
    return opened


def _last_heard(hub: HubState) -> dict[str, dt.datetime | None]:
    """Each booth's last sign of life: its connection or its newest health report."""
    # Two queries for the whole fleet: one per booth held the GIL long enough, with 800
    # booths, to stall the event loop's signaling relay every sweep (bench/hub.py).
    with hub.sessions() as db:
        heard: dict[str, dt.datetime | None] = {
            booth_id: _utc(seen)
            for booth_id, seen in db.execute(select(Booth.id, Booth.last_seen_at))
        }
        newest = db.execute(
            select(BoothHealthRecord.booth_id, func.max(BoothHealthRecord.received_at)).group_by(
                BoothHealthRecord.booth_id
            )
        )
        for booth_id, at in newest:
            latest, known = _utc(at), heard.get(booth_id)
            if booth_id in heard and latest is not None and (known is None or latest > known):
                heard[booth_id] = latest
    return heard


@contextlib.asynccontextmanager
async def watch_fleet(hub: HubState, sweep_s: float = 30.0) -> AsyncIterator[None]:
    """Run :func:`sweep_offline` every ``sweep_s`` while the app lives."""

    async def loop() -> None:
        while True:
            await hub.clock.sleep(sweep_s)
            try:
                await asyncio.to_thread(sweep_offline, hub)
            except Exception:  # keep watching; the next sweep may succeed
                log.exception("offline sweep failed")

    task = asyncio.create_task(loop(), name="fleet-watch")
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


# --- views ------------------------------------------------------------------------------


def order_view(
    order: wo.WorkOrder, maintainers: dict[str, Maintainer], booth_names: dict[str, str]
) -> dict[str, Any]:
    who = maintainers.get(order.maintainer_id or "")
    return {
        "id": order.id,
        "booth_id": order.booth_id,
        "booth_name": booth_names.get(order.booth_id, order.booth_id),
        "kind": order.kind,
        "summary": order.summary,
        "stage": order.stage,
        "open": order.open,
        "occurrences": order.occurrences,
        "maintainer": (
            {"id": who.id, "name": who.name, "phone": who.phone} if who is not None else None
        ),
        "detected_at": _iso(order.detected_at),
        "alerted_at": _iso(order.alerted_at),
        "last_seen_at": _iso(order.last_seen_at),
        "dispatched_at": _iso(order.dispatched_at),
        "handling_at": _iso(order.handling_at),
        "closed_at": _iso(order.closed_at),
        "note": order.note,
        "time_to_dispatch_s": _seconds(order.time_to_dispatch_s),
        "time_to_fix_s": _seconds(order.time_to_fix_s),
    }


def _seconds(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _maintainer_view(m: Maintainer) -> dict[str, Any]:
    return {"id": m.id, "name": m.name, "phone": m.phone, "area": m.area}


def _orders(db: Session, status: str = "all") -> list[wo.WorkOrder]:
    query = select(WorkOrderRecord).order_by(WorkOrderRecord.alerted_at.desc())
    if status == "open":
        query = query.where(WorkOrderRecord.stage.in_(wo.OPEN_STAGES))
    elif status == "closed":
        query = query.where(WorkOrderRecord.stage == "closed")
    return [_load(row) for row in db.scalars(query)]


def _lookups(db: Session) -> tuple[dict[str, Maintainer], dict[str, str]]:
    maintainers = {m.id: m for m in db.scalars(select(Maintainer))}
    names = {b.id: b.name for b in db.scalars(select(Booth))}
    return maintainers, names


@pages.get("/ops")
def operator_page() -> FileResponse:
    """The operator page (static; it logs in and calls the API below)."""
    return FileResponse(STATIC / "ops.html")


# --- endpoints: booths ------------------------------------------------------------------


@router.get("/booths")
def list_booths(hub: Hub, who: Operator) -> dict[str, Any]:
    """Every registered booth with its status, newest health and open work orders."""
    now = _now(hub)
    heard = _last_heard(hub)
    with hub.sessions() as db:
        maintainers, names = _lookups(db)
        open_orders = _orders(db, "open")
        booths = []
        for booth in db.scalars(select(Booth).order_by(Booth.id)):
            if not in_scope(who, booth.id):
                continue
            latest = db.scalar(
                select(BoothHealthRecord)
                .where(BoothHealthRecord.booth_id == booth.id)
                .order_by(BoothHealthRecord.id.desc())
                .limit(1)
            )
            online = hub.switchboard.online(f"booth:{booth.id}")
            last = heard.get(booth.id)
            booths.append(
                {
                    "id": booth.id,
                    "name": booth.name,
                    "online": online,
                    "last_seen_at": _iso(last),
                    "offline_s": None
                    if online or last is None
                    else round((now - last).total_seconds()),
                    "health": latest.report if latest is not None else None,
                    "health_at": _iso(latest.received_at) if latest is not None else None,
                    "alerts": [
                        order_view(o, maintainers, names)
                        for o in open_orders
                        if o.booth_id == booth.id
                    ],
                }
            )
    return {"booths": booths}


@router.get("/booths/{booth_id}/health")
def health_history(
    booth_id: str, hub: Hub, who: Operator, limit: Annotated[int, Query(ge=1, le=500)] = 50
) -> dict[str, Any]:
    _own_booth(who, booth_id)
    with hub.sessions() as db:
        if db.get(Booth, booth_id[:64]) is None:
            raise not_found("booth")
        rows = db.scalars(
            select(BoothHealthRecord)
            .where(BoothHealthRecord.booth_id == booth_id)
            .order_by(BoothHealthRecord.id.desc())
            .limit(limit)
        ).all()
        return {"history": [{"received_at": _iso(r.received_at), "report": r.report} for r in rows]}


class ConfigIn(BaseModel):
    settings: dict[str, Any] = Field(min_length=1, description="config keys and their values")


class RestartIn(BaseModel):
    reason: Annotated[str, Field(max_length=200)] = ""


async def _command(
    hub: HubState, who: Principal, booth_id: str, name: str, data: dict[str, Any], detail: str
) -> dict[str, Any]:
    def known() -> bool:
        with hub.sessions() as db:
            return db.get(Booth, booth_id[:64]) is not None

    _own_booth(who, booth_id)
    if not await asyncio.to_thread(known):
        raise not_found("booth")
    outcome = "ok"
    try:
        ack = await hub.switchboard.command(booth_id, name, data)
    except BoothOffline:
        outcome = "booth_offline"
    except CommandFailed as exc:
        outcome = exc.code

    def write_audit() -> None:
        with hub.db() as db:
            audit(db, who, "write", f"booth:{booth_id}", f"{name} {detail} -> {outcome}")

    await asyncio.to_thread(write_audit)
    if outcome == "booth_offline":
        raise ApiError(409, "booth_offline", "the booth is not connected")
    if outcome != "ok":
        raise ApiError(
            409, "command_failed", f"the booth refused {name}: {outcome}", reason=outcome
        )
    return {"booth_id": booth_id, "command": name, "ok": True, "ack": ack}


@router.post("/booths/{booth_id}/config")
async def push_config(booth_id: str, body: ConfigIn, hub: Hub, who: Operator) -> dict[str, Any]:
    """Send a signed ``config`` command with the settings; the booth applies and acks it.
    Keys off the allow-list are refused here, before anything is sent."""
    _own_booth(who, booth_id)
    keys = ",".join(sorted(body.settings))[:200]
    locked = not_pushable(body.settings)
    if locked:

        def write_audit() -> None:
            with hub.db() as db:
                detail = f"config keys={keys} -> config_locked_key"
                audit(db, who, "write", f"booth:{booth_id}", detail[:300])

        await asyncio.to_thread(write_audit)
        raise ApiError(
            422,
            "config_locked_key",
            "these settings cannot be pushed: " + ", ".join(locked)[:300],
            keys=locked,
            reason="config_locked_key",
            pushable=sorted(PUSHABLE_KEYS),
        )
    data = sign_push(hub.links.derive(PUSH_KEY_PURPOSE), booth_id, body.settings, _now(hub))
    return await _command(hub, who, booth_id, "config", data, f"keys={keys}")


@router.post("/booths/{booth_id}/restart")
async def restart_booth(
    booth_id: str, hub: Hub, who: Operator, body: RestartIn | None = None
) -> dict[str, Any]:
    """Ask the booth to restart its app (it waits until no citizen is inside)."""
    reason = body.reason if body is not None else ""
    return await _command(
        hub, who, booth_id, "restart", {"reason": reason, "by": who.peer}, f"reason={reason}"
    )


# --- endpoints: maintainers ------------------------------------------------------------


class MaintainerIn(BaseModel):
    name: Annotated[str, Field(min_length=1, max_length=100)]
    phone: Annotated[str, Field(max_length=40, pattern=r"^[0-9+() -]*$")] = ""
    area: Annotated[str, Field(max_length=100)] = ""


@router.get("/maintainers")
def list_maintainers(hub: Hub, _who: Operator) -> dict[str, Any]:
    with hub.sessions() as db:
        rows = db.scalars(select(Maintainer).order_by(Maintainer.name))
        return {"maintainers": [_maintainer_view(m) for m in rows]}


@router.post("/maintainers", status_code=201)
def add_maintainer(body: MaintainerIn, hub: Hub, who: Operator) -> dict[str, Any]:
    with hub.db() as db:
        m = Maintainer(id=new_id(), name=body.name, phone=body.phone, area=body.area)
        db.add(m)
        audit(db, who, "write", f"maintainer:{m.id}", "added")
        return _maintainer_view(m)


# --- endpoints: work orders ------------------------------------------------------------


@router.get("/work-orders")
def list_orders(
    hub: Hub,
    who: Operator,
    status: Annotated[str, Query(pattern="^(open|closed|all)$")] = "all",
) -> dict[str, Any]:
    with hub.sessions() as db:
        maintainers, names = _lookups(db)
        orders = [o for o in _orders(db, status) if in_scope(who, o.booth_id)]
        return {"work_orders": [order_view(o, maintainers, names) for o in orders]}


@router.get("/work-orders/stats")
def order_stats(hub: Hub, who: Operator) -> dict[str, Any]:
    """Mean time to dispatch and to fix, per booth and per fault kind (seconds)."""
    with hub.sessions() as db:
        orders = [o for o in _orders(db) if in_scope(who, o.booth_id)]
    return {"by_booth": wo.aggregate(orders, "booth_id"), "by_kind": wo.aggregate(orders, "kind")}


class DispatchIn(BaseModel):
    maintainer_id: Annotated[str, Field(min_length=1, max_length=32)]


class CloseIn(BaseModel):
    note: Annotated[str, Field(min_length=1, max_length=2000)]


def _transition(
    hub: HubState,
    who: Principal,
    order_id: str,
    change: Callable[[wo.WorkOrder, dt.datetime], wo.WorkOrder],
    detail: str,
) -> dict[str, Any]:
    with hub.db() as db:
        row = db.get(WorkOrderRecord, order_id[:32])
        if row is None:
            raise not_found("work_order")
        _own_booth(who, row.booth_id)
        try:
            order = change(_load(row), _now(hub))
        except wo.WorkOrderError as exc:
            raise ApiError(409, exc.code, str(exc)) from None
        _save(row, order)
        audit(db, who, "write", f"work_order:{order.id}", detail)
        maintainers, names = _lookups(db)
        return order_view(order, maintainers, names)


@router.post("/work-orders/{order_id}/dispatch")
def dispatch_order(order_id: str, body: DispatchIn, hub: Hub, who: Operator) -> dict[str, Any]:
    with hub.sessions() as db:
        if db.get(Maintainer, body.maintainer_id) is None:
            raise not_found("maintainer")
    return _transition(
        hub,
        who,
        order_id,
        lambda o, at: wo.dispatch(o, body.maintainer_id, at),
        f"dispatch maintainer={body.maintainer_id}",
    )


@router.post("/work-orders/{order_id}/start")
def start_order(order_id: str, hub: Hub, who: Operator) -> dict[str, Any]:
    return _transition(hub, who, order_id, wo.start, "start")


@router.post("/work-orders/{order_id}/close")
def close_order(order_id: str, body: CloseIn, hub: Hub, who: Operator) -> dict[str, Any]:
    return _transition(hub, who, order_id, lambda o, at: wo.close(o, body.note, at), "close")
