"""The booth's HTTP client to the hub (``/api/v1``), over httpx.

This is where the booth meets httpx, so this is where httpx's errors become ours:

- the hub cannot be reached, times out, or answers 5xx/408/429 ->
  :class:`~kiosk.core.errors.HubUnavailable` (try again later; writes wait in the outbox);
- the hub answers another 4xx -> :class:`HubRequestRejected` (a
  :class:`~kiosk.core.errors.HubRejected`) whose ``code`` is the hub's machine-readable
  ``error.code``, so the UI can translate it, and whose ``status`` is the HTTP status.

Every request carries the booth's token as ``Authorization: Bearer``; the token is never
logged. Writes carry the ``Idempotency-Key`` they were given, so a retried write has the
effect of the first one only.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from kiosk.core.errors import HubRejected, HubUnavailable

log = logging.getLogger(__name__)

API_PREFIX = "/api/v1"
# Statuses that mean "not now" rather than "never": the request may be sent again.
_RETRYABLE_STATUSES = frozenset({408, 425, 429})
# Statuses that mean the booth itself is not (yet) accepted: fixable by an operator,
# so writes are kept and retried rather than given up.
AUTH_STATUSES = frozenset({401, 403})


class HubRequestRejected(HubRejected):
    """The hub refused a request with a 4xx; ``code`` is the hub's own error code."""

    def __init__(self, message: str, *, code: str, status: int) -> None:
        super().__init__(message, code=code)
        self.status = status

    @property
    def is_auth_problem(self) -> bool:
        """The booth's token was refused: retrying after a fix may succeed."""
        return self.status in AUTH_STATUSES


@dataclass(frozen=True, slots=True)
class HubHealth:
    """What ``GET /api/v1/health`` says."""

    status: str
    version: str
    db: str
    booths_online: int


@dataclass(frozen=True, slots=True)
class CatalogFetch:
    """The answer to a catalog request.

    ``document`` is ``None`` when the hub said 304 Not Modified (the cached copy whose
    ETag was sent is still current).
    """

    document: dict[str, Any] | None
    etag: str | None

    @property
    def not_modified(self) -> bool:
        return self.document is None


@dataclass(frozen=True, slots=True)
class HubResponse:
    """A successful answer to a write: the status and the decoded JSON body (or None)."""

    status: int
    body: Any


class HubClient:
    """Asynchronous client of one hub for one booth.

    ``transport`` lets tests pass ``httpx.MockTransport``; in production httpx opens its
    own connections. Use as an async context manager, or call :meth:`aclose`.
    """

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        timeout_s: float = 10.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._base_url = base_url.rstrip("/")
        self._token = token
        self._http = httpx.AsyncClient(
            base_url=self._base_url + API_PREFIX,
            headers={"Authorization": f"Bearer {token}"} if token else {},
            timeout=httpx.Timeout(timeout_s, connect=min(timeout_s, 5.0)),
            transport=transport,
            follow_redirects=False,
        )

    @property
    def base_url(self) -> str:
        return self._base_url

    @property
    def token(self) -> str:
        return self._token

    def websocket_url(self, path: str = "/ws/booth") -> str:
        """The booth control WebSocket's address (``ws://`` or ``wss://``) on this hub."""
        parts = urlsplit(self._base_url)
        scheme = "wss" if parts.scheme == "https" else "ws"
        return urlunsplit((scheme, parts.netloc, parts.path.rstrip("/") + path, "", ""))

    async def __aenter__(self) -> HubClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def health(self) -> HubHealth:
        """The hub's health; raises :class:`HubUnavailable` if it cannot say."""
        response = await self._send("GET", "/health")
        body = _json_object(response)
        try:
            return HubHealth(
                status=str(body["status"]),
                version=str(body.get("version", "")),
                db=str(body.get("db", "")),
                booths_online=int(body.get("booths_online", 0)),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise HubUnavailable(f"the hub's health answer is malformed: {exc}") from exc

    async def catalog(self, etag: str | None = None) -> CatalogFetch:
        """The service catalog document; with ``etag``, ``document`` is None if unchanged."""
        headers = {"If-None-Match": etag} if etag else {}
        response = await self._send("GET", "/catalog", headers=headers)
        if response.status_code == 304:
            return CatalogFetch(document=None, etag=response.headers.get("ETag", etag))
        return CatalogFetch(document=_json_object(response), etag=response.headers.get("ETag"))

    async def get(self, path: str, *, params: Mapping[str, str] | None = None) -> Any:
        """``GET /api/v1<path>`` and its decoded JSON body."""
        response = await self._send("GET", path, params=params)
        return _json_body(response)

    async def write(
        self,
        method: str,
        path: str,
        body: Any,
        *,
        idempotency_key: str,
        bearer: str | None = None,
    ) -> HubResponse:
        """Send one write (POST/PUT/PATCH/DELETE) with its ``Idempotency-Key``.

        ``bearer`` sends it with another token than the booth's (a citizen's link token,
        for what only the citizen may do, such as rating).
        """
        if not idempotency_key:
            raise ValueError("every write to the hub needs an idempotency key")
        headers = {"Idempotency-Key": idempotency_key}
        if bearer:
            headers["Authorization"] = f"Bearer {bearer}"
        response = await self._send(method.upper(), path, json_body=body, headers=headers)
        return HubResponse(status=response.status_code, body=_json_body(response))

    async def _send(
        self,
        method: str,
        path: str,
        *,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, str] | None = None,
        json_body: Any = None,
    ) -> httpx.Response:
        if not path.startswith("/"):
            raise ValueError(f"hub API paths start with '/': {path!r}")
        try:
            response = await self._http.request(
                method,
                path,
                headers=dict(headers or {}),
                params=dict(params) if params else None,
                json=json_body,
            )
        except httpx.TimeoutException as exc:
            raise HubUnavailable(f"{method} {path}: the hub did not answer in time") from exc
        except httpx.TransportError as exc:
            raise HubUnavailable(
                f"{method} {path}: cannot reach the hub ({type(exc).__name__})"
            ) from exc
        log.info("hub %s %s -> %d", method, path, response.status_code)
        if response.status_code >= 500 or response.status_code in _RETRYABLE_STATUSES:
            raise HubUnavailable(f"{method} {path}: the hub answered {response.status_code}")
        if response.status_code >= 400:
            code, message = _error_of(response)
            raise HubRequestRejected(
                f"{method} {path}: {response.status_code} {code}: {message}",
                code=code,
                status=response.status_code,
            )
        return response


def _error_of(response: httpx.Response) -> tuple[str, str]:
    """The hub's ``{"error": {"code", "message"}}``, or a fallback for other bodies."""
    fallback = HubRejected.code
    try:
        body = response.json()
    except ValueError:
        return fallback, response.reason_phrase
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict) and isinstance(error.get("code"), str):
        return error["code"], str(error.get("message", ""))
    # FastAPI's own validation errors look like {"detail": ...}
    if isinstance(body, dict) and "detail" in body:
        return ("invalid_request" if response.status_code == 422 else fallback), str(
            body["detail"]
        )[:200]
    return fallback, response.reason_phrase


def _json_body(response: httpx.Response) -> Any:
    if response.status_code == 204 or not response.content:
        return None
    try:
        return response.json()
    except ValueError as exc:
        raise HubUnavailable(
            f"the hub answered {response.status_code} with a body that is not JSON"
        ) from exc


def _json_object(response: httpx.Response) -> dict[str, Any]:
    body = _json_body(response)
    if not isinstance(body, dict):
        raise HubUnavailable("the hub answered with something other than a JSON object")
    return body
