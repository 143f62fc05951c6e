"""The hub's Janus client against a real Janus: rooms per call, only hub-issued tokens."""

from __future__ import annotations

import httpx
import pytest

from kiosk.hub.janus import JanusError, JanusRooms
from tests.janus import JanusServer, janus_server  # noqa: F401  (pytest fixture)


async def _join(url: str, room: int, pin: str, token: str) -> dict[str, object]:
    """A party's own join attempt through the Janus HTTP API; returns VideoRoom's answer."""
    async with httpx.AsyncClient(timeout=5) as http:
        created = (
            await http.post(url, json={"janus": "create", "transaction": "c", "token": token})
        ).json()
        if created["janus"] == "error":
            return {"refused": created["error"]}
        session = created["data"]["id"]
        attached = (
            await http.post(
                f"{url}/{session}",
                json={
                    "janus": "attach",
                    "plugin": "janus.plugin.videoroom",
                    "transaction": "a",
                    "token": token,
                },
            )
        ).json()
        handle = attached["data"]["id"]
        body = {"request": "join", "ptype": "publisher", "room": room, "pin": pin, "token": token}
        await http.post(
            f"{url}/{session}/{handle}",
            json={"janus": "message", "body": body, "transaction": "j", "token": token},
        )
        event = (await http.get(f"{url}/{session}", params={"token": token, "maxev": 1})).json()
        data: dict[str, object] = event["plugindata"]["data"]
        return data


@pytest.mark.asyncio
async def test_room_admits_only_hub_issued_tokens_and_is_destroyed(
    janus_server: JanusServer,  # noqa: F811
) -> None:
    rooms = JanusRooms(janus_server.url, janus_server.admin_url, janus_server.admin_secret)
    try:
        room = await rooms.create_room(["booth", "clerk-tax"])
        assert await rooms.room_exists(room.room)
        booth = room.join_descriptor("booth", janus_server.url)
        joined = await _join(janus_server.url, room.room, room.pin, str(booth["token"]))
        assert joined.get("videoroom") == "joined", joined

        stranger = await _join(janus_server.url, room.room, room.pin, "not-issued-by-the-hub")
        assert "refused" in stranger

        other_room = await rooms.create_room(["clerk-social"])
        wrong_room = await _join(
            janus_server.url, room.room, room.pin, other_room.tokens["clerk-social"]
        )
        assert "error" in wrong_room, wrong_room
        await rooms.destroy_room(other_room)

        await rooms.destroy_room(room)
        assert not await rooms.room_exists(room.room)
        revoked = await _join(janus_server.url, room.room, room.pin, str(booth["token"]))
        assert "refused" in revoked
    finally:
        await rooms.aclose()


@pytest.mark.asyncio
async def test_wrong_admin_secret_is_refused(janus_server: JanusServer) -> None:  # noqa: F811
    rooms = JanusRooms(janus_server.url, janus_server.admin_url, "wrong")
    try:
        with pytest.raises(JanusError):
            await rooms.create_room(["booth"])
    finally:
        await rooms.aclose()
