"""Door codes: the rotating code a booth shows at its door, which proves that whoever asks
the hub to open the door is standing there (kiosk.hub.door checks it).

Theory of operation. The hub derives one key per booth from its own secret
(:func:`door_key`) and gives it to that booth only, in the ``welcome`` frame of the booth's
authenticated WebSocket. Time is cut into windows of ``window_s`` seconds (30 by default)
counted from the Unix epoch (:func:`window_at`). The code of a window is an HMAC-SHA256 of
the booth id and the window number under the booth's key, cut to 72 bits and written in
12 URL-safe characters (:func:`door_code`). The booth shows the code of the current window
as a QR code on its attract screen (:func:`door_link`), so only someone in front of the
glass can read it; the hub takes a code of the current or the previous window (a scan at
the end of a window still works) and each code once.

Nothing here reads a clock or does IO: callers pass the time. Both sides compute with the
same functions, so the booth never needs to ask the hub for a code.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
from urllib.parse import quote

KEY_LABEL = b"xiaowu door key v1\x00"
CODE_CHARS = 12  # 9 bytes of the MAC: 72 bits, short enough for a small QR code


def door_key(secret: bytes, booth_id: str) -> bytes:
    """The key of one booth's door codes, derived from the hub's secret."""
    return hmac.new(secret, KEY_LABEL + booth_id.encode(), hashlib.sha256).digest()


def window_at(unix_time: float, window_s: float) -> int:
    """The number of the code window ``unix_time`` falls in."""
    return math.floor(unix_time / window_s)


def door_code(key: bytes, booth_id: str, window: int) -> str:
    """The door code of ``booth_id`` for ``window``."""
    mac = hmac.new(key, f"{booth_id}.{window}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac[: CODE_CHARS * 3 // 4]).decode()


def seconds_left(unix_time: float, window_s: float) -> float:
    """Seconds until the window of ``unix_time`` ends (the code on screen changes)."""
    return (window_at(unix_time, window_s) + 1) * window_s - unix_time


def door_link(page_url: str, booth_id: str, code: str) -> str:
    """The citizen page's address a phone opens from the door's QR code. The booth and
    the code ride in the fragment, which a browser never sends to a server (nor to its
    logs)."""
    return f"{page_url}#booth={quote(booth_id, safe='')}&door={code}"
