"""Lockdown: a citizen cannot leave the app; an operator can, with a hidden gesture and a PIN."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QContextMenuEvent, QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

from kiosk.config import BoothConfig
from kiosk.core.clock import FakeClock
from kiosk.ui.lockdown import CornerTaps, is_escape_key
from kiosk.ui.operator_pin import PinGate, PinResult, hash_pin, verify_pin

ROOT = Path(__file__).resolve().parents[2]
PIN = "246810"
SALT = bytes(range(16))
PIN_HASH = hash_pin(PIN, SALT)

ESCAPES = [
    (Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier),
    (Qt.Key.Key_F4, Qt.KeyboardModifier.AltModifier),
    (Qt.Key.Key_Tab, Qt.KeyboardModifier.AltModifier),
    (Qt.Key.Key_Delete, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier),
    (Qt.Key.Key_F2, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier),
    (Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier),
    (Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier),
    (Qt.Key.Key_F11, Qt.KeyboardModifier.NoModifier),
    (Qt.Key.Key_Super_L, Qt.KeyboardModifier.NoModifier),
    (Qt.Key.Key_D, Qt.KeyboardModifier.MetaModifier),
]


@pytest.fixture
def locked_ui(make_ui: Callable[..., Any]) -> Any:
    return make_ui(operator_pin_hash=PIN_HASH)


@pytest.fixture
def fullscreen_ui(qapp: Any, clock: FakeClock, tmp_path: Any) -> Iterator[Any]:
    """A booth shown as on a real booth: full screen, through ``BoothUi.show``."""
    from kiosk.privacy.vault import SessionVault
    from kiosk.ui.booth_ui import BoothCollaborators, BoothUi
    from tests.ui.small_catalog import small_catalog

    config = dataclasses.replace(BoothConfig(), fullscreen=True, operator_pin_hash=PIN_HASH)
    ui = BoothUi(
        config,
        BoothCollaborators(
            catalog=small_catalog(),
            session_factory=lambda: SessionVault(root=tmp_path),
            clock=clock,
        ),
    )
    ui.show()
    yield ui
    ui.close()


def corner_taps(ui: Any, n: int = 5, clock: FakeClock | None = None, step: float = 0.0) -> None:
    window = ui.window
    corner = QPoint(window.width() - 20, 20)
    target = window.childAt(corner) or window
    for _ in range(n):
        QTest.mouseClick(target, Qt.MouseButton.LeftButton, pos=target.mapFrom(window, corner))
        if clock is not None:
            clock.advance(step)


def type_pin(ui: Any, pin: str) -> None:
    pad = ui.lockdown.pin_pad
    for digit in pin:
        QTest.mouseClick(pad.digits[digit], Qt.MouseButton.LeftButton)
    QTest.mouseClick(pad.ok, Qt.MouseButton.LeftButton)


# --- keys, gestures, window ---------------------------------------------------------------
@pytest.mark.parametrize(("key", "modifiers"), ESCAPES)
def test_escape_keys_are_swallowed_and_the_window_stays_fullscreen(
    fullscreen_ui: Any, qtbot: Any, key: Qt.Key, modifiers: Qt.KeyboardModifier
) -> None:
    ui = fullscreen_ui
    assert ui.window.isFullScreen()
    assert ui.window.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
    seen: list[int] = []
    screen = ui.window.screens["attract"]
    screen.keyPressEvent = lambda event: seen.append(event.key())  # type: ignore[method-assign]
    screen.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    screen.setFocus()
    QTest.keyClick(screen, Qt.Key.Key_A)  # an ordinary key still arrives: the probe works
    QTest.keyClick(screen, key, modifiers)
    # Ctrl and Shift alone are harmless; QTest presses them before the combination.
    assert [k for k in seen if k not in (Qt.Key.Key_Control, Qt.Key.Key_Shift)] == [Qt.Key.Key_A]
    assert ui.window.isFullScreen() and ui.window.isVisible()


def test_the_window_returns_to_fullscreen_when_its_state_changes(fullscreen_ui: Any, qtbot: Any):
    ui = fullscreen_ui
    ui.window.showNormal()
    assert not ui.window.isFullScreen()
    qtbot.waitUntil(ui.window.isFullScreen, timeout=2000)


def test_context_menus_are_swallowed(locked_ui: Any) -> None:
    target = locked_ui.window.screens["attract"]
    menus: list[QEvent] = []
    target.contextMenuEvent = menus.append  # type: ignore[method-assign]
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, QPoint(5, 5), QPoint(5, 5))
    QApplication.sendEvent(target, event)
    assert menus == []


def test_ordinary_keys_pass_and_shortcuts_are_judged_by_modifiers() -> None:
    assert not is_escape_key(Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier)
    assert not is_escape_key(Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert not is_escape_key(Qt.Key.Key_Backspace, Qt.KeyboardModifier.NoModifier)
    for key, modifiers in ESCAPES:
        assert is_escape_key(key, modifiers), key


def test_unhandled_errors_show_the_error_screen_not_a_dialog(
    locked_ui: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialogs: list[str] = []
    for name in ("critical", "warning", "information", "question"):
        monkeypatch.setattr(QMessageBox, name, lambda *a, _n=name, **k: dialogs.append(_n))
    monkeypatch.setattr(QMessageBox, "exec", lambda self: dialogs.append("exec"))
    ui = locked_ui
    ui.start()
    try:
        button = ui.window.screens["error"].back  # any slot that raises will do
        button.clicked.connect(lambda: 1 / 0)
        ui.bridge.show_screen("error")
        QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    finally:
        ui.errors.uninstall()
    assert ui.errors.last_code == "internal"
    assert ui.bridge.screen == "error"
    assert dialogs == []
    assert not any(isinstance(w, QMessageBox) for w in QApplication.topLevelWidgets())


# --- the operator's way out -----------------------------------------------------------------
def test_five_quick_corner_taps_open_the_pin_pad(locked_ui: Any, clock: FakeClock) -> None:
    ui = locked_ui
    corner_taps(ui, 4)
    assert ui.lockdown.current == ""
    corner_taps(ui, 1)
    assert ui.lockdown.current == "operator_pin"
    assert ui.lockdown.layer.isVisible()


def test_slow_or_misplaced_taps_do_not_open_the_pin_pad(locked_ui: Any, clock: FakeClock) -> None:
    ui = locked_ui
    corner_taps(ui, 5, clock, step=0.8)  # five taps over 3.2 s
    assert ui.lockdown.current == ""
    middle = ui.window.screens["attract"]
    for _ in range(5):
        QTest.mouseClick(middle, Qt.MouseButton.LeftButton, pos=QPoint(10, 300))
    assert ui.lockdown.current == ""


def test_right_pin_ends_the_session_and_opens_the_menu(locked_ui: Any) -> None:
    ui = locked_ui
    ui.start_session()
    vault = ui.session
    corner_taps(ui)
    type_pin(ui, PIN)
    assert ui.lockdown.current == "operator_menu"
    assert ui.session is None and not vault.directory.exists()  # the citizen's data is gone


def test_the_operator_exit_quits_a_running_booth() -> None:
    # In a process of its own: quitting the QApplication would end this test session's.
    env = {k: v for k, v in os.environ.items() if not k.startswith("XIAOWU_")}
    env.update(QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    result = subprocess.run(
        [sys.executable, "-m", "tests.ui.lockdown_probe"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "layer=operator_menu session=False leftovers=0 code=0 stopped=True" in result.stdout


def test_wrong_pins_are_counted_and_lock_the_pad_for_five_minutes(
    locked_ui: Any, clock: FakeClock
) -> None:
    ui = locked_ui
    pad = ui.lockdown.pin_pad
    corner_taps(ui)
    for left in (4, 3, 2, 1):
        type_pin(ui, "1111")
        assert pad.state == "wrong" and pad.tries_left == left
        assert str(left) in pad.message.text()
    type_pin(ui, "1111")
    assert pad.state == "locked"
    assert not pad.digits["1"].isEnabled()
    assert "5:00" in pad.message.text()
    assert ui.lockdown.enter_pin(PIN) is None and ui.lockdown.current == "operator_pin"
    clock.advance(299)
    ui.lockdown.tick()
    assert pad.state == "locked" and "0:01" in pad.message.text()
    assert ui.lockdown.gate.check(PIN, clock.monotonic()) is PinResult.LOCKED  # right, refused
    clock.advance(2)
    ui.lockdown.tick()
    assert pad.state == "enter" and pad.digits["1"].isEnabled()
    type_pin(ui, PIN)
    assert ui.lockdown.current == "operator_menu"


def test_cancel_and_back_return_to_the_citizen_screen(locked_ui: Any) -> None:
    ui = locked_ui
    corner_taps(ui)
    QTest.mouseClick(ui.lockdown.pin_pad.cancel, Qt.MouseButton.LeftButton)
    assert ui.lockdown.current == "" and ui.bridge.screen == "attract"
    corner_taps(ui)
    type_pin(ui, PIN)
    QTest.mouseClick(ui.lockdown.menu.back, Qt.MouseButton.LeftButton)
    assert ui.lockdown.current == "" and not ui.lockdown.layer.isVisible()


def test_doctor_findings_are_shown(locked_ui: Any, qtbot: Any) -> None:
    from kiosk.doctor import Finding

    ui = locked_ui
    ui.lockdown.doctor = lambda: [
        Finding("CJK font", "ok", "Noto Sans CJK SC"),
        Finding("camera", "fail", "no /dev/video0", "plug the camera in"),
    ]
    corner_taps(ui)
    type_pin(ui, PIN)
    with qtbot.waitSignal(ui.lockdown.doctor_done, timeout=5000):
        QTest.mouseClick(ui.lockdown.menu.doctor, Qt.MouseButton.LeftButton)
    text = ui.lockdown.menu.findings.text()
    assert ui.lockdown.menu.status.text() == "自检结果"
    assert "✓ CJK font" in text and "✗ camera: no /dev/video0 → plug the camera in" in text


def test_operator_screens_are_translated_and_follow_elderly_mode(locked_ui: Any) -> None:
    ui = locked_ui
    corner_taps(ui)
    pad = ui.lockdown.pin_pad
    assert pad.title.text() == "运维人员验证"
    ui.set_language("en")
    assert pad.title.text() == "Operator check"
    ui.set_language("zh_HK")
    assert pad.title.text() == "運維人員驗證"
    pad.ok.ensurePolished()
    normal = pad.ok.font().pixelSize()
    ui.set_elderly(True)
    pad.ok.ensurePolished()
    assert pad.ok.font().pixelSize() > normal


# --- screen cleaning --------------------------------------------------------------------------
def test_cleaning_ignores_touches_and_returns_after_its_countdown(
    locked_ui: Any, clock: FakeClock
) -> None:
    ui = locked_ui
    corner_taps(ui)
    type_pin(ui, PIN)
    QTest.mouseClick(ui.lockdown.menu.clean, Qt.MouseButton.LeftButton)
    assert ui.lockdown.current == "cleaning"
    assert ui.lockdown.cleaning.count.text() == "30"
    starts: list[bool] = []
    ui.bridge.start_requested.connect(lambda: starts.append(True))
    attract = ui.window.screens["attract"]
    QTest.mouseClick(attract, Qt.MouseButton.LeftButton, pos=QPoint(300, 600))
    QTest.mouseClick(ui.lockdown.cleaning, Qt.MouseButton.LeftButton)
    QTest.keyClick(ui.lockdown.cleaning, Qt.Key.Key_Return)
    corner_taps(ui)
    assert starts == [] and ui.lockdown.current == "cleaning"
    clock.advance(12.5)
    ui.lockdown.tick()
    assert ui.lockdown.cleaning.count.text() == "18"
    clock.advance(17.5)
    ui.lockdown.tick()
    assert ui.lockdown.current == "operator_menu"
    QTest.mouseClick(ui.lockdown.menu.back, Qt.MouseButton.LeftButton)
    QTest.mouseClick(attract, Qt.MouseButton.LeftButton, pos=QPoint(300, 600))
    assert starts == [True]  # touches count again


# --- plain logic --------------------------------------------------------------------------
def test_pin_hash_is_salted_and_verifies_only_the_right_pin() -> None:
    assert verify_pin(PIN, PIN_HASH)
    assert not verify_pin("246811", PIN_HASH)
    assert hash_pin(PIN) != hash_pin(PIN)  # a fresh salt each time
    assert PIN not in PIN_HASH
    assert not verify_pin(PIN, "") and not verify_pin(PIN, "scrypt$x$y")
    with pytest.raises(ValueError):
        hash_pin("12a4")


def test_an_unconfigured_pin_opens_nothing() -> None:
    gate = PinGate("")
    assert gate.check("0000", 0.0) is PinResult.WRONG and not gate.configured


def test_corner_taps_need_five_within_three_seconds() -> None:
    taps = CornerTaps()
    assert [taps.tap(t) for t in (0.0, 0.5, 1.0, 1.5)] == [False] * 4
    assert taps.tap(2.9)
    assert not any(taps.tap(t) for t in (10.0, 11.0, 12.0, 13.0, 14.0))  # 4 s apart at the ends


def test_key_events_sent_directly_are_swallowed(locked_ui: Any) -> None:
    screen = locked_ui.window.screens["home"]
    event = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_F4, Qt.KeyboardModifier.AltModifier)
    assert QApplication.sendEvent(screen, event) is True


@pytest.mark.parametrize("name", ["operator_pin", "operator_menu", "cleaning"])
def test_operator_layer_has_no_chinese_left_in_english(locked_ui: Any, name: str) -> None:
    from kiosk.ui.screenshots import _show_lockdown_sample
    from tests.ui import test_i18n as i18n_probe

    ui = locked_ui
    _show_lockdown_sample(ui, name)
    source = i18n_probe.visible_texts(ui.lockdown.layer)
    ui.set_language("en")
    english = i18n_probe.visible_texts(ui.lockdown.layer)
    assert len(english) >= 3 and set(english) != set(source)
    assert [t for t in english if i18n_probe.HAN.search(t)] == []


def test_three_finger_touches_are_swallowed_and_one_finger_passes(locked_ui: Any) -> None:
    target = locked_ui.window.screens["attract"]
    target.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents, True)
    seen: list[int] = []

    def on_touch(event: QEvent) -> bool:
        if event.type() == QEvent.Type.TouchBegin:
            seen.append(len(event.points()))  # type: ignore[attr-defined]
        return True

    target.event = on_touch  # type: ignore[method-assign]
    device = QTest.createTouchDevice()
    QTest.touchEvent(target, device).press(0, QPoint(100, 400)).commit()
    QTest.touchEvent(target, device).release(0, QPoint(100, 400)).commit()
    fingers = QTest.touchEvent(target, device)
    for i in range(3):
        fingers.press(i, QPoint(100 + 80 * i, 400))
    fingers.commit()
    assert seen == [1]
