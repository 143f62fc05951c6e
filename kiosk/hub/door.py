"""Who may open a booth's door: the citizen standing at it, once, while the booth is free.

Threat: booth ids are public, and ``POST /api/v1/booths/{id}/open-door`` unlocks a glass
door and starts a session. A stranger anywhere on the network must not be able to open
it, nor to throw out a citizen already inside (a new session used to take the screen
back to its start).

Controls, in the order the route applies them (kiosk.hub.api_door.open_door):

1. **Rate limits** per client address, per booth and per citizen link (a
   :class:`~kiosk.hub.auth.RateLimiter`, ``door_per_*`` in ``door_rate_window_s``): 429
   with ``Retry-After``. Counted before anything else, so codes cannot be guessed fast.
2. **Presence**: the request carries the door code the booth shows on its attract screen
   (kiosk.core.door_codes: an HMAC of the booth id and a 30 s window under a per-booth
   key derived from the hub's secret, given only to that booth in its WebSocket
   ``welcome``). Only the current and the previous window are taken, and each code once
   (:meth:`DoorGuard.consume`); anything else is 403 ``bad_door_code``. A citizen link
   (an appointment or a verified phone) does not replace the code: it says who, the code
   says where.
3. **Occupancy**: the booth tells the hub its session state (``session_state`` events at
   every change and at every connection, so a restarted hub or a reconnected booth knows
   at once); the hub refuses 409 ``booth_occupied`` while a session runs or while another
   phone is being let in (:meth:`DoorGuard.claim`), and the booth itself refuses
   ``open_door`` and ``start_session`` mid-session (``session_running``), which the hub
   also answers with 409 ``booth_occupied``.
4. **Audit**: every attempt, allowed or refused with its reason, is an ``audit_log`` row
   (actor: the citizen link's reference, or the caller's address; never a token or code).

Kept in memory per hub process: the rate windows and the codes used (a code lives 60 s at
most, and the session it opened makes the booth refuse another meanwhile). With several
hub processes the process that holds the booth's WebSocket knows its session state; the
others rely on the booth's own refusal.
"""

from __future__ import annotations

import base64
import hmac

from kiosk.core.clock import Clock
from kiosk.core.door_codes import door_code, door_key, window_at
from kiosk.hub.auth import RateLimiter
from kiosk.hub.settings import HubSettings

SESSION_RUNNING = "session_running"  # the booth's refusal of open_door mid-session


class DoorGuard:
    """Door keys for booths, door codes checked and used once, and the attempt limits."""

    def __init__(self, secret: bytes, clock: Clock, settings: HubSettings) -> None:
        self._secret = secret
        self._clock = clock
        self.window_s = settings.door_code_window_s
        self.limits = RateLimiter(
            clock,
            settings.door_per_address,
            settings.door_rate_window_s,
            limits={
                "addr": settings.door_per_address,
                "booth": settings.door_per_booth,
                "citizen": settings.door_per_citizen,
            },
        )
        self._used: dict[tuple[str, str], float] = {}  # (booth, code) -> forget after
        self._opening: set[str] = set()  # booths whose door is being opened now

    def key(self, booth_id: str) -> str:
        """The booth's door key, as its ``welcome`` frame carries it (base64url)."""
        return base64.urlsafe_b64encode(door_key(self._secret, booth_id)).decode()

    def welcome(self, booth_id: str, page_url: str) -> dict[str, object]:
        """What a booth needs to show its door codes (the ``door`` of its welcome)."""
        return {"key": self.key(booth_id), "window_s": self.window_s, "url": page_url}

    def valid(self, booth_id: str, code: str) -> bool:
        """Whether ``code`` is the booth's code of the current or the previous window."""
        key = door_key(self._secret, booth_id)
        now = window_at(self._clock.now().timestamp(), self.window_s)
        expected = [door_code(key, booth_id, w) for w in (now, now - 1)]
        # Both compared in constant time, whatever the first one says.
        matches = [hmac.compare_digest(code.encode(), e.encode()) for e in expected]
        return any(matches)

    def consume(self, booth_id: str, code: str) -> bool:
        """Mark a valid code used; False if it was used before."""
        now = self._clock.monotonic()
        for used, until in list(self._used.items()):
            if until <= now:
                del self._used[used]
        if (booth_id, code) in self._used:
            return False
        self._used[(booth_id, code)] = now + 2 * self.window_s  # its whole validity
        return True

    def claim(self, booth_id: str) -> bool:
        """Take the booth's door for one opening (False: another is under way), so two
        phones with two valid codes cannot both be let in before the booth reports."""
        if booth_id in self._opening:
            return False
        self._opening.add(booth_id)
        return True

    def release(self, booth_id: str) -> None:
        self._opening.discard(booth_id)
