"""Lockdown: no way out of the booth app for a citizen, a hidden way out for an operator.

Theory of operation. One application-wide event filter (:class:`Lockdown`) sees every
event before any widget does and

* swallows the keys and shortcuts that leave or unsettle a kiosk (:func:`is_escape_key`:
  Escape, F-keys, Alt/Meta/Super combinations, Ctrl+W/Q, the menu key), context menus,
  platform gestures (touchpad/compositor swipes and pinches) and touches of three or more
  fingers;
* puts the window back to full screen whenever its state changes while it is held
  (:meth:`Lockdown.hold_fullscreen`);
* counts taps in the top-right corner (:class:`CornerTaps`): five within three seconds, on
  the injected clock, open the operator PIN pad (:mod:`kiosk.ui.screens.operator`);
* while screen-cleaning runs, swallows every touch, click and key.

The operator's screens lie in a layer over the whole window rather than in the citizen's
screen stack, so the citizen's screen underneath is left exactly as it was. A right PIN
(:class:`kiosk.ui.operator_pin.PinGate`) first ends any citizen session (``on_operator``:
an operator never works inside a citizen's data), then shows the menu. Hence screen
cleaning always runs outside a session and no idle timer needs pausing. Crash dialogs
cannot appear: the app never uses message boxes and unhandled errors go to the error
screen (:mod:`kiosk.ui.error_router`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent, QTouchEvent
from PySide6.QtWidgets import QGestureEvent, QStackedWidget, QWidget

from kiosk.core.clock import Clock
from kiosk.ui.bridge import BoothBridge
from kiosk.ui.operator_pin import PinGate, PinResult
from kiosk.ui.screens.cleaning import CleaningScreen
from kiosk.ui.screens.operator import OperatorMenuScreen, PinPadScreen

log = logging.getLogger(__name__)

CORNER_PX = 140  # the hidden gesture's square, in the window's top-right corner
CORNER_TAPS = 5
CORNER_WINDOW_S = 3.0
CLEANING_S = 30.0
TICK_MS = 250

K = Qt.Key
M = Qt.KeyboardModifier
_ALWAYS_SWALLOWED = frozenset(
    {
        K.Key_Escape,
        K.Key_Meta,
        K.Key_Super_L,
        K.Key_Super_R,
        K.Key_Hyper_L,
        K.Key_Hyper_R,
        K.Key_Menu,
        K.Key_Close,
        K.Key_Exit,
        K.Key_Alt,
        K.Key_AltGr,
        K.Key_Launch0,
        K.Key_LaunchMail,
        K.Key_HomePage,
        K.Key_Search,
        K.Key_PowerOff,
        K.Key_Suspend,
        K.Key_Sleep,
        K.Key_Hibernate,
        K.Key_LogOff,
        K.Key_TaskPane,
    }
)
_F_KEYS = range(K.Key_F1.value, K.Key_F35.value + 1)
_CTRL_SWALLOWED = frozenset({K.Key_W, K.Key_Q, K.Key_N, K.Key_T, K.Key_P, K.Key_O})

_KEY_EVENTS = frozenset(
    {QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.ShortcutOverride}
)
_INPUT_EVENTS = frozenset(
    {
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonRelease,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.MouseMove,
        QEvent.Type.TouchBegin,
        QEvent.Type.TouchUpdate,
        QEvent.Type.TouchEnd,
        QEvent.Type.TouchCancel,
        QEvent.Type.Wheel,
        QEvent.Type.TabletPress,
        QEvent.Type.Gesture,
        QEvent.Type.NativeGesture,
        QEvent.Type.ContextMenu,
        *_KEY_EVENTS,
    }
)
_TOUCHES = frozenset({QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate, QEvent.Type.TouchEnd})


def is_escape_key(key: int, modifiers: Qt.KeyboardModifier) -> bool:
    """Whether a key (with its modifiers) could take a citizen out of the app."""
    if key in _ALWAYS_SWALLOWED or key in _F_KEYS:
        return True
    if modifiers & (M.AltModifier | M.MetaModifier):
        return True  # Alt+F4, Alt+Tab, Ctrl+Alt+Del/F1..., Super+anything
    return bool(modifiers & M.ControlModifier) and key in _CTRL_SWALLOWED


class CornerTaps:
    """Counts taps in a corner; :meth:`tap` says when enough came quickly enough."""

    def __init__(self, taps: int = CORNER_TAPS, window_s: float = CORNER_WINDOW_S) -> None:
        self.taps = taps
        self.window_s = window_s
        self._times: list[float] = []

    def tap(self, now: float) -> bool:
        self._times = [t for t in self._times if now - t <= self.window_s] + [now]
        if len(self._times) >= self.taps:
            self._times.clear()
            return True
        return False

    def reset(self) -> None:
        self._times.clear()


class Lockdown(QObject):
    """The app-wide filter plus the operator layer (PIN pad, menu, screen cleaning)."""

    exit_requested = Signal()  # the operator chose to leave the app
    layer_changed = Signal(str)  # "", "operator_pin", "operator_menu" or "cleaning"
    doctor_done = Signal(object)  # list[kiosk.doctor.Finding], from the checking thread

    def __init__(
        self,
        window: QWidget,
        bridge: BoothBridge,
        clock: Clock,
        pin_hash: str,
        *,
        on_operator: Callable[[], None] = lambda: None,
        doctor: Callable[[], list[Any]] | None = None,
        cleaning_s: float = CLEANING_S,
    ) -> None:
        super().__init__()
        self.window = window
        self.clock = clock
        self.gate = PinGate(pin_hash)
        self.on_operator = on_operator
        self.doctor = doctor
        self.cleaning_s = cleaning_s
        self.corner = CornerTaps()
        self._fullscreen = False
        self._released = False
        self._installed = False
        self._cleaning_until: float | None = None
        self._last_tap: tuple[int, int, int] | None = None

        self.layer = QStackedWidget(window)
        self.layer.setObjectName("LockdownLayer")
        self.pin_pad = PinPadScreen(bridge)
        self.menu = OperatorMenuScreen(bridge)
        self.cleaning = CleaningScreen(bridge)
        self.screens = {s.name: s for s in (self.pin_pad, self.menu, self.cleaning)}
        for screen in self.screens.values():
            self.layer.addWidget(screen)
        self.layer.hide()
        self.pin_pad.pin_entered.connect(self.enter_pin)
        self.pin_pad.cancelled.connect(self.close_layer)
        self.menu.exit_requested.connect(self.exit_app)
        self.menu.cleaning_requested.connect(self.start_cleaning)
        self.menu.doctor_requested.connect(self.show_doctor)
        self.menu.back_requested.connect(self.close_layer)
        self.doctor_done.connect(self.menu.show_findings)  # queued: back on the Qt thread

        self.ticker = QTimer(self)
        self.ticker.setInterval(TICK_MS)
        self.ticker.timeout.connect(self.tick)

    # --- installing ---------------------------------------------------------------------
    def install(self) -> None:
        from PySide6.QtCore import QCoreApplication

        app = QCoreApplication.instance()
        assert app is not None
        app.installEventFilter(self)
        self._installed = True

    def uninstall(self) -> None:
        """Let everything through again (the app is closing)."""
        from PySide6.QtCore import QCoreApplication

        self._released = True
        self.ticker.stop()
        app = QCoreApplication.instance()
        if self._installed and app is not None:
            app.removeEventFilter(self)
        self._installed = False

    def hold_fullscreen(self) -> None:
        """Keep the window full screen and above others from now on (call before showing)."""
        self._fullscreen = True
        self.window.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, True)

    @property
    def current(self) -> str:
        if self.layer.isHidden():
            return ""
        widget = self.layer.currentWidget()
        return getattr(widget, "name", "")

    @property
    def cleaning_active(self) -> bool:
        return self._cleaning_until is not None

    # --- the filter ---------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        # Close events pass: Qt 6's quit() first closes every window and gives up quitting
        # if one refuses, which would break SIGTERM and the operator's exit. No citizen can
        # ask for a close anyway (the keys are swallowed; cage draws no title bar and has no
        # close binding), and a closed window ends the app, which systemd restarts.
        if watched is self.window:
            if kind == QEvent.Type.WindowStateChange and self._fullscreen:
                if not self.window.isFullScreen() and not self._released:
                    # After the state change is done, not inside it.
                    QTimer.singleShot(0, self.reassert_fullscreen)
            elif kind == QEvent.Type.Resize:
                self.layer.setGeometry(self.window.rect())
        if kind not in _INPUT_EVENTS:
            return False
        if self._cleaning_until is not None:
            event.accept()
            return True
        if kind in _KEY_EVENTS:
            assert isinstance(event, QKeyEvent)
            if is_escape_key(event.key(), event.modifiers()):
                event.accept()  # an accepted ShortcutOverride keeps shortcuts from firing
                return True
            return False
        if kind in (QEvent.Type.ContextMenu, QEvent.Type.NativeGesture):
            return True
        if kind == QEvent.Type.Gesture:
            assert isinstance(event, QGestureEvent)
            return any(
                event.gesture(g) is not None
                for g in (Qt.GestureType.SwipeGesture, Qt.GestureType.PinchGesture)
            )
        if kind in _TOUCHES:
            assert isinstance(event, QTouchEvent)
            if len(event.points()) >= 3:
                return True
        if kind == QEvent.Type.MouseButtonPress and isinstance(event, QMouseEvent):
            self._corner_tap(event)
        return False

    def _corner_tap(self, event: QMouseEvent) -> None:
        if not self.layer.isHidden():
            return
        point = event.globalPosition().toPoint()
        # One press reaches the filter once per widget it propagates through: count it once.
        key = (event.timestamp(), point.x(), point.y())
        if key == self._last_tap:
            return
        self._last_tap = key
        local = self.window.mapFromGlobal(point)
        width = self.window.width()
        if not (width - CORNER_PX <= local.x() < width and 0 <= local.y() < CORNER_PX):
            self.corner.reset()
            return
        if self.corner.tap(self.clock.monotonic()):
            log.info("operator gesture")
            self.open_pin_pad()

    def reassert_fullscreen(self) -> None:
        if self._fullscreen and not self._released and not self.window.isFullScreen():
            log.warning("the booth window left full screen; putting it back")
            # No raise(): Wayland clients cannot raise themselves, and cage shows only us.
            self.window.showFullScreen()

    # --- the operator layer -------------------------------------------------------------
    def show_layer(self, name: str) -> None:
        self.layer.setCurrentWidget(self.screens[name])
        self.layer.setGeometry(self.window.rect())
        self.layer.show()
        self.layer.raise_()
        self.layer_changed.emit(name)

    def open_pin_pad(self) -> None:
        self.pin_pad.pin = ""
        self._show_pad_state()
        self.show_layer("operator_pin")
        self.ticker.start()

    def _show_pad_state(self) -> None:
        locked = self.gate.locked_for(self.clock.monotonic())
        if locked > 0:
            self.pin_pad.show_state("locked", locked_s=int(locked + 0.999))
        elif not self.gate.configured:
            self.pin_pad.show_state("unconfigured")
        elif self.pin_pad.state == "locked":
            self.pin_pad.show_state("enter")

    def enter_pin(self, pin: str) -> None:
        result = self.gate.check(pin, self.clock.monotonic())
        log.info("operator PIN %s", result.value)  # never the PIN itself
        if result is PinResult.ACCEPTED:
            self.pin_pad.show_state("enter")
            self.on_operator()
            self.menu.clear_findings()
            self.show_layer("operator_menu")
        elif result is PinResult.WRONG:
            self.pin_pad.show_state("wrong", tries_left=self.gate.tries_left())
        else:
            self._show_pad_state()

    def close_layer(self) -> None:
        self.layer.hide()
        self.pin_pad.pin = ""
        if self.pin_pad.state != "locked":
            self.pin_pad.show_state("enter")
        self.ticker.stop()
        self.layer_changed.emit("")

    def exit_app(self) -> None:
        log.info("operator exit")
        self.uninstall()
        self.exit_requested.emit()

    def show_doctor(self) -> None:
        """Run the self-check off the UI thread (it runs programs and asks the hub)."""
        doctor = self.doctor
        if doctor is None:
            self.menu.show_findings([])
            return
        self.menu.show_checking()

        def check() -> None:
            try:
                findings = doctor()
            except Exception:  # the operator sees "no findings", the log says why
                log.exception("self-check failed")
                findings = []
            self.doctor_done.emit(findings)

        threading.Thread(target=check, name="operator-doctor", daemon=True).start()

    def start_cleaning(self) -> None:
        self._cleaning_until = self.clock.monotonic() + self.cleaning_s
        log.info("screen cleaning for %.0f s", self.cleaning_s)
        self.cleaning.show_countdown(int(self.cleaning_s))
        self.show_layer("cleaning")
        self.ticker.start()

    def tick(self) -> None:
        """Advance the cleaning countdown and the lockout message; a timer (or a test) calls it."""
        now = self.clock.monotonic()
        if self._cleaning_until is not None:
            left = self._cleaning_until - now
            if left <= 0:
                self._cleaning_until = None
                log.info("screen cleaning over")
                self.show_layer("operator_menu")
            else:
                self.cleaning.show_countdown(int(left + 0.999))
        elif self.current == "operator_pin":
            self._show_pad_state()

    def retranslate(self) -> None:
        for screen in self.screens.values():
            screen.retranslate()


__all__ = ["CornerTaps", "Lockdown", "is_escape_key"]
