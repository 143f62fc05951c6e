"""Run ``run_booth`` in its own process and leave it the operator's way: five corner taps,
the PIN, "exit the app". Prints what it saw; a booth that does not quit is killed by the
test's timeout."""

from __future__ import annotations

import asyncio
import sys

from kiosk.core.clock import FakeClock
from kiosk.ui.operator_pin import hash_pin
from tests.ui.probe_harness import run_probe_booth

PIN = "97531"


def main() -> int:
    seen: dict[str, object] = {}

    async def on_start(ui) -> None:  # type: ignore[no-untyped-def]
        from PySide6.QtCore import QPoint, Qt
        from PySide6.QtTest import QTest

        await asyncio.sleep(0)
        ui.start_session()
        window = ui.window
        corner = QPoint(window.width() - 20, 20)
        target = window.childAt(corner) or window
        for _ in range(5):
            QTest.mouseClick(target, Qt.MouseButton.LeftButton, pos=target.mapFrom(window, corner))
        pad = ui.lockdown.pin_pad
        for digit in PIN:
            QTest.mouseClick(pad.digits[digit], Qt.MouseButton.LeftButton)
        QTest.mouseClick(pad.ok, Qt.MouseButton.LeftButton)
        seen["layer"] = ui.lockdown.current
        seen["session"] = ui.session is not None
        QTest.mouseClick(ui.lockdown.menu.exit, Qt.MouseButton.LeftButton)

    async def on_stop() -> None:
        seen["stopped"] = True

    code, leftovers = run_probe_booth(
        on_start,
        on_stop=on_stop,
        clock=FakeClock(),
        fullscreen=False,
        operator_pin_hash=hash_pin(PIN),
    )
    print(
        f"layer={seen.get('layer')} session={seen.get('session')} "
        f"leftovers={len(leftovers)} code={code} stopped={seen.get('stopped')}"
    )
    return code


if __name__ == "__main__":
    sys.exit(main())
