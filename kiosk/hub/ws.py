"""The two WebSocket endpoints: ``/ws/booth`` and ``/ws/clerk`` (frames: kiosk.hub.protocol)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections import OrderedDict
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from sqlalchemy import select

from kiosk.hub import api_ops, interruptions, queueing
from kiosk.hub.auth import Principal
from kiosk.hub.browser_policy import origin_allowed
from kiosk.hub.casework import audit, record
from kiosk.hub.deps import resolve_token
from kiosk.hub.errors import ApiError
from kiosk.hub.models import Booth, Case, LockerDeposit
from kiosk.hub.protocol import BOOTH_EVENTS, PRESENCE
from kiosk.hub.state import HubState
from kiosk.hub.switchboard import SWEEP_SLICES, Link, LinkClosed

log = logging.getLogger(__name__)
router = APIRouter()

SEEN_EVENTS = 512  # event ids remembered per booth, so a resent event is not done twice
# Frames a peer may send: a burst, then a steady rate. A call's signaling and a booth's events
# stay far below (bench/hub.py relays ~20 frames/s per socket); a peer past it is flooding
# the hub and is closed (4429). The size of one frame is bounded by uvicorn (``ws_max_size``,
# HubSettings.ws_max_message_bytes: larger frames close the socket with 1009).
FRAME_BURST = 200
FRAME_RATE_PER_S = 50.0


# A socket that has not authenticated within this long is closed (4401): a browser cannot
# set headers on a WebSocket, so it sends its token as the first frame instead of in the URL.
AUTH_TIMEOUT_S = 5.0
AUTH_FRAME_MAX = 1024  # an auth frame is a token in a small JSON object


def _header_token(ws: WebSocket) -> str | None:
    """The bearer token of the ``Authorization`` header (non-browser clients: the booth)."""
    header = ws.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return None


async def _authenticate(ws: WebSocket, kind: str) -> Principal | None:
    """Who opened this socket, or None once it has been refused.

    A token in the URL is refused outright (``?token=`` ends up in access logs, proxies and
    browser history). With an ``Authorization`` header a bad token is refused during the
    handshake (HTTP 403); without one the socket is accepted and its first frame must be
    ``{"type": "auth", "token": ...}`` within AUTH_TIMEOUT_S, else it is closed with 4401.
    A handshake from a browser page of another site (its ``Origin``) is refused with 403.
    """
    hub: HubState = ws.app.state.hub
    if "token" in ws.query_params or not origin_allowed(ws.headers, hub.settings.public_url):
        await ws.close(code=4403)  # before the handshake: the client sees HTTP 403
        return None
    token = _header_token(ws)
    if token is not None:
        principal = await asyncio.to_thread(resolve_token, hub, token) if token else None
        if principal is None or principal.kind != kind:
            # Refused before the handshake completes: the client sees HTTP 403 and should
            # not retry with the same token.
            await ws.close(code=4401)
            return None
        await ws.accept()
        return principal
    await ws.accept()
    try:
        text = await asyncio.wait_for(ws.receive_text(), AUTH_TIMEOUT_S)
    except (TimeoutError, WebSocketDisconnect, RuntimeError, KeyError):
        await _close_quietly(ws, 4401, "authenticate first")
        return None
    principal = None
    if len(text) <= AUTH_FRAME_MAX:
        try:
            frame = json.loads(text)
        except ValueError:
            frame = None
        if isinstance(frame, dict) and frame.get("type") == "auth":
            token = frame.get("token")
            if isinstance(token, str) and token:
                principal = await asyncio.to_thread(resolve_token, hub, token)
    if principal is None or principal.kind != kind:
        await _close_quietly(ws, 4401, "not authenticated")
        return None
    return principal


async def _close_quietly(ws: WebSocket, code: int, reason: str) -> None:
    with contextlib.suppress(RuntimeError, WebSocketDisconnect):
        await ws.close(code=code, reason=reason)


def _now_iso(hub: HubState) -> str:
    return hub.clock.now().isoformat()


async def heartbeats(hub: HubState) -> None:
    """One sweeper for every connection (not a task each). Each link is visited once per
    ``heartbeat_s`` (in one of SWEEP_SLICES slices, so thousands of pings do not leave at once):
    a link silent that long is pinged, one silent for three is closed (4408)."""
    board = hub.switchboard
    heartbeat = hub.settings.heartbeat_s
    tick = 0
    while True:
        await asyncio.sleep(heartbeat / SWEEP_SLICES)
        tick = (tick + 1) % SWEEP_SLICES
        now = hub.clock.monotonic()
        ping = json.dumps({"type": "ping", "ts": hub.clock.now().timestamp()})
        for link in list(board.links.values()):
            if link.sweep_slot != tick:
                continue
            silent = now - link.last_seen
            if silent > 3 * heartbeat:
                log.info("%s missed its heartbeats; closing", link.peer)
                board.detach(link)
                link.close_soon(4408, "missed heartbeats")
            elif silent >= heartbeat * 0.9:
                # Queued behind the link's other frames, never waited for: a peer that
                # does not read overflows its outbox and is closed (Link.post).
                with contextlib.suppress(LinkClosed):
                    link.post(ping)


async def _serve(ws: WebSocket, hub: HubState, link: Link, handle: Any) -> None:
    """Run one connection (the caller sent the welcome): frames go to ``handle``."""
    board = hub.switchboard
    # Real time, not the hub's clock: flooding is a matter of the CPU's seconds, and a test
    # hub on a fake clock must not see its peers as floods.
    allowance, last = float(FRAME_BURST), time.monotonic()
    try:
        while True:
            text = await ws.receive_text()
            now = time.monotonic()
            allowance = min(FRAME_BURST, allowance + (now - last) * FRAME_RATE_PER_S) - 1
            last = now
            if allowance < 0:
                log.warning("%s sent frames faster than allowed; closing", link.peer)
                board.detach(link)
                link.close_soon(4429, "too many frames")
                break
            board.seen(link)
            try:
                frame = json.loads(text)
                if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
                    raise ValueError("not a typed object")
            except ValueError:
                await link.send(
                    {
                        "type": "error",
                        "code": "bad_frame",
                        "message": "frames are JSON objects with a type",
                    }
                )
                continue
            kind = frame["type"]
            if kind == "ping":
                await link.send({"type": "pong", "ts": frame.get("ts")})
            elif kind == "pong":
                pass
            else:
                await handle(frame)
    except WebSocketDisconnect:
        pass
    except RuntimeError:  # the socket was closed under us (replaced or heartbeat)
        pass
    except LinkClosed:  # an answer to a peer the hub has closed (its outbox overflowed)
        pass
    finally:
        board.detach(link)
        await link.stop()
        await link.wait_closed()


# -- booths -------------------------------------------------------------------------------
@router.websocket("/ws/booth")
async def booth_socket(ws: WebSocket) -> None:
    hub: HubState = ws.app.state.hub
    principal = await _authenticate(ws, "booth")
    if principal is None:
        return
    link = Link(
        peer=principal.peer,
        send_frame=ws.send_text,
        close=ws.close,
        name=principal.name,
        outbox_frames=hub.settings.outbox_frames,
    )
    await hub.switchboard.attach(link)
    await asyncio.to_thread(_mark_seen, hub, principal.id)
    log.info("booth %s connected", principal.id)
    await link.send(
        {
            "type": "welcome",
            "booth_id": principal.id,
            "server_time": _now_iso(hub),
            "heartbeat_s": hub.settings.heartbeat_s,
            # Only this booth's: it shows its door codes (kiosk.core.door_codes).
            "door": hub.door.welcome(principal.id, f"{hub.settings.public_url}/m/"),
        }
    )
    # Calls the booth was in before it reconnected continue on the new link.
    seen: OrderedDict[str, dict[str, Any]] = OrderedDict()

    async def handle(frame: dict[str, Any]) -> None:
        if frame["type"] == "ack":
            hub.switchboard.acked(link, frame)
            return
        if frame["type"] != "event":
            await link.send({"type": "error", "code": "unknown_frame", "message": "unknown type"})
            return
        event_id = str(frame.get("id", ""))
        if event_id and event_id in seen:
            await link.send(seen[event_id])
            return
        reply = await _booth_event(hub, principal, link, frame)
        if event_id:
            seen[event_id] = reply
            while len(seen) > SEEN_EVENTS:
                seen.popitem(last=False)
        await link.send(reply)

    try:
        await _serve(ws, hub, link, handle)
    finally:
        log.info("booth %s disconnected", principal.id)


def _mark_seen(hub: HubState, booth_id: str) -> None:
    with hub.db() as db:
        booth = db.get(Booth, booth_id)
        if booth is not None:
            booth.last_seen_at = hub.clock.now()


async def _booth_event(
    hub: HubState, booth: Principal, link: Link, frame: dict[str, Any]
) -> dict[str, Any]:
    event_id = frame.get("id")
    name = frame.get("name")
    data = frame.get("data") if isinstance(frame.get("data"), dict) else {}
    assert isinstance(data, dict)
    if name not in BOOTH_EVENTS:
        return {"type": "ack", "id": event_id, "ok": False, "error": "unknown_event"}
    try:
        result = await _handle_booth_event(hub, booth, link, str(name), data)
    except ApiError as exc:
        return {"type": "ack", "id": event_id, "ok": False, "error": exc.code}
    reply: dict[str, Any] = {"type": "ack", "id": event_id, "ok": True}
    if result:
        reply["data"] = result
    return reply


async def _handle_booth_event(
    hub: HubState, booth: Principal, link: Link, name: str, data: dict[str, Any]
) -> dict[str, Any] | None:
    board = hub.switchboard
    case_id = data.get("case_id") if isinstance(data.get("case_id"), str) else None
    if name == "signal":
        error = await board.relay_signal(booth.peer, data)
        if error:
            raise ApiError(409, error, "signal not relayed")
        return None
    if name == "call_request":
        department = data.get("department")
        if not isinstance(department, str):
            raise ApiError(422, "unknown_department", "department missing")
        if case_id and not await asyncio.to_thread(_booth_owns_case, hub, booth.id, case_id):
            raise ApiError(403, "not_your_case", "the case belongs to another booth")
        return await queueing.enqueue(hub, booth.id, department, case_id)
    if name == "form_field":
        key, value = data.get("key"), data.get("value")
        if not case_id or not isinstance(key, str):
            raise ApiError(422, "bad_form_field", "case_id and key are required")
        if not await asyncio.to_thread(_store_field, hub, booth, case_id, key, value):
            raise ApiError(403, "not_your_case", "the case belongs to another booth")
        for call_id in board.calls_of(booth.peer):
            await board.to_call(
                call_id,
                {
                    "type": "form_field",
                    "case_id": case_id,
                    "key": key,
                    "value": value,
                    "from": booth.peer,
                },
                except_peer=booth.peer,
            )
        return None
    if name == "locker_state":
        if case_id and not await asyncio.to_thread(_booth_owns_case, hub, booth.id, case_id):
            raise ApiError(403, "not_your_case", "the case belongs to another booth")
        await asyncio.to_thread(_store_locker, hub, booth.id, case_id, data)
    elif name == "health":
        link.health = dict(data)
    elif name == "session_state":  # the door opens only while this is false (kiosk.hub.door)
        link.in_session = data.get("active") is True
        if data.get("active") is False:  # she left (or the booth reset): nobody waits there
            await queueing.cancel_booth_entries(hub, booth.id)
    elif name == "session_ended":
        await queueing.cancel_booth_entries(hub, booth.id)
        for call_id in board.calls_of(booth.peer):
            await queueing.leave(hub, booth, call_id, end=True)
        if data.get("reason") == interruptions.BOOTH_RESTART:  # closed safely at a restart
            await interruptions.tell_citizens(hub, booth.id, str(data.get("session_id")), data)
    if name in ("health", "device_fault"):  # fleet operations: health history, work orders
        await api_ops.on_booth_event(hub, booth.id, name, data)
    if case_id and name in ("door_opened", "session_started", "session_ended", "device_fault"):
        await asyncio.to_thread(_note, hub, booth, case_id, name)
    # Clerks in a call with this booth see what happens in it.
    for call_id in board.calls_of(booth.peer):
        await board.to_call(
            call_id,
            {"type": "booth_event", "booth_id": booth.id, "name": name, "data": data},
            except_peer=booth.peer,
        )
    return None


def _booth_owns_case(hub: HubState, booth_id: str, case_id: str) -> bool:
    with hub.sessions() as db:
        case = db.get(Case, case_id)
        return case is not None and case.booth_id == booth_id


def _store_field(hub: HubState, booth: Principal, case_id: str, key: str, value: Any) -> bool:
    with hub.db() as db:
        case = db.get(Case, case_id)
        if case is None or case.booth_id != booth.id:
            return False
        case.form = {**(case.form or {}), key: value}
        audit(db, booth, "write", f"case:{case_id}", f"form:{key}")
        return True


def _store_locker(hub: HubState, booth_id: str, case_id: str | None, data: dict[str, Any]) -> None:
    door = data.get("door") if data.get("door") in ("open", "closed", "unknown") else "unknown"
    item = data.get("item_present")
    with hub.db() as db:
        db.add(
            LockerDeposit(
                case_id=case_id,
                booth_id=booth_id,
                slot=str(data.get("slot", ""))[:20],
                door=str(door),
                item_present=item if isinstance(item, bool) else None,
            )
        )
        if case_id and db.get(Case, case_id) is not None:
            record(
                db,
                case_id,
                f"booth:{booth_id}",
                "locker_state",
                slot=str(data.get("slot", "")),
                door=door,
                item_present=item,
            )


def _note(hub: HubState, booth: Principal, case_id: str, name: str) -> None:
    with hub.db() as db:
        case = db.get(Case, case_id)
        if case is not None and case.booth_id == booth.id:
            record(db, case_id, booth, name)


# -- clerks -------------------------------------------------------------------------------
@router.websocket("/ws/clerk")
async def clerk_socket(ws: WebSocket) -> None:
    hub: HubState = ws.app.state.hub
    principal = await _authenticate(ws, "clerk")
    if principal is None:
        return
    board = hub.switchboard
    link = Link(
        peer=principal.peer,
        send_frame=ws.send_text,
        close=ws.close,
        department=principal.department,
        name=principal.name,
        outbox_frames=hub.settings.outbox_frames,
    )
    link.session = principal.session  # logout closes it (Switchboard.end_session)
    await board.attach(link)
    board.set_presence(principal.peer, "online")
    await link.send(
        {
            "type": "welcome",
            "clerk_id": principal.id,
            "peer": principal.peer,
            "department": principal.department,
            "server_time": _now_iso(hub),
            "heartbeat_s": hub.settings.heartbeat_s,
        }
    )
    if principal.department:
        entries = await asyncio.to_thread(queueing.snapshot, hub, principal.department)
        await link.send({"type": "queue", "department": principal.department, "entries": entries})

    async def handle(frame: dict[str, Any]) -> None:
        kind = frame["type"]
        if kind == "signal":
            # Who the booth shows on the clerk's tile comes from the login, never the page.
            frame["info"] = {
                "name": principal.name or principal.id,
                "department": principal.department or "",
            }
            error = await board.relay_signal(principal.peer, frame)
            if error:
                await link.send(
                    {
                        "type": "error",
                        "code": error,
                        "about": "signal",
                        "call_id": frame.get("call_id"),
                        "to": frame.get("to"),
                    }
                )
        elif kind == "presence" and frame.get("status") in PRESENCE:
            board.set_presence(principal.peer, str(frame["status"]))
            await link.send({"type": "presence", "status": board.presence(principal.peer)})
        else:
            await link.send({"type": "error", "code": "unknown_frame", "message": "unknown type"})

    await _serve(ws, hub, link, handle)


def booth_ids(hub: HubState) -> list[str]:
    with hub.sessions() as db:
        return list(db.scalars(select(Booth.id)))
