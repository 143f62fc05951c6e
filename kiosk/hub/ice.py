"""The ICE servers (STUN, TURN) the hub hands to clerk consoles and booths.

TURN needs credentials. With a shared secret (coturn ``use-auth-secret`` and
``static-auth-secret=...``; the "TURN REST API" of draft-uberti-behave-turn-rest) each
caller gets its own short-lived pair and the secret never leaves the hub::

    username   = "<unix time it expires>:<who>"
    credential = base64(HMAC-SHA1(secret, username))

coturn recomputes the credential from its copy of the secret and refuses a username whose
time has passed. Without a secret, the configured static username and password are
handed out as they are (coturn ``lt-cred-mech`` with a ``user=``). The servers are in the
W3C ``RTCIceServer`` shape, ready for ``new RTCPeerConnection({iceServers})`` and aiortc's
``RTCIceServer(**server)``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

from kiosk.core.clock import Clock


def rest_credentials(secret: str, who: str, expires_at: int) -> tuple[str, str]:
    """The TURN REST API username and credential for ``who`` until ``expires_at``."""
    # coturn takes everything before the first ':' as the expiry time: keep ':' out of who.
    username = f"{expires_at}:{who.replace(':', '-')}"
    digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return username, base64.b64encode(digest).decode()


@dataclass(frozen=True, slots=True)
class IceServers:
    """What to hand out (from :class:`~kiosk.hub.settings.HubSettings`)."""

    stun_urls: tuple[str, ...] = ()
    turn_urls: tuple[str, ...] = ()
    turn_secret: str = ""
    turn_ttl_s: float = 86400.0
    turn_username: str = ""
    turn_password: str = ""

    def for_peer(self, who: str, clock: Clock) -> dict[str, Any]:
        """``{"iceServers": [...], "ttl_s": N | None}`` for one caller (``clerk:<id>``...).

        ``ttl_s`` says how long the TURN credentials stay valid (None: they do not expire).
        """
        servers: list[dict[str, Any]] = []
        if self.stun_urls:
            servers.append({"urls": list(self.stun_urls)})
        ttl: float | None = None
        if self.turn_urls:
            if self.turn_secret:
                ttl = self.turn_ttl_s
                expires = int(clock.now().timestamp() + ttl)
                username, credential = rest_credentials(self.turn_secret, who, expires)
            else:
                username, credential = self.turn_username, self.turn_password
            servers.append(
                {"urls": list(self.turn_urls), "username": username, "credential": credential}
            )
        return {"iceServers": servers, "ttl_s": ttl}
