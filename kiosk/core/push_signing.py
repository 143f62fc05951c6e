"""Signed ``config`` pushes: the hub signs, the booth checks with the hub's public key.

A booth already takes commands only over its own authenticated WebSocket to the hub it is
configured with; the signature binds each push to that hub's key as well, so a push that
did not come from it (a proxy or a stranger on the path of an unencrypted link, another
process on the hub's network that learnt a booth's socket) is refused. The key pair is
Ed25519: the booth holds only the public half (``[hub] push_key``, printed by
``kiosk hub --push-key``), so nothing on a stolen booth lets anyone sign.

What is signed is the canonical JSON of ``{"booth", "settings", "at"}``: a push for one
booth is refused by another, and one older than :data:`MAX_AGE_S` (or that far in the
future) is refused, so a recorded push cannot be replayed days later.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

MAX_AGE_S = 600.0  # booth and hub clocks are NTP-synchronised; ten minutes is generous


def signed_bytes(booth_id: str, settings: dict[str, Any], at: str) -> bytes:
    document = {"booth": booth_id, "settings": settings, "at": at}
    return json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def public_key_text(seed: bytes) -> str:
    """The public key (base64 of its 32 raw bytes) of the key pair made from ``seed``."""
    public = Ed25519PrivateKey.from_private_bytes(seed[:32]).public_key()
    return base64.b64encode(public.public_bytes_raw()).decode()


def sign_push(
    seed: bytes, booth_id: str, settings: dict[str, Any], now: dt.datetime
) -> dict[str, Any]:
    """The ``config`` command's data: the settings, when, and the signature."""
    at = now.astimezone(dt.UTC).isoformat(timespec="seconds")
    key = Ed25519PrivateKey.from_private_bytes(seed[:32])
    signature = key.sign(signed_bytes(booth_id, settings, at))
    return {"settings": settings, "at": at, "signature": base64.b64encode(signature).decode()}


def check_push(
    public_key: str, booth_id: str, data: dict[str, Any], now: dt.datetime
) -> str | None:
    """None when ``data`` is a push for ``booth_id`` signed by ``public_key`` and fresh;
    otherwise the refusal's code (``config_unsigned``, ``config_bad_signature``,
    ``config_stale``)."""
    signature, at, settings = data.get("signature"), data.get("at"), data.get("settings")
    if not isinstance(signature, str) or not isinstance(at, str) or not isinstance(settings, dict):
        return "config_unsigned"
    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key, validate=True))
        key.verify(base64.b64decode(signature, validate=True), signed_bytes(booth_id, settings, at))
        when = dt.datetime.fromisoformat(at)
    except (InvalidSignature, ValueError):
        return "config_bad_signature"
    if when.tzinfo is None:
        return "config_bad_signature"
    if abs((now - when).total_seconds()) > MAX_AGE_S:
        return "config_stale"
    return None
