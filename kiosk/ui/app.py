"""The Qt application and its asyncio loop, created in the order qasync needs.

The QApplication must exist before the qasync loop; the loop is then installed as the
running asyncio loop. Qt runs headless with ``QT_QPA_PLATFORM=offscreen`` (screenshots,
tests) and on a real screen with xcb or wayland; on a real screen the input method is Qt's
virtual keyboard (kiosk.ui.touch_keyboard), chosen before the QApplication exists.
"""

from __future__ import annotations

import asyncio
import os
import sys

import qasync
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from kiosk.ui.touch_keyboard import select_touch_keyboard


def create_application(argv: list[str] | None = None) -> QApplication:
    """The one QApplication of the process (reused if it already exists)."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    argv = argv if argv is not None else sys.argv[:1]
    select_touch_keyboard(os.environ, argv)  # Qt reads QT_IM_MODULE once, at start-up
    QApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )
    app = QApplication(argv)
    app.setApplicationName("xiaowu-booth")
    app.setOrganizationName("xiaowu")
    app.setQuitOnLastWindowClosed(True)
    return app


def create_loop(app: QApplication) -> qasync.QEventLoop:
    """A qasync loop over ``app``, set as the current asyncio loop."""
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    return loop
