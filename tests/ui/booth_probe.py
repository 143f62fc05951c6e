"""Run ``run_booth`` for real in its own process: the window shows, on_start runs on the
qasync loop, and the app quits cleanly with exit code 0. Prints what it saw."""

from __future__ import annotations

import asyncio
import sys

from tests.ui.probe_harness import run_probe_booth


def main() -> int:
    seen: dict[str, object] = {}

    async def on_start(ui) -> None:  # type: ignore[no-untyped-def]
        from PySide6.QtWidgets import QApplication

        await asyncio.sleep(0)
        seen["visible"] = ui.window.isVisible()
        seen["screen"] = ui.bridge.screen
        ui.start_session()
        seen["session"] = ui.session is not None
        QApplication.quit()

    async def on_stop() -> None:
        await asyncio.sleep(0)
        seen["stopped"] = True

    code, leftovers = run_probe_booth(on_start, on_stop=on_stop, fullscreen=False)
    print(
        f"visible={seen.get('visible')} screen={seen.get('screen')} "
        f"session={seen.get('session')} leftovers={len(leftovers)} code={code} "
        f"stopped={seen.get('stopped')}"
    )
    return code


if __name__ == "__main__":
    sys.exit(main())
