"""Signed requests between federated hubs (跨域通办): Ed25519 over method, path, body hash,
timestamp, nonce and sender region.

Each hub holds one Ed25519 key pair; its peers know the public key and region code from
their config. A request from hub A to hub B carries the headers of :func:`sign_request`;
B's :class:`PeerVerifier` refuses it with a distinct error code when the sender is not a
configured peer, the signature does not match, the timestamp is outside the allowed skew,
or the nonce was already seen within that window (a replay). The nonce memory only needs to
cover the skew window, since anything older is refused as stale anyway.

Not yet wired into routes: the peer routes, config keys and CLI come next.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from kiosk.hub.errors import ApiError

HEADER_REGION = "X-Xiaowu-Peer-Region"
HEADER_TIMESTAMP = "X-Xiaowu-Peer-Timestamp"
HEADER_NONCE = "X-Xiaowu-Peer-Nonce"
HEADER_SIGNATURE = "X-Xiaowu-Peer-Signature"

DEFAULT_MAX_SKEW_S = 60.0
MAX_NONCE_LENGTH = 64


def generate_private_key_b64() -> str:
    """A new private key as base64 of its 32 raw bytes (what goes in the hub's config)."""
    raw = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )
    return base64.b64encode(raw).decode("ascii")


def load_private_key(b64: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(base64.b64decode(b64, validate=True))


def public_key_b64(private_key: Ed25519PrivateKey) -> str:
    """The public half, base64 of its 32 raw bytes: what a peer puts in its config."""
    raw = private_key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return base64.b64encode(raw).decode("ascii")


def load_public_key(b64: str) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(base64.b64decode(b64, validate=True))


def signed_message(
    method: str, path: str, body: bytes, timestamp: str, nonce: str, region: str
) -> bytes:
    """The exact bytes signed: one field a line, the body by its SHA-256."""
    body_hash = hashlib.sha256(body).hexdigest()
    return "\n".join(
        ["xiaowu-peer-v1", method.upper(), path, body_hash, timestamp, nonce, region]
    ).encode("utf-8")


def sign_request(
    private_key: Ed25519PrivateKey,
    region: str,
    method: str,
    path: str,
    body: bytes,
    *,
    now: float | None = None,
    nonce: str | None = None,
) -> dict[str, str]:
    """The headers that authenticate one request from the hub of ``region``."""
    timestamp = str(int(time.time() if now is None else now))
    nonce = nonce or secrets.token_urlsafe(18)
    signature = private_key.sign(signed_message(method, path, body, timestamp, nonce, region))
    return {
        HEADER_REGION: region,
        HEADER_TIMESTAMP: timestamp,
        HEADER_NONCE: nonce,
        HEADER_SIGNATURE: base64.b64encode(signature).decode("ascii"),
    }


@dataclass
class PeerVerifier:
    """Checks signed requests against the configured peers (region code -> public key)."""

    peers: Mapping[str, Ed25519PublicKey]
    clock: Callable[[], float] = time.time
    max_skew_s: float = DEFAULT_MAX_SKEW_S
    _seen_nonces: dict[tuple[str, str], float] = field(default_factory=dict)

    def verify(self, method: str, path: str, body: bytes, headers: Mapping[str, str]) -> str:
        """The sender's region code, or an :class:`ApiError` saying why not."""
        region = headers.get(HEADER_REGION, "")
        timestamp = headers.get(HEADER_TIMESTAMP, "")
        nonce = headers.get(HEADER_NONCE, "")
        signature_b64 = headers.get(HEADER_SIGNATURE, "")
        if not (region and timestamp and nonce and signature_b64):
            raise ApiError(401, "peer_signature_missing", "peer request is not signed")
        public_key = self.peers.get(region)
        if public_key is None:
            raise ApiError(403, "peer_unknown", "sender is not a configured peer")
        try:
            signature = base64.b64decode(signature_b64, validate=True)
            public_key.verify(
                signature, signed_message(method, path, body, timestamp, nonce, region)
            )
        except (InvalidSignature, ValueError):
            raise ApiError(
                401, "peer_signature_invalid", "peer signature does not verify"
            ) from None
        now = self.clock()
        try:
            sent_at = float(int(timestamp))
        except ValueError:
            raise ApiError(401, "peer_timestamp_stale", "peer timestamp is not a number") from None
        if abs(now - sent_at) > self.max_skew_s:
            raise ApiError(401, "peer_timestamp_stale", "peer timestamp outside allowed skew")
        if len(nonce) > MAX_NONCE_LENGTH:
            raise ApiError(400, "peer_nonce_invalid", "peer nonce too long")
        self._forget_old_nonces(now)
        if (region, nonce) in self._seen_nonces:
            raise ApiError(409, "peer_replay", "peer request already seen")
        self._seen_nonces[(region, nonce)] = now
        return region

    def _forget_old_nonces(self, now: float) -> None:
        # A nonce older than twice the skew can only come back with a stale timestamp.
        horizon = now - 2 * self.max_skew_s
        for key in [k for k, seen in self._seen_nonces.items() if seen < horizon]:
            del self._seen_nonces[key]
