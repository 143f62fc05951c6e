"""Hub federation (跨域通办): this hub's region and key, its configured peers, and signed
requests to them.

Built once from ``[hub_server.federation]`` (:meth:`FederationSettings.from_config`). A
peer is named by its region code and known by its URL and Ed25519 public key; requests to
it are signed with this hub's private key (kiosk.hub.federation_signing), requests from it
are checked by the :class:`~kiosk.hub.federation_signing.PeerVerifier` built here.
"""

from __future__ import annotations

import binascii
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.config import FederationConfig
from kiosk.core.clock import Clock, SystemClock
from kiosk.core.errors import ConfigError
from kiosk.hub.auth import RateLimiter
from kiosk.hub.federation_signing import (
    PeerVerifier,
    load_private_key,
    load_public_key,
    sign_request,
)

REGION_CODE = re.compile(r"^[0-9]{6}$")


@dataclass(frozen=True, slots=True)
class Peer:
    """Another district's hub: its region code, base URL and public key (base64)."""

    region: str
    url: str
    public_key: str


@dataclass(frozen=True, slots=True)
class FederationSettings:
    """What :func:`kiosk.hub.app.create_app` is told about federation; empty: none."""

    region: str = ""
    private_key: str = ""  # base64 of the raw 32 bytes (read from the key file)
    peers: tuple[Peer, ...] = ()
    shared_services: tuple[str, ...] = ()
    # Requests one peer may make per minute (a peer's booths, many at once, stay far below;
    # a peer gone wrong or a stolen key does not get to hammer this hub).
    peer_requests_per_minute: int = 600

    @property
    def enabled(self) -> bool:
        return bool(self.region and self.private_key)

    @classmethod
    def from_config(cls, config: FederationConfig) -> FederationSettings:
        problems: list[str] = []
        where = "hub_server.federation"
        if config.region and not REGION_CODE.match(config.region):
            problems.append(f"{where}.region: a six-digit region code, not {config.region!r}")
        private_key = ""
        if config.key_file:
            try:
                private_key = Path(config.key_file).read_text(encoding="ascii").strip()
                load_private_key(private_key)
            except OSError as exc:
                problems.append(f"{where}.key_file: cannot read: {exc.strerror}")
            except (ValueError, binascii.Error):
                problems.append(f"{where}.key_file: not a peer key (kiosk hub --new-peer-key)")
        elif config.region:
            problems.append(f"{where}.key_file: a region needs its key file")
        peers = []
        for number, line in enumerate(config.peers):
            try:
                peers.append(parse_peer(line))
            except ValueError as exc:
                problems.append(f"{where}.peers[{number}]: {exc}")
        if len({p.region for p in peers}) != len(peers):
            problems.append(f"{where}.peers: a region is listed twice")
        if problems:
            raise ConfigError(problems)
        return cls(
            region=config.region,
            private_key=private_key,
            peers=tuple(peers),
            shared_services=config.shared_services,
        )


def parse_peer(line: str) -> Peer:
    """``"REGION URL PUBLIC_KEY"`` as a :class:`Peer`; ValueError says what is wrong."""
    parts = line.split()
    if len(parts) != 3:
        raise ValueError("write it as 'REGION URL PUBLIC_KEY'")
    region, url, key = parts
    if not REGION_CODE.match(region):
        raise ValueError(f"{region!r} is not a six-digit region code")
    if not url.startswith(("https://", "http://")):
        raise ValueError(f"{url!r} is not an http(s) URL")
    try:
        load_public_key(key)
    except (ValueError, binascii.Error):
        raise ValueError("the public key is not base64 of 32 bytes") from None
    return Peer(region=region, url=url.rstrip("/"), public_key=key)


class PeerUnavailable(Exception):
    """A peer hub did not answer (down, unreachable, or too slow)."""


class PeerRefused(Exception):
    """A peer hub answered with an error: its status and body are kept."""

    def __init__(self, status: int, body: Any) -> None:
        super().__init__(f"peer answered {status}")
        self.status = status
        self.body = body


@dataclass
class Federation:
    """The running federation of one hub: who its peers are, checking their requests and
    signing its own."""

    settings: FederationSettings
    clock: Clock = field(default_factory=SystemClock)
    verifier: PeerVerifier = field(init=False)
    limiter: RateLimiter = field(init=False)  # requests per peer region
    _key: Ed25519PrivateKey | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self.verifier = PeerVerifier(
            peers={p.region: load_public_key(p.public_key) for p in self.settings.peers},
            clock=lambda: self.clock.now().timestamp(),
        )
        self.limiter = RateLimiter(self.clock, self.settings.peer_requests_per_minute, 60.0)
        if self.settings.enabled:
            self._key = load_private_key(self.settings.private_key)

    def peer(self, region: str) -> Peer | None:
        return next((p for p in self.settings.peers if p.region == region), None)

    async def call(
        self,
        region: str,
        method: str,
        path: str,
        body: Any = None,
        *,
        timeout_s: float = 10.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> Any:
        """The JSON answer of peer ``region`` to a signed request; :class:`PeerUnavailable`
        when it does not answer, :class:`PeerRefused` when it answers with an error."""
        peer = self.peer(region)
        if peer is None or self._key is None:
            raise PeerUnavailable(f"no configured peer {region}")
        content = b"" if body is None else json.dumps(body, ensure_ascii=False).encode()
        headers = sign_request(self._key, self.settings.region, method, path, content)
        if content:
            headers["Content-Type"] = "application/json"
        try:
            async with httpx.AsyncClient(timeout=timeout_s, transport=transport) as client:
                response = await client.request(
                    method, peer.url + path, content=content, headers=headers
                )
        except httpx.HTTPError as exc:
            raise PeerUnavailable(f"peer {region}: {type(exc).__name__}") from exc
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if response.status_code >= 400:
            raise PeerRefused(response.status_code, answer)
        return answer
