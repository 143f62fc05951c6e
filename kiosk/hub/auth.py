"""Who is calling: clerks (password, expiring sessions), booths (per-booth tokens) and
citizens (signed links or an SMS code).

Bearer tokens say what they are by their prefix, so one header serves every caller:

- ``bt_...``  a booth token, issued once at registration; the hub keeps only its SHA-256.
- ``cs_...``  a clerk session, issued at login; the hub keeps only its SHA-256; expires.
- ``ct.<ref>.<expiry>.<mac>`` a citizen link: HMAC-SHA256 over the citizen reference and
  expiry with the hub's secret; nothing is stored.

Passwords are hashed with argon2id. :class:`LoginLimiter` admits a password check only
after reserving it against limits per (account, address), per address and per account.
:class:`RateLimiter` is the hub's keyed sliding-window limit (door openings, SMS codes).
"""

from __future__ import annotations

import base64
import collections
import hashlib
import hmac
import secrets
import threading
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
    # An operator's booths (kiosk.hub.api_ops.in_scope): ids, id prefixes ending in "*",
    # or "*" for the whole fleet. Empty for everyone else.
    operator_scope: tuple[str, ...] = ()
    # A clerk's session (its token's hash): the sockets logout closes.
    session: str = ""

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

    def derive(self, purpose: str) -> bytes:
        """32 bytes for ``purpose`` derived from the hub's secret (the config-push key's
        seed): one secret to keep, and no other use of it can reproduce these bytes."""
        return hmac.new(self._secret, b"xiaowu-derive:" + purpose.encode(), hashlib.sha256).digest()

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


class LoginLimiter:
    """Password checks admitted per account, per address and per (account, address).

    A check is *reserved* before the slow hash runs and counted as in flight until it ends,
    so 40 parallel wrong passwords are not 40 evaluations: at most ``max_failures`` for one
    account from one address (failures in ``window_s`` plus checks in flight), then 429.
    Limits, per sliding window:

    - (account, address): ``max_failures``: a guesser at one address gets a handful of tries;
    - address: ``ADDRESS_FACTOR`` times that: one address spraying many accounts;
    - account: ``ACCOUNT_FACTOR`` times that, from all addresses together: a guesser with
      many addresses. A stranger's failures count only against the stranger's own address
      and the account's high limit, so guessing a clerk's name from elsewhere does not lock
      the clerk out at her own desk until the whole fleet of guessers reached the account
      limit; past it the account waits out the window (the backoff), whoever asks.

    A success clears its (account, address) failures. Kept in memory: one hub process sees
    all logins of its clients; several processes each enforce the limits on their share.
    """

    ADDRESS_FACTOR = 4
    ACCOUNT_FACTOR = 10
    MAX_KEYS = 100_000  # counters kept before stale ones are dropped

    def __init__(self, clock: Clock, max_failures: int, window_s: float) -> None:
        self._clock = clock
        self._max = max_failures
        self._window = window_s
        self._failures: dict[str, collections.deque[float]] = {}
        self._in_flight: collections.Counter[str] = collections.Counter()
        self._lock = threading.Lock()  # the login route runs in the thread pool

    def keys(self, account: str, address: str) -> dict[str, int]:
        """The counters a login of ``account`` from ``address`` is held to, with limits."""
        return {
            f"pair:{account}|{address}": self._max,
            f"addr:{address}": self._max * self.ADDRESS_FACTOR,
            f"user:{account}": self._max * self.ACCOUNT_FACTOR,
        }

    def reserve(self, account: str, address: str) -> float:
        """Admit one password check (0.0) and count it in flight, or the seconds to wait
        before one may be tried (nothing reserved). Every admitted check must be ended
        with :meth:`release`."""
        limits = self.keys(account, address)
        with self._lock:
            now = self._clock.monotonic()
            wait = 0.0
            for key, limit in limits.items():
                times = self._failures.get(key)
                while times and times[0] <= now - self._window:
                    times.popleft()
                used = len(times or ()) + self._in_flight[key]
                if used >= limit:
                    # In flight only: the answer comes within the hash's time.
                    wait = max(wait, times[0] + self._window - now if times else 1.0)
            if wait > 0:
                return wait
            for key in limits:
                self._in_flight[key] += 1
            return 0.0

    def release(self, account: str, address: str, *, succeeded: bool) -> None:
        """End a reserved check: a failure counts against every limit, a success clears
        the (account, address) failures."""
        limits = self.keys(account, address)
        with self._lock:
            now = self._clock.monotonic()
            for key in limits:
                self._in_flight[key] -= 1
                if self._in_flight[key] <= 0:
                    del self._in_flight[key]
                if not succeeded:
                    self._failures.setdefault(key, collections.deque()).append(now)
            if succeeded:
                self._failures.pop(next(iter(limits)), None)
            if len(self._failures) > self.MAX_KEYS:  # made-up names must not grow memory
                self._failures = {
                    key: times
                    for key, times in self._failures.items()
                    if times and times[-1] > now - self._window
                }
