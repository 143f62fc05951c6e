"""Run ``run_booth`` for real in its own process: the window shows, on_start runs on the
qasync loop, and the app quits cleanly with exit code 0. Prints what it saw."""

from __future__ import annotations

import asyncio
import dataclasses
import sys
import tempfile
from pathlib import Path

from kiosk.config import Config
from kiosk.core.clock import SystemClock
from kiosk.privacy.vault import SessionVault
from kiosk.ui.booth_app import run_booth
from kiosk.ui.booth_ui import BoothCollaborators
from tests.ui.small_catalog import small_catalog


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

    config = Config()
    config = dataclasses.replace(config, booth=dataclasses.replace(config.booth, fullscreen=False))
    with tempfile.TemporaryDirectory() as tmp:
        collaborators = BoothCollaborators(
            catalog=small_catalog(),
            session_factory=lambda: SessionVault(root=Path(tmp)),
            clock=SystemClock(),
            on_start=on_start,
            on_stop=on_stop,
        )
        code = run_booth(config, collaborators)
        leftovers = list(Path(tmp).iterdir())
    print(
        f"visible={seen.get('visible')} screen={seen.get('screen')} "
        f"session={seen.get('session')} leftovers={len(leftovers)} code={code} "
        f"stopped={seen.get('stopped')}"
    )
    return code


if __name__ == "__main__":
    sys.exit(main())
