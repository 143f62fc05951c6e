"""The door's QR code on the attract screen (kiosk.booth.door.DoorPass, the attract
screen's QrCode): the current door code, redrawn when its window turns, corrected to the
hub's clock, and not shown offline or during a session."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any
from urllib.parse import parse_qs, urlsplit

from kiosk.backend.messages import Welcome
from kiosk.booth.door import DoorPass
from kiosk.core.clock import FakeClock
from kiosk.core.door_codes import door_code, window_at
from tests.e2e.harness import scan_qr
from tests.ui.conftest import FakeStatus

KEY = bytes(range(32))
BOOTH = "tianhe-07"


def _welcomed(clock: FakeClock, hub_ahead_s: float = 0.0) -> DoorPass:
    door = DoorPass(clock)
    hub_time = clock.now() + dt.timedelta(seconds=hub_ahead_s)
    door.welcomed(
        Welcome(
            BOOTH,
            hub_time.isoformat(),
            10.0,
            door_key=base64.urlsafe_b64encode(KEY).decode(),
            door_window_s=30.0,
            door_url="https://hub.example/m/",
        )
    )
    door.channel_status(FakeStatus(True))
    return door


def _code_at(unix_time: float) -> str:
    return door_code(KEY, BOOTH, window_at(unix_time, 30.0))


def _shown_code(ui: Any) -> str:
    """The door code a phone reads off the screen's pixels."""
    qr = ui.window.screens["attract"].door_qr
    assert qr.isVisible()
    link = scan_qr(qr.grab().toImage())
    fragment = parse_qs(urlsplit(link).fragment)
    assert fragment["booth"] == [BOOTH]
    return fragment["door"][0]


def test_the_code_on_screen_changes_with_its_window(
    make_ui: Any, clock: FakeClock, qtbot: Any
) -> None:
    ui = make_ui(door_link=_welcomed(clock).link)
    assert _shown_code(ui) == _code_at(clock.now().timestamp())
    clock.advance(30.0)
    with qtbot.waitSignal(ui.bridge.door_link_changed, timeout=5000):
        ui.clock_ticker.start()  # the screen's one-second tick notices the new window
    assert _shown_code(ui) == _code_at(clock.now().timestamp())


def test_the_code_follows_the_hubs_clock(make_ui: Any, clock: FakeClock) -> None:
    ui = make_ui(door_link=_welcomed(clock, hub_ahead_s=3600.0).link)
    assert _shown_code(ui) == _code_at(clock.now().timestamp() + 3600.0)


def test_no_code_offline_or_during_a_session(make_ui: Any, clock: FakeClock, qtbot: Any) -> None:
    door = _welcomed(clock)
    ui = make_ui(door_link=door.link)
    qr = ui.window.screens["attract"].door_qr
    ui.clock_ticker.start()
    with qtbot.waitSignal(ui.bridge.door_link_changed, timeout=5000):
        door.channel_status(FakeStatus(False))  # the hub is away: the door cannot open
    assert not qr.isVisible() and qr.text == ""
    door.channel_status(FakeStatus(True))
    with qtbot.waitSignal(ui.bridge.door_link_changed, timeout=5000):
        pass
    assert qr.isVisible()
    with qtbot.waitSignal(ui.bridge.door_link_changed, timeout=5000):
        ui.start_session()  # a citizen inside: no code until she leaves
    assert qr.text == ""
    with qtbot.waitSignal(ui.bridge.door_link_changed, timeout=5000):
        ui.end_session("done")
    assert qr.text != ""


def test_every_door_code_reads_off_the_screen(qapp: Any) -> None:
    """The code changes every window, so every one of them must read: a phone camera (here
    OpenCV's detector) decodes the widget's pixels for a day's worth of door codes."""
    from kiosk.ui.widgets.qr_code import QrCode

    qr = QrCode(240)
    unread = []
    for window in range(200):
        code = _code_at(window * 30.0)
        # a district's address, and a test hub's on 127.0.0.1 with its port (a longer code)
        link = (
            f"https://hub.example/m/#booth={BOOTH}&door={code}"
            if window % 2
            else f"http://127.0.0.1:{40000 + window * 37}/m/#booth=demo-booth-01&door={code}"
        )
        qr.set_text(link)
        try:
            if scan_qr(qr.grab().toImage()) != link:
                unread.append(link)
        except AssertionError:
            unread.append(link)
    assert unread == []
