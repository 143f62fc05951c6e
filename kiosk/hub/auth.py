"""Who is calling: clerks (password, expiring sessions), booths (per-booth tokens) and
citizens (signed links or an SMS code).

Bearer tokens say what they are by their prefix, so one header serves every caller:

- ``bt_...``  a booth token, issued once at registration; the hub keeps only its SHA-256.
- ``cs_...``  a clerk session, issued at login; the hub keeps only its SHA-256; expires.
- ``ct.<ref>.<expiry>.<mac>`` a citizen link: HMAC-SHA256 over the citizen reference and
  expiry with the hub's secret; nothing is stored.

Passwords are hashed with argon2id. :class:`RateLimiter` is the hub's keyed sliding-window
limit (door openings, SMS codes); :class:`LoginLimiter` is one that refuses logins after too
many failures per account or per address.
"""

from __future__ import annotations

import base64
import collections
import hashlib
import hmac
import secrets
from collections.abc import Mapping
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

    def issue(self, citizen_ref: str) -> str:
        expiry = int(self._clock.now().timestamp() + self._ttl_s)
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


class RateLimiter:
    """A keyed sliding-window limit: at most ``limit`` hits per key within ``window_s``
    seconds of the injected clock's monotonic time.

    Keys are plain strings chosen by the caller (``"phone:<digest>"``, ``"addr:1.2.3.4"``,
    ``"booth:b1"``); one limiter may hold several kinds, each with its own limit in
    ``limits`` (by the key's prefix before ``:``; ``limit`` for the others).
    :meth:`take` checks and counts in one step (a request that is refused is not
    counted, so a caller who waits gets in);
    :meth:`wait` and :meth:`hit` split the two for limits that count only failures.

    Kept in memory: one hub process sees all requests of its clients. Several processes
    (PostgreSQL) each enforce the limit on their share, so the fleet-wide bound is the
    limit times the processes; a restart forgets the window. Limits that must survive a
    restart are kept in the database instead (kiosk.hub.citizen_login).
    """

    def __init__(
        self,
        clock: Clock,
        limit: int,
        window_s: float,
        *,
        limits: Mapping[str, int] | None = None,
        max_keys: int = 100_000,
    ) -> None:
        self._clock = clock
        self._max = limit
        self._limits = dict(limits or {})
        self._window = window_s
        # A stranger varying keys (addresses, phone numbers) must not grow this forever:
        # past max_keys, the keys with the oldest hits go first.
        self._max_keys = max_keys
        self._hits: collections.OrderedDict[str, collections.deque[float]] = (
            collections.OrderedDict()
        )

    def wait(self, *keys: str) -> float:
        """Seconds until one more hit of every key in ``keys`` is allowed (0: now)."""
        now = self._clock.monotonic()
        wait = 0.0
        for key in keys:
            times = self._hits.get(key)
            if not times:
                continue
            while times and times[0] <= now - self._window:
                times.popleft()
            limit = self._limits.get(key.split(":", 1)[0], self._max)
            if len(times) >= limit:
                wait = max(wait, times[len(times) - limit] + self._window - now)
        return wait

    def hit(self, *keys: str) -> None:
        """Count one hit of each key."""
        now = self._clock.monotonic()
        for key in keys:
            times = self._hits.pop(key, None) or collections.deque()
            times.append(now)
            self._hits[key] = times  # most recently hit last
        while len(self._hits) > self._max_keys:
            self._hits.popitem(last=False)

    def take(self, *keys: str) -> float:
        """Count a hit of every key if all allow one and answer 0; otherwise count
        nothing and answer the seconds to wait."""
        wait = self.wait(*keys)
        if wait <= 0:
            self.hit(*keys)
        return wait

    def forget(self, key: str) -> None:
        self._hits.pop(key, None)


class LoginLimiter(RateLimiter):
    """At most ``max_failures`` failed logins per key within ``window_s`` seconds (a
    :class:`RateLimiter` counting failures only)."""

    def __init__(self, clock: Clock, max_failures: int, window_s: float) -> None:
        super().__init__(clock, max_failures, window_s)

    def blocked(self, *keys: str) -> float:
        """Seconds until a login for any of ``keys`` may be tried again (0: now)."""
        return self.wait(*keys)

    def failed(self, *keys: str) -> None:
        self.hit(*keys)

    def succeeded(self, key: str) -> None:
        self.forget(key)
