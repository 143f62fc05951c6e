"""Who is calling: clerks (password, expiring sessions), booths (per-booth tokens) and
citizens (signed links or an SMS code).

Bearer tokens say what they are by their prefix, so one header serves every caller:

- ``bt_...``  a booth token, issued once at registration; the hub keeps only its SHA-256.
- ``cs_...``  a clerk session, issued at login; the hub keeps only its SHA-256; expires.
- ``ct.<ref>.<expiry>.<mac>`` a citizen link: HMAC-SHA256 over the citizen reference and
  expiry with the hub's secret; nothing is stored.

Passwords are hashed with argon2id. :class:`LoginLimiter` refuses logins after too many
failures per account or per address in a sliding window.
"""

from __future__ import annotations

import base64
import collections
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from kiosk.core.clock import Clock


class Passwords:
    """argon2id hashing with the hub's cost settings (the defaults are argon2-cffi's)."""

    def __init__(self, time_cost: int = 3, memory_kib: int = 65536) -> None:
        self._hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib)
        # Verified against when the account does not exist, so timing does not tell.
        self._dummy = self._hasher.hash("not-a-real-password")

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def check(self, stored_hash: str | None, password: str) -> bool:
        try:
            return self._hasher.verify(stored_hash or self._dummy, password) and bool(stored_hash)
        except (VerificationError, InvalidHashError):
            return False


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_booth_token() -> str:
    return "bt_" + secrets.token_urlsafe(32)


def new_session_token() -> str:
    return "cs_" + secrets.token_urlsafe(32)


def new_citizen_ref() -> str:
    return secrets.token_hex(12)


@dataclass(frozen=True, slots=True)
class Principal:
    """The authenticated caller of a request or WebSocket."""

    kind: str  # "clerk" | "booth" | "citizen"
    id: str  # clerk id, booth id or citizen reference
    department: str | None = None
    roles: frozenset[str] = frozenset()
    name: str = ""

    @property
    def peer(self) -> str:
        """The address of this caller on the signaling relay (``clerk:<id>``, ``booth:<id>``)."""
        return f"{self.kind}:{self.id}"

    def has_role(self, role: str) -> bool:
        return role in self.roles


class CitizenLinks:
    """Signs and checks citizen link tokens with the hub's secret."""

    def __init__(self, secret: bytes, clock: Clock, ttl_s: float) -> None:
        self._secret = secret
        self._clock = clock
        self._ttl_s = ttl_s

    def issue(self, citizen_ref: str, ttl_s: float | None = None) -> str:
        """A token for ``citizen_ref``, valid ``ttl_s`` (default: the links' lifetime)."""
        expiry = int(self._clock.now().timestamp() + (self._ttl_s if ttl_s is None else ttl_s))
        body = f"{citizen_ref}.{expiry}"
        return f"ct.{body}.{self._mac(body)}"

    def check(self, token: str) -> str | None:
        """The citizen reference of a valid, unexpired token; otherwise None."""
        parts = token.split(".")
        if len(parts) != 4 or parts[0] != "ct":
            return None
        _, ref, expiry, mac = parts
        if not hmac.compare_digest(mac, self._mac(f"{ref}.{expiry}")):
            return None
        try:
            if int(expiry) < self._clock.now().timestamp():
                return None
        except ValueError:
            return None
        return ref

    def sign(self, text: str) -> str:
        """A MAC for any text (certificate signatures)."""
        return self._mac(text)

    def _mac(self, text: str) -> str:
        digest = hmac.new(self._secret, text.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest[:24]).decode().rstrip("=")


class LoginLimiter:
    """At most ``max_failures`` failed logins per key within ``window_s`` seconds.

    Kept in memory: one hub process sees all logins of its clients. Several processes
    would each enforce the limit on their share.
    """

    def __init__(self, clock: Clock, max_failures: int, window_s: float) -> None:
        self._clock = clock
        self._max = max_failures
        self._window = window_s
        self._failures: dict[str, collections.deque[float]] = {}

    def blocked(self, *keys: str) -> float:
        """Seconds until a login for any of ``keys`` may be tried again (0: now)."""
        now = self._clock.monotonic()
        wait = 0.0
        for key in keys:
            times = self._failures.get(key)
            if not times:
                continue
            while times and times[0] <= now - self._window:
                times.popleft()
            if len(times) >= self._max:
                wait = max(wait, times[0] + self._window - now)
        return wait

    def failed(self, *keys: str) -> None:
        now = self._clock.monotonic()
        for key in keys:
            self._failures.setdefault(key, collections.deque()).append(now)

    def succeeded(self, key: str) -> None:
        self._failures.pop(key, None)
