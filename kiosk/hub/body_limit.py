"""A cap on the size of every request body, enforced while it streams in.

A pure ASGI middleware, outermost but for Starlette's own error handling, so it runs
before authentication, parsing and the idempotency layer (which buffers bodies): a request
whose ``Content-Length`` is over the limit is answered 413 ``body_too_large`` without
reading a byte of it, and one that streams (chunked) is answered 413 as soon as the bytes
read pass the limit; what was read so far is dropped and the rest is never read. Without
it, one anonymous 64 MiB POST was held whole in memory before anything looked at it.

Each route gets the limit of the first rule its method and path match (material uploads
carry a base64 image and get a larger one); every other request gets the small default.
"""

from __future__ import annotations

import contextlib
import json
import re
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kiosk.hub.errors import error_body


@dataclass(frozen=True, slots=True)
class BodyRule:
    """Requests with ``method`` whose path matches ``path`` (a regex) may send ``limit`` bytes."""

    method: str
    path: re.Pattern[str]
    limit: int


class BodyTooLarge(Exception):
    """Raised to the application reading a body past the limit (the 413 is already sent)."""


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, default_limit: int, rules: tuple[BodyRule, ...] = ()) -> None:
        self.app = app
        self.default_limit = default_limit
        self.rules = rules

    def limit_for(self, method: str, path: str) -> int:
        for rule in self.rules:
            if rule.method == method and rule.path.fullmatch(path):
                return rule.limit
        return self.default_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["method"], scope["path"])
        for name, value in scope["headers"]:
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = -1
                if declared < 0 or declared > limit:
                    await _refuse(send, limit)
                    return
        received = 0
        refused = False

        async def counting_receive() -> Message:
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    refused = True
                    if not started:
                        await _refuse(send, limit)
                    raise BodyTooLarge(f"the body passed {limit} bytes")
            return message

        started = False

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if refused:
                return  # the 413 was the answer; whatever the application says after is dropped
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        with contextlib.suppress(BodyTooLarge):  # answered already (413)
            await self.app(scope, counting_receive, guarded_send)


async def _refuse(send: Send, limit: int) -> None:
    body = json.dumps(
        error_body("body_too_large", f"the request body is larger than {limit} bytes", limit=limit)
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
