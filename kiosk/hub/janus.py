"""The hub's client for a Janus VideoRoom server: one room per call, only hub-issued tokens.

The hub owns the rooms. For a call it creates a private VideoRoom room with a room secret
(needed to change or destroy it) and a pin, adds one fresh token per admitted party both
to Janus (admin ``add_token``, so only these tokens may open a Janus session at all) and
to the room's ``allowed`` list (so a token admits to this room only), and destroys the
room and removes the tokens when the call ends. The hub's own Janus session uses a token
it adds for itself. Talks to the Janus HTTP API and admin API with httpx; both are meant
to listen on 127.0.0.1 (see docs/operations.md).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

import httpx

VIDEOROOM = "janus.plugin.videoroom"


class JanusError(RuntimeError):
    """Janus answered with an error (or not at all)."""


@dataclass(frozen=True)
class JanusRoom:
    """A call's room: what the hub keeps, and what it hands to each admitted party."""

    room: int
    secret: str
    pin: str
    tokens: dict[str, str] = field(default_factory=dict)  # party id -> token

    def join_descriptor(self, party: str, janus_url: str) -> dict[str, object]:
        """How one admitted party joins: room, pin, its own token, the Janus URL."""
        return {"room": self.room, "pin": self.pin, "token": self.tokens[party], "url": janus_url}


class JanusRooms:
    """Creates and destroys call rooms on one Janus server."""

    def __init__(self, url: str, admin_url: str, admin_secret: str, timeout_s: float = 5.0):
        self.url = url.rstrip("/")
        self.admin_url = admin_url.rstrip("/")
        self._admin_secret = admin_secret
        self._http = httpx.AsyncClient(timeout=timeout_s)
        self._own_token = ""  # nosec B105 # none yet: the hub adds its own on first use

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _post(self, url: str, body: dict[str, Any]) -> dict[str, Any]:
        body = {"transaction": secrets.token_hex(8), **body}
        try:
            reply = await self._http.post(url, json=body)
            answer: dict[str, Any] = reply.json()
        except (httpx.HTTPError, ValueError) as error:
            raise JanusError(f"Janus did not answer: {type(error).__name__}") from error
        if answer.get("janus") == "error":
            raise JanusError(f"Janus refused {body.get('janus')}: {answer.get('error')}")
        return answer

    async def _admin(self, request: str, **fields: Any) -> dict[str, Any]:
        body = {"janus": request, "admin_secret": self._admin_secret, **fields}
        return await self._post(self.admin_url, body)

    async def add_token(self) -> str:
        token = secrets.token_urlsafe(24)
        await self._admin("add_token", token=token, plugins=[VIDEOROOM])
        return token

    async def remove_token(self, token: str) -> None:
        await self._admin("remove_token", token=token)

    async def _room_request(self, body: dict[str, Any]) -> dict[str, Any]:
        """One synchronous VideoRoom request on a short-lived hub session."""
        if not self._own_token:
            self._own_token = await self.add_token()
        token = self._own_token
        session = (await self._post(self.url, {"janus": "create", "token": token}))["data"]["id"]
        try:
            handle_url = f"{self.url}/{session}"
            attached = await self._post(
                handle_url, {"janus": "attach", "plugin": VIDEOROOM, "token": token}
            )
            handle = attached["data"]["id"]
            answer = await self._post(
                f"{handle_url}/{handle}", {"janus": "message", "body": body, "token": token}
            )
        finally:
            await self._post(f"{self.url}/{session}", {"janus": "destroy", "token": token})
        data: dict[str, Any] = answer.get("plugindata", {}).get("data", {})
        if "error" in data:
            raise JanusError(f"VideoRoom refused {body['request']}: {data['error']}")
        return data

    async def create_room(self, parties: list[str], publishers: int = 8) -> JanusRoom:
        """A private room admitting exactly ``parties`` (one fresh token each)."""
        tokens = {party: await self.add_token() for party in parties}
        room = JanusRoom(
            room=secrets.randbelow(2**52) + 1,
            secret=secrets.token_urlsafe(24),
            pin=secrets.token_urlsafe(12),
            tokens=tokens,
        )
        await self._room_request(
            {
                "request": "create",
                "room": room.room,
                "secret": room.secret,
                "pin": room.pin,
                "is_private": True,
                "permanent": False,
                "publishers": publishers,
                "allowed": list(tokens.values()),
            }
        )
        return room

    async def room_exists(self, room: int) -> bool:
        data = await self._room_request({"request": "exists", "room": room})
        return bool(data.get("exists"))

    async def destroy_room(self, room: JanusRoom) -> None:
        """Destroy the room and revoke every token issued for it."""
        await self._room_request(
            {"request": "destroy", "room": room.room, "secret": room.secret, "permanent": False}
        )
        for token in room.tokens.values():
            await self.remove_token(token)
