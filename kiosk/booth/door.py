"""The booth's side of who may open its door (composition-root code; the hub's side and
the threat are in kiosk.hub.door).

- :class:`DoorPass` turns the door key of the hub's ``welcome`` into the address the
  attract screen shows as a QR code, with the code of the current window
  (kiosk.core.door_codes). The booth's clock is corrected by the welcome's
  ``server_time``, so a booth whose clock drifts still shows codes the hub takes. No key
  (never welcomed) or no hub (offline): no address, so no QR code that cannot work.
- :class:`SessionReport` tells the hub whether a citizen session runs (``session_state``),
  at every change and every time the hub welcomes the booth: a restarted hub, or one
  the booth reconnected to, knows at once whether the door may open.
- :func:`refuse_mid_session` is the booth's own check behind the hub's: ``open_door``
  and ``start_session`` are refused (``session_running``) while a citizen is inside.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import datetime as dt
import logging
from typing import Any, Protocol

from kiosk.core.clock import Clock
from kiosk.core.door_codes import door_code, door_link, window_at
from kiosk.core.errors import HubUnavailable, SessionError
from kiosk.ops.health import EventChannel

log = logging.getLogger(__name__)

SESSION_RUNNING = "session_running"


class DoorPass:
    """The door QR code's address now, from the hub's last welcome."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._key = b""
        self._booth_id = ""
        self._window_s = 0.0
        self._url = ""
        self._offset_s = 0.0  # the hub's clock minus the booth's
        self._online = False

    def welcomed(self, welcome: Any) -> None:
        """Take the door key of a :class:`~kiosk.backend.messages.Welcome`."""
        try:
            key = base64.urlsafe_b64decode(welcome.door_key.encode())
        except (binascii.Error, ValueError):
            key = b""
        if not key or welcome.door_window_s <= 0 or not welcome.door_url:
            log.warning("the hub gave no door key: the door opens only from the hub")
            self._key = b""
            return
        self._key, self._booth_id = key, welcome.booth_id
        self._window_s, self._url = welcome.door_window_s, welcome.door_url
        try:
            hub_now = dt.datetime.fromisoformat(welcome.server_time)
            self._offset_s = (hub_now - self._clock.now()).total_seconds()
        except (TypeError, ValueError):
            self._offset_s = 0.0

    def channel_status(self, status: Any) -> None:
        """A channel listener: no QR code while the hub cannot open the door."""
        self._online = bool(getattr(status, "online", False)) and bool(self._key)

    def link(self) -> str:
        """The address to show at the door now; "" when there is none."""
        if not self._online:
            return ""
        now = self._clock.now().timestamp() + self._offset_s
        code = door_code(self._key, self._booth_id, window_at(now, self._window_s))
        return door_link(self._url, self._booth_id, code)


class EventSender(EventChannel, Protocol):
    """What :class:`SessionReport` needs of :class:`~kiosk.backend.channel.BoothChannel`:
    the health reporter's event channel, and the hub's ``welcome``."""

    welcome: Any


class SessionReport:
    """Tells the hub the booth's session state (``session_state`` events)."""

    def __init__(self, channel: EventSender) -> None:
        self._channel = channel
        self._ui: Any = None

    def attach(self, ui: Any) -> None:
        """Follow ``ui``'s sessions (``BoothUi``: its bridge's ``session_changed``)."""
        self._ui = ui
        ui.bridge.session_changed.connect(lambda _active: self.send())
        self.send()

    def channel_status(self, status: Any) -> None:
        """A channel listener: each welcome gets the state (the hub forgot it)."""
        if getattr(status, "online", False):
            self.send()

    def send(self) -> None:
        session = getattr(self._ui, "session", None)
        data: dict[str, Any] = {"active": session is not None}
        if session is not None:
            data["session_id"] = str(getattr(session, "session_id", ""))
        # Not buffered (offline: nothing sent): only the latest state matters, and it
        # is sent again at the next welcome.
        with contextlib.suppress(HubUnavailable):
            self._channel.send_event("session_state", data, buffer=False)


def refuse_mid_session(ui: Any, command: str) -> None:
    """Raise ``session_running`` if a citizen session runs on ``ui`` (a ``BoothUi``)."""
    if ui is not None and ui.session is not None:
        log.warning("%s refused: a citizen session is running", command)
        raise SessionError(f"{command} refused mid-session", code=SESSION_RUNNING)
