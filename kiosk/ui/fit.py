"""Fit a windowed booth on a smaller screen: ``make demo`` on a laptop.

The booth's window has the booth screen's own size (1080x1920 portrait), so on a
1920x1080 laptop a windowed booth is cut off below the middle. An installed booth runs
fullscreen and never meets this. For a window, the whole booth is drawn smaller with
Qt's ``QT_SCALE_FACTOR`` rather than laid out again: a newcomer then sees the screens as
a citizen at the booth sees them, only smaller.

``QT_SCALE_FACTOR`` is read once, when the application starts, so the screen is measured
before that, by a short-lived child process.
"""

from __future__ import annotations

import logging
import math
import os
import subprocess  # nosec B404 # this interpreter on our own probe script, list args
import sys

log = logging.getLogger(__name__)

#: room left for the window manager's title bar and borders
FRAME_PX = 48
#: below this the booth's smallest text is no longer readable: show it cut off instead
MIN_SCALE = 0.35

_PROBE = (
    "from PySide6.QtGui import QGuiApplication\n"
    "app = QGuiApplication([])\n"
    "screen = app.primaryScreen()\n"
    "g = screen.availableGeometry() if screen else None\n"
    "print(f'{g.width()} {g.height()}' if g else '')\n"
)


def fit_scale(window: tuple[int, int], available: tuple[int, int]) -> float:
    """The scale (at most 1, in hundredths, rounded down) at which ``window`` fits in
    ``available`` with room for a title bar; 1 when it fits already."""
    width, height = window
    room_w, room_h = available[0], available[1] - FRAME_PX
    if room_w <= 0 or room_h <= 0:
        return 1.0
    scale = min(1.0, room_w / width, room_h / height)
    scale = math.floor(scale * 100) / 100
    return scale if scale >= MIN_SCALE else 1.0


def available_screen(timeout_s: float = 10.0) -> tuple[int, int] | None:
    """The primary screen's free area in logical pixels, or None when it cannot be told
    (no display, a platform plugin that fails)."""
    try:
        done = subprocess.run(  # nosec B603 # sys.executable and a constant script
            [sys.executable, "-c", _PROBE],
            capture_output=True,
            text=True,
            timeout=timeout_s,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    parts = done.stdout.split()
    if done.returncode != 0 or len(parts) != 2 or not all(p.isdigit() for p in parts):
        return None
    return int(parts[0]), int(parts[1])


def scale_window_to_screen(window: tuple[int, int]) -> float:
    """Set ``QT_SCALE_FACTOR`` so a ``window``-sized booth fits the screen; call before the
    application is created. A scale the user set themselves is kept. Returns the scale."""
    if "QT_SCALE_FACTOR" in os.environ:
        return float(os.environ["QT_SCALE_FACTOR"] or 1)
    if os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        return 1.0  # nobody sees it: keep the booth's own pixels (tests tap by coordinates)
    available = available_screen()
    if available is None:
        return 1.0
    scale = fit_scale(window, available)
    if scale < 1.0:
        os.environ["QT_SCALE_FACTOR"] = f"{scale:.2f}"
        log.info("the booth window is drawn at %.0f%% to fit the screen", scale * 100)
    return scale
