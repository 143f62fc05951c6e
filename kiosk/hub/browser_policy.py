"""What the hub tells browsers and what it checks of them.

- :class:`SecurityHeadersMiddleware` (pure ASGI) adds to every HTTP response a
  Content-Security-Policy that allows only the hub's own scripts, styles, images and
  sockets (no inline script or style, no framing), plus ``X-Content-Type-Options:
  nosniff``, ``X-Frame-Options: DENY`` and ``Referrer-Policy: no-referrer``. The pages
  under ``static/`` keep every script and style in files for it.
- :func:`origin_allowed` decides whether a WebSocket handshake may go on: a browser always
  sends the ``Origin`` of the page that opened the socket, so a page of another site riding
  on a clerk's browser is refused; the booth, not a browser, sends none.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# A Host header as it may appear in the policy: a name or address and a port, nothing that
# could end the directive or start another.
_HOST = re.compile(r"^[A-Za-z0-9.\-\[\]:]{1,255}$")

_FIXED = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
)


def content_security_policy(host: str) -> str:
    """The policy for a page served under ``host`` (the request's Host header)."""
    sockets = f" ws://{host} wss://{host}" if _HOST.match(host) else ""
    return "; ".join(
        (
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data: blob:",
            "media-src 'self' blob: mediastream:",
            f"connect-src 'self'{sockets}",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )


class SecurityHeadersMiddleware:
    """Adds the browser security headers to every HTTP response (they replace any the
    route set itself, so no route can weaken them)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        host = ""
        for name, value in scope["headers"]:
            if name == b"host":
                host = value.decode("latin-1")
                break
        added = (*_FIXED, (b"content-security-policy", content_security_policy(host).encode()))
        ours = {name for name, _ in added}

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in ours]
                message = {**message, "headers": kept + list(added)}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def origin_allowed(headers: Mapping[str, str], public_url: str) -> bool:
    """Whether a WebSocket handshake with these headers may proceed: no ``Origin`` (not a
    browser), or the origin of the hub itself (its public address, or the host the browser
    asked for, over http or https)."""
    origin = headers.get("origin")
    if origin is None:
        return True
    parts = urlsplit(origin)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return False
    public = urlsplit(public_url)
    if (parts.scheme, parts.netloc) == (public.scheme, public.netloc):
        return True
    return parts.netloc == headers.get("host", "")
