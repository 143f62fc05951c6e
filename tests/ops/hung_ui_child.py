"""A child process for the watchdog test: a Qt app whose UI loop hangs after a few pets.

Runs LoopWatchdog on a qasync loop exactly as the booth does; after ``--hang-after``
pets a Qt timer blocks the UI thread, as a deadlocked screen would.
"""

from __future__ import annotations

import asyncio
import sys
import time

import qasync
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from kiosk.core.clock import SystemClock
from kiosk.ops.sdnotify import SystemdNotifier
from kiosk.ops.watchdog import LoopWatchdog


def main() -> None:
    hang_after = int(sys.argv[1])
    app = QApplication([])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    notifier = SystemdNotifier()
    assert notifier.watchdog_interval_s is not None
    dog = LoopWatchdog(SystemClock(), notifier, interval_s=notifier.watchdog_interval_s / 2)

    def check() -> None:
        if dog.pets >= hang_after:
            time.sleep(30)  # the UI thread is stuck: nothing on the loop runs

    timer = QTimer()
    timer.timeout.connect(check)
    timer.start(10)
    notifier.ready()
    with loop:
        loop.run_until_complete(dog.run())


if __name__ == "__main__":
    main()
