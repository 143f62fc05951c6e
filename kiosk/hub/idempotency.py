"""``Idempotency-Key`` on every write: a retried key returns the first result.

A pure ASGI middleware in front of the API. For a POST/PUT/PATCH/DELETE under
``/api/`` carrying the header, it keys the request by (caller, key): the caller is a hash
of the ``Authorization`` header, so two callers never see each other's answers; callers
without one are told apart by their address, so a stranger who learns someone's key does
not get their answer. The first request runs; its response (any status below 500) is
stored with a hash of the method, path and body. A retry with the same key and the same
request gets the stored response (with ``Idempotent-Replay: true``) and does no work; the
same key with a different request is refused with 422 ``idempotency_key_reused``.
Concurrent retries wait for the first one (a per-key lock in this process; the table's
primary key guards the rest).

No credential is ever stored:

- a response that carries a clerk session, a booth token or a download ticket (login,
  booth registration, ``.../download``) is not stored: a retry runs again and mints a
  new one (the old one simply goes unused);
- a citizen link (``citizen_token``, ``citizen_url`` of a case or a booking) is stored as
  a placeholder naming the citizen and signed again, fresh, on replay; so the booth's
  retried ``POST /cases`` gets its case, not a second one. An anonymous caller's answer
  with a citizen link is not stored at all: nothing but the key would stand between a
  stranger and that citizen's page.

Rows expire after ``idempotency_ttl_s`` (HubSettings): an older row is not replayed, and
:func:`purge_expired_idempotency` deletes them (the middleware calls it now and then; a
retention job may call it too).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
import logging
import re
from typing import Any

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kiosk.core.clock import Clock, SystemClock
from kiosk.hub.auth import CitizenLinks
from kiosk.hub.errors import error_body
from kiosk.hub.models import IdempotentResponse

log = logging.getLogger(__name__)

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
MAX_KEY = 200
PURGE_EVERY_S = 300.0  # how often, at most, a store also deletes expired rows
# Credentials a response may carry that are never stored (kiosk.hub.auth, kiosk.hub.tickets).
_UNSTORABLE = re.compile(rb"(?:cs|bt|dt)_[A-Za-z0-9_-]{32,}")
# A citizen link token ``ct.<ref>.<expiry>.<mac>``; stored as _PLACEHOLDER and re-signed.
_CITIZEN_LINK = re.compile(rb"ct\.([A-Za-z0-9_-]{1,64})\.([0-9]{1,12})\.([A-Za-z0-9_-]{16,64})")
_PLACEHOLDER = re.compile(rb"xw-citizen-link:([A-Za-z0-9_-]{1,64})")


class IdempotencyMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        sessions: sessionmaker[Session],
        links: CitizenLinks,
        *,
        ttl_s: float = 24 * 3600.0,
        clock: Clock | None = None,
    ) -> None:
        self.app = app
        self.sessions = sessions
        self.links = links
        self.ttl_s = ttl_s
        self.clock = clock or SystemClock()
        self._locks: dict[tuple[str, str], asyncio.Lock] = {}
        self._last_purge: float | None = None

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
        authorization = headers.get("authorization", "")
        anonymous = not authorization
        caller = _scope_of(authorization, scope)
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
                    await _send_raw(send, stored.status, self._reissue(stored.body), replay=True)
                    return
                status, response_body, messages = await self._run(scope, body)
                if status < 500:
                    kept = self._storable(response_body, anonymous=anonymous)
                    if kept is not None:
                        await asyncio.to_thread(
                            self._store, caller, key, fingerprint, status, kept
                        )
                for message in messages:
                    await send(message)
        finally:
            if not lock.locked():
                self._locks.pop((caller, key), None)

    def _storable(self, body: bytes, *, anonymous: bool) -> bytes | None:
        """``body`` as it may be stored (citizen links replaced by placeholders), or None
        when it must not be stored at all."""
        if _UNSTORABLE.search(body):
            return None
        unsigned = False

        def placeholder(match: re.Match[bytes]) -> bytes:
            nonlocal unsigned
            ref = self.links.check(match.group(0).decode())
            if ref is None:
                unsigned = True
                return b""
            return b"xw-citizen-link:" + ref.encode()

        kept = _CITIZEN_LINK.sub(placeholder, body)
        if unsigned or (anonymous and kept != body):
            return None
        return kept

    def _reissue(self, body: bytes) -> bytes:
        """A stored body with each citizen-link placeholder signed afresh."""
        return _PLACEHOLDER.sub(lambda m: self.links.issue(m.group(1).decode()).encode(), body)

    async def _run(self, scope: Scope, body: bytes) -> tuple[int, bytes, list[Message]]:
        """Run the request; its status, body and response messages, held back so the
        answer is stored before the client has it (a retry right after then replays)."""
        sent = False

        async def replay_receive() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return {"type": "http.disconnect"}

        status = 500
        chunks: list[bytes] = []
        messages: list[Message] = []

        async def capture(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            messages.append(message)

        await self.app(scope, replay_receive, capture)
        return status, b"".join(chunks), messages

    def _load(self, caller: str, key: str) -> IdempotentResponse | None:
        with self.sessions() as db:
            row = db.get(IdempotentResponse, (caller, key))
        if row is None or row.created_at <= self._oldest_kept():
            return None  # expired: the key may be used afresh
        return row

    def _oldest_kept(self) -> dt.datetime:
        return self.clock.now() - dt.timedelta(seconds=self.ttl_s)

    def _store(self, caller: str, key: str, fingerprint: str, status: int, body: bytes) -> None:
        try:
            with self.sessions.begin() as db:
                # An expired row of the same key gives way to the new answer.
                db.execute(
                    delete(IdempotentResponse).where(
                        IdempotentResponse.scope == caller,
                        IdempotentResponse.key == key,
                        IdempotentResponse.created_at <= self._oldest_kept(),
                    )
                )
                db.add(
                    IdempotentResponse(
                        scope=caller,
                        key=key,
                        request_hash=fingerprint,
                        status=status,
                        body=body,
                        created_at=self.clock.now(),
                    )
                )
        except IntegrityError:
            log.info("an idempotent response was stored concurrently")
        now = self.clock.monotonic()
        if self._last_purge is None or now - self._last_purge >= PURGE_EVERY_S:
            self._last_purge = now
            with self.sessions.begin() as db:
                purged = purge_expired_idempotency(db, self.clock.now(), self.ttl_s)
            if purged:
                log.info("purged %d expired idempotent responses", purged)


def purge_expired_idempotency(db: Session, now: dt.datetime, ttl_s: float) -> int:
    """Delete the stored responses older than ``ttl_s`` at ``now``; how many were deleted.
    For the middleware and for a retention job (HubSettings.idempotency_ttl_s)."""
    oldest = now - dt.timedelta(seconds=ttl_s)
    result = db.execute(delete(IdempotentResponse).where(IdempotentResponse.created_at <= oldest))
    return int(getattr(result, "rowcount", 0) or 0)


def _scope_of(authorization: str, scope: Scope) -> str:
    """Whose keys these are: the bearer header's hash, or for an anonymous caller its
    address (anonymous callers do not share one scope)."""
    if authorization:
        return hashlib.sha256(authorization.encode()).hexdigest()
    client = scope.get("client") or ("", 0)
    return hashlib.sha256(f"anonymous {client[0]}".encode()).hexdigest()


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
