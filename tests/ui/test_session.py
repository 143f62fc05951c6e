"""The citizen session: start, idle warning, "I need more time", reset and wipe."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from PySide6.QtCore import Qt

from kiosk.ui.idle import IdlePhase


def _files_under(path: Path) -> list[Path]:
    return [p for p in path.rglob("*") if p.is_file()] if path.exists() else []


def test_idle_warning_then_reset_wipes_the_session(make_ui, clock, qtbot, session_root, vaults):
    ui = make_ui()
    qtbot.mouseClick(ui.window.screens["attract"].start, Qt.MouseButton.LeftButton)
    assert ui.bridge.screen == "home"
    vault = vaults[-1]
    photo = os.urandom(400 * 1024)  # large enough to go to disk, encrypted
    vault.put("id_card_front.jpg", photo)
    vault.put("form", b'{"name": "\xe6\x9d\x8e\xe6\x98\x8e"}')
    assert _files_under(vault.directory), "the capture should be on disk during the session"
    temp_before = set(os.listdir(tempfile.gettempdir()))

    clock.advance(89)
    ui.check_idle()
    assert not ui.window.overlay.isVisible()
    with qtbot.waitSignal(ui.bridge.idle_warning, timeout=1000) as warned:
        clock.advance(1)
        ui.check_idle()
    assert warned.args == [30]
    assert ui.window.overlay.isVisible()
    assert "30" in ui.window.overlay.count.text()

    clock.advance(20)
    ui.check_idle()
    assert ui.window.overlay.count.text() == "10"
    with qtbot.waitSignal(ui.bridge.session_ended, timeout=1000) as ended:
        clock.advance(10)
        ui.check_idle()
    assert ended.args == ["idle"]
    assert ui.bridge.screen == "attract"
    assert not ui.window.overlay.isVisible()
    assert ui.session is None
    assert vault.wiped
    assert not vault.directory.exists()
    assert _files_under(session_root) == []
    # Nothing of the photo anywhere in the session root or new temp files.
    for path in _files_under(session_root):
        assert photo[:64] not in path.read_bytes()
    new_temp = set(os.listdir(tempfile.gettempdir())) - temp_before
    assert not [n for n in new_temp if n.startswith("xiaowu-session-")]


def test_more_time_extends_the_session(make_ui, clock, qtbot, vaults):
    ui = make_ui()
    ui.start_session()
    clock.advance(100)
    ui.check_idle()
    assert ui.window.overlay.isVisible()
    with qtbot.waitSignal(ui.bridge.idle_cleared, timeout=1000):
        qtbot.mouseClick(ui.window.overlay.more, Qt.MouseButton.LeftButton)
    assert not ui.window.overlay.isVisible()
    clock.advance(89)
    ui.check_idle()
    assert ui.idle is not None and ui.idle.phase is IdlePhase.ACTIVE
    assert ui.session is not None and not vaults[-1].wiped
    clock.advance(31)
    ui.check_idle()
    assert ui.session is None and vaults[-1].wiped


def test_touching_the_screen_restarts_the_idle_wait(make_ui, clock, qtbot):
    ui = make_ui()
    ui.start_session()
    clock.advance(80)
    home = ui.window.screens["home"]
    qtbot.mouseClick(home.keypad_toggle, Qt.MouseButton.LeftButton)
    clock.advance(80)
    ui.check_idle()
    assert ui.idle.phase is IdlePhase.ACTIVE
    assert not ui.window.overlay.isVisible()


def test_finish_wipes_and_resets_language_and_elderly_mode(make_ui, qtbot, vaults):
    ui = make_ui()
    ui.start_session()
    ui.set_language("en")
    ui.set_elderly(True)
    ui.bridge.show_caption("Hello")
    qtbot.mouseClick(ui.window.footer.end, Qt.MouseButton.LeftButton)
    assert vaults[-1].wiped
    assert ui.bridge.screen == "attract"
    assert ui.bridge.language == "zh_CN" and not ui.bridge.elderly
    assert not ui.window.footer.captions.isVisible()


def test_no_idle_reset_outside_a_session(make_ui, clock):
    ui = make_ui()
    clock.advance(10_000)
    ui.check_idle()
    assert ui.bridge.screen == "attract"


def test_the_header_shows_how_long_the_session_has_run(make_ui, clock):
    ui = make_ui()
    header = ui.window.header
    assert "11月28日" in header.date.text()  # outside a session: the date
    ui.start_session()
    clock.advance(65)
    ui.clock_ticker.timeout.emit()
    assert header.date.text() == "已用时 01:05"
    ui.set_language("en")
    assert header.date.text() == "Time used 01:05"
    ui.end_session("citizen")
    assert "11月28日" in header.date.text()


def test_a_closed_booth_screen_starts_no_session(make_ui, session_root, vaults):
    # An item still starting while the booth shuts down (a resumed one, say) must not
    # open a session whose idle timer outlives the screen.
    ui = make_ui()
    ui.close()
    ui.start_session()
    assert ui.session is None and not ui.idle_ticker.isActive()
    assert not _files_under(session_root)


def test_waiting_for_a_clerk_pauses_the_idle_reset_and_asks_still_waiting(
    make_ui, clock, qtbot
):
    """She waits for a clerk without touching the screen: no reset after the usual 120 s;
    after ``waiting_check_s`` she is asked "still waiting?", in her language; keeping on
    waiting restarts the wait; no answer ends the session (she left: the hub's queue
    forgets her on the session_state that follows)."""
    from kiosk.ui.viewmodels import CallView

    ui = make_ui()
    qtbot.mouseClick(ui.window.screens["attract"].start, Qt.MouseButton.LeftButton)
    ui.bridge.show_call(CallView("waiting"))
    clock.advance(200)  # well past the idle reset outside a queue
    ui.check_idle()
    assert ui.session is not None and not ui.window.overlay.isVisible()
    with qtbot.waitSignal(ui.bridge.idle_warning, timeout=1000):
        clock.advance(70)  # waiting_check_s (300) - idle_warning_s (30)
        ui.check_idle()
    overlay = ui.window.overlay
    assert overlay.isVisible() and overlay.title.text() == "您还在等候工作人员吗？"
    assert overlay.more.text() == "继续等候"
    ui.set_language("en")
    overlay.retranslate()
    assert overlay.title.text() == "Are you still waiting for a clerk?"
    assert overlay.more.text() == "Keep waiting"
    ui.set_language("zh_HK")
    overlay.retranslate()
    assert overlay.title.text() == "您還在等候工作人員嗎？"
    qtbot.mouseClick(overlay.more, Qt.MouseButton.LeftButton)  # still waiting
    assert ui.idle is not None and ui.idle.phase is IdlePhase.ACTIVE
    clock.advance(269)
    ui.check_idle()
    assert ui.session is not None
    clock.advance(1)
    ui.check_idle()  # asked again
    with qtbot.waitSignal(ui.bridge.session_ended, timeout=1000) as ended:
        clock.advance(30)
        ui.check_idle()
    assert ended.args == ["idle"]
    assert not ui.bridge.waiting_for_clerk


def test_a_clerk_answering_brings_back_the_usual_idle_reset(make_ui, clock):
    from kiosk.ui.viewmodels import CallView

    ui = make_ui()
    ui.start_session()
    ui.bridge.show_call(CallView("waiting"))
    clock.advance(100)
    ui.bridge.show_call(CallView("in_call"))
    clock.advance(89)
    ui.check_idle()
    assert ui.idle is not None and ui.idle.phase is IdlePhase.ACTIVE
    clock.advance(1)
    ui.check_idle()
    assert ui.idle.phase is IdlePhase.WARNING
    assert ui.window.overlay.title.text() == "您还在吗？"
