"""The frames of the booth control WebSocket (kiosk.hub.protocol), sans-IO.

Every frame is a JSON object with a ``type``::

    hub -> booth   welcome   {"type": "welcome", "booth_id", "server_time", "heartbeat_s",
                              "door"?: {"key", "window_s", "url"}}
    both ways      ping/pong {"type": "ping"|"pong", "ts"}
    hub -> booth   command   {"type": "command", "id", "name", "data"}
    booth -> hub   ack       {"type": "ack", "id", "ok", "error"?}
    booth -> hub   event     {"type": "event", "id", "name", "data"}
    hub -> booth   ack       {"type": "ack", "id", "ok", "error"?, "data"?}  of an event

:func:`parse_frame` turns text into one of the dataclasses below and raises
:class:`BadFrame` for anything else; :func:`encode_frame` is its inverse, so
``parse_frame(encode_frame(m)) == m``. Frame types this booth does not know are reported
as :class:`UnknownFrame` rather than an error, so a newer hub can add some.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

COMMAND_NAMES = frozenset(
    {"open_door", "start_session", "end_session", "push", "signal", "queue", "config", "restart"}
)
EVENT_NAMES = frozenset(
    {
        "door_opened",
        "session_started",
        "session_ended",
        "locker_state",
        "device_fault",
        "health",
        "signal",
        "form_field",
        "call_request",
        "session_state",
    }
)


class BadFrame(ValueError):
    """The hub sent a frame that is not valid JSON or misses required fields."""


@dataclass(frozen=True, slots=True)
class Welcome:
    booth_id: str
    server_time: str
    heartbeat_s: float
    # This booth's door codes (kiosk.core.door_codes): its key (base64url), the code's
    # window and the page its QR code opens. Empty from a hub that has none.
    door_key: str = field(default="", repr=False)
    door_window_s: float = 0.0
    door_url: str = ""


@dataclass(frozen=True, slots=True)
class Ping:
    ts: float


@dataclass(frozen=True, slots=True)
class Pong:
    ts: float


@dataclass(frozen=True, slots=True)
class Command:
    id: str
    name: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Ack:
    id: str
    ok: bool
    error: str | None = None
    data: dict[str, Any] | None = None  # the hub's acks of events may carry a result


@dataclass(frozen=True, slots=True)
class Event:
    id: str
    name: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class UnknownFrame:
    type: str
    raw: dict[str, Any]


Frame = Welcome | Ping | Pong | Command | Ack | Event | UnknownFrame


def parse_frame(text: str | bytes) -> Frame:
    """The frame in ``text``; :class:`BadFrame` if it is not one."""
    try:
        obj = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadFrame(f"not JSON: {exc}") from exc
    if not isinstance(obj, dict) or not isinstance(obj.get("type"), str):
        raise BadFrame("a frame is a JSON object with a string 'type'")
    kind = obj["type"]
    try:
        if kind == "welcome":
            door = obj.get("door")
            if not isinstance(door, dict):
                door = {}
            return Welcome(
                booth_id=_str(obj, "booth_id"),
                server_time=str(obj.get("server_time", "")),
                heartbeat_s=_positive(obj.get("heartbeat_s", 10)),
                door_key=str(door.get("key", "")),
                door_window_s=_positive(door["window_s"]) if "window_s" in door else 0.0,
                door_url=str(door.get("url", "")),
            )
        if kind == "ping":
            return Ping(ts=_number(obj.get("ts", 0)))
        if kind == "pong":
            return Pong(ts=_number(obj.get("ts", 0)))
        if kind == "command":
            return Command(id=_str(obj, "id"), name=_str(obj, "name"), data=_data(obj))
        if kind == "event":
            return Event(id=_str(obj, "id"), name=_str(obj, "name"), data=_data(obj))
        if kind == "ack":
            error = obj.get("error")
            data = obj.get("data")
            return Ack(
                id=_str(obj, "id"),
                ok=bool(obj.get("ok")),
                error=error if isinstance(error, str) else None,
                data=data if isinstance(data, dict) else None,
            )
    except (KeyError, TypeError, ValueError) as exc:
        raise BadFrame(f"bad {kind} frame: {exc}") from exc
    return UnknownFrame(type=kind, raw=obj)


def encode_frame(frame: Frame) -> str:
    """The JSON text of ``frame``."""
    obj: dict[str, Any]
    match frame:
        case Welcome():
            obj = {
                "type": "welcome",
                "booth_id": frame.booth_id,
                "server_time": frame.server_time,
                "heartbeat_s": frame.heartbeat_s,
            }
            if frame.door_key:
                obj["door"] = {
                    "key": frame.door_key,
                    "window_s": frame.door_window_s,
                    "url": frame.door_url,
                }
        case Ping():
            obj = {"type": "ping", "ts": frame.ts}
        case Pong():
            obj = {"type": "pong", "ts": frame.ts}
        case Command():
            obj = {"type": "command", "id": frame.id, "name": frame.name, "data": frame.data}
        case Event():
            obj = {"type": "event", "id": frame.id, "name": frame.name, "data": frame.data}
        case Ack():
            obj = {"type": "ack", "id": frame.id, "ok": frame.ok}
            if frame.error is not None:
                obj["error"] = frame.error
            if frame.data is not None:
                obj["data"] = frame.data
        case UnknownFrame():
            obj = dict(frame.raw)
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def _str(obj: dict[str, Any], key: str) -> str:
    value = obj[key]
    if not isinstance(value, str) or not value:
        raise TypeError(f"{key} must be a non-empty string")
    return value


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError("must be a number")
    return float(value)


def _positive(value: Any) -> float:
    number = _number(value)
    if number <= 0:
        raise ValueError("must be positive")
    return number


def _data(obj: dict[str, Any]) -> dict[str, Any]:
    data = obj.get("data", {})
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise TypeError("data must be an object")
    return data
