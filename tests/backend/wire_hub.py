"""A tiny hub that speaks the booth WebSocket protocol on 127.0.0.1, for channel tests.

It is a real ``websockets`` server (the booth connects over TCP as it would to the real
hub) with knobs the real hub does not have: go silent (half-open link), send garbage,
re-send a command. The end-to-end tests against the real hub live in
``test_against_real_hub.py``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from http import HTTPStatus
from typing import Any

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response


class WireHub:
    """Start with :meth:`start`; :meth:`stop` and :meth:`start` again on the same port."""

    def __init__(self, token: str = "booth-token", heartbeat_s: float = 10.0) -> None:
        self.token = token
        self.heartbeat_s = heartbeat_s
        self.port = 0
        self.silent = False  # stop answering and sending anything, keep the TCP link open
        self.frames: asyncio.Queue[dict[str, Any]] = asyncio.Queue()  # booth -> hub
        self.connected: asyncio.Queue[ServerConnection] = asyncio.Queue()
        self.refused = 0
        self._server: Server | None = None
        self._conn: ServerConnection | None = None

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws/booth"

    async def start(self) -> None:
        self._server = await serve(
            self._handle, "127.0.0.1", self.port, process_request=self._check_token
        )
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        """Shut down like a hub process that exits: close every connection."""
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        self._conn = None

    async def send(self, frame: dict[str, Any]) -> None:
        assert self._conn is not None, "no booth connected"
        await self._conn.send(json.dumps(frame))

    async def send_raw(self, text: str) -> None:
        assert self._conn is not None, "no booth connected"
        await self._conn.send(text)

    async def command(self, name: str, data: dict[str, Any] | None = None) -> str:
        command_id = str(uuid.uuid4())
        await self.send({"type": "command", "id": command_id, "name": name, "data": data or {}})
        return command_id

    async def next_frame(self, type_: str) -> dict[str, Any]:
        """The next frame of this type from the booth (others are skipped)."""
        while True:
            frame = await self.frames.get()
            if frame.get("type") == type_:
                return frame

    def _check_token(self, conn: ServerConnection, request: Request) -> Response | None:
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            self.refused += 1
            return conn.respond(HTTPStatus.UNAUTHORIZED, "unknown booth\n")
        return None

    async def _handle(self, conn: ServerConnection) -> None:
        self._conn = conn
        await conn.send(
            json.dumps(
                {
                    "type": "welcome",
                    "booth_id": "booth-7",
                    "server_time": "2026-11-28T09:00:00+08:00",
                    "heartbeat_s": self.heartbeat_s,
                }
            )
        )
        self.connected.put_nowait(conn)
        with contextlib.suppress(ConnectionClosed):
            async for text in conn:
                if self.silent:
                    continue
                frame = json.loads(text)
                if frame.get("type") == "ping":
                    await conn.send(json.dumps({"type": "pong", "ts": frame["ts"]}))
                self.frames.put_nowait(frame)
