"""``run_booth``: what ``kiosk run`` and ``kiosk demo`` call to put the booth on screen.

The composition root builds the collaborators (catalog, session factory, clock,
connection state, flows...) and calls :func:`run_booth`; this creates the QApplication and
the qasync loop in the right order, shows the window fullscreen (or not, per config), runs
``collaborators.on_start`` on the loop and blocks until the app quits (window closed,
SIGINT or SIGTERM); then it wipes any open session and awaits ``collaborators.on_stop``.
"""

from __future__ import annotations

import asyncio
import logging
import signal

from kiosk.config import Config
from kiosk.ui.booth_ui import BoothCollaborators, BoothUi

log = logging.getLogger(__name__)

STOP_TIMEOUT_S = 10.0  # on_stop gets this long; closing the loop waits for executor threads


def _doctor_findings(config: Config) -> list[object]:
    from kiosk.doctor import run_checks

    return list(run_checks(config))


def run_booth(config: Config, collaborators: BoothCollaborators) -> int:
    """Show the booth and run its event loop; returns the process exit code."""
    from kiosk.ui.app import create_application, create_loop
    from kiosk.ui.touch_keyboard import (
        KeyboardLanguages,
        KeyboardRoom,
        touch_keyboard_selected,
    )

    if not config.booth.fullscreen:
        from kiosk.ui.fit import scale_window_to_screen
        from kiosk.ui.window import SIZES

        scale_window_to_screen(SIZES[config.booth.orientation])
    app = create_application()
    loop = create_loop(app)
    ui = BoothUi(config.booth, collaborators)
    ui.lockdown.doctor = lambda: _doctor_findings(config)
    if touch_keyboard_selected():
        keyboard = KeyboardLanguages(ui.bridge.language, parent=app)
        ui.bridge.language_changed.connect(keyboard.follow)
        KeyboardRoom(ui.window)
    quit_event = asyncio.Event()
    app.aboutToQuit.connect(quit_event.set)
    # Python runs signal handlers between Qt events; the header clock ticks every second.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda _signum, _frame: app.quit())
    try:
        ui.show()
        ui.start(loop)
        with loop:
            loop.run_until_complete(quit_event.wait())
            ui.close()  # wipes a session still open
            if collaborators.on_stop is not None:
                try:
                    loop.run_until_complete(
                        asyncio.wait_for(collaborators.on_stop(), STOP_TIMEOUT_S)
                    )
                except Exception:
                    log.exception("stopping the booth's collaborators failed")
    finally:
        ui.close()
    log.info("booth stopped")
    return 0
