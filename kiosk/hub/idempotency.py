"""``Idempotency-Key`` on every write: a retried key returns the first result.

A pure ASGI middleware in front of the API. For a POST/PUT/PATCH/DELETE under
``/api/`` carrying the header, it keys the request by (caller, key): the caller is a hash
of the ``Authorization`` header, so two callers never see each other's answers. The first
request runs; its response (any status below 500) is stored with a hash of the method,
path and body. A retry with the same key and the same request gets the stored response
(with ``Idempotent-Replay: true``) and does no work; the same key with a different
request is refused with 422 ``idempotency_key_reused``. Concurrent retries wait for the
first one (a per-key lock in this process; the table's primary key guards the rest).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kiosk.hub.errors import error_body
from kiosk.hub.models import IdempotentResponse

log = logging.getLogger(__name__)

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
MAX_KEY = 200


class IdempotencyMiddleware:
    def __init__(self, app: ASGIApp, sessions: sessionmaker[Session]) -> None:
        self.app = app
        self.sessions = sessions
        self._locks: dict[tuple[str, str], asyncio.Lock] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] not in WRITE_METHODS
            or not scope["path"].startswith("/api/")
        ):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        key = headers.get("idempotency-key")
        if key is None:
            await self.app(scope, receive, send)
            return
        if not key or len(key) > MAX_KEY:
            await _send_json(
                send,
                400,
                error_body(
                    "bad_idempotency_key", f"Idempotency-Key must be 1..{MAX_KEY} characters"
                ),
            )
            return
        body = await _read_body(receive)
        caller = hashlib.sha256(headers.get("authorization", "").encode()).hexdigest()
        fingerprint = hashlib.sha256(
            scope["method"].encode()
            + b" "
            + scope["path"].encode()
            + b"?"
            + scope.get("query_string", b"")
            + b"\n"
            + body
        ).hexdigest()
        lock = self._locks.setdefault((caller, key), asyncio.Lock())
        try:
            async with lock:
                stored = await asyncio.to_thread(self._load, caller, key)
                if stored is not None:
                    if stored.request_hash != fingerprint:
                        await _send_json(
                            send,
                            422,
                            error_body(
                                "idempotency_key_reused",
                                "this Idempotency-Key was used for a different request",
                            ),
                        )
                        return
                    await _send_raw(send, stored.status, stored.body, replay=True)
                    return
                status, response_body = await self._run(scope, body, send)
                if status < 500:
                    await asyncio.to_thread(
                        self._store, caller, key, fingerprint, status, response_body
                    )
        finally:
            if not lock.locked():
                self._locks.pop((caller, key), None)

    async def _run(self, scope: Scope, body: bytes, send: Send) -> tuple[int, bytes]:
        sent = False

        async def replay_receive() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return {"type": "http.disconnect"}

        status = 500
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        await self.app(scope, replay_receive, capture)
        return status, b"".join(chunks)

    def _load(self, caller: str, key: str) -> IdempotentResponse | None:
        with self.sessions() as db:
            return db.get(IdempotentResponse, (caller, key))

    def _store(self, caller: str, key: str, fingerprint: str, status: int, body: bytes) -> None:
        try:
            with self.sessions.begin() as db:
                db.add(
                    IdempotentResponse(
                        scope=caller, key=key, request_hash=fingerprint, status=status, body=body
                    )
                )
        except IntegrityError:
            log.info("an idempotent response was stored concurrently")


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def _send_raw(send: Send, status: int, body: bytes, *, replay: bool = False) -> None:
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if replay:
        headers.append((b"idempotent-replay", b"true"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _send_json(send: Send, status: int, doc: Any) -> None:
    await _send_raw(send, status, json.dumps(doc).encode())
