"""The booth app as a probe process runs it: ``run_booth`` with the small test catalog and
its citizens' sessions in a temporary folder, for tests that need a real event loop and
platform (quit, signals, a real X server) in a process of their own."""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from kiosk.config import Config
from kiosk.core.clock import Clock, SystemClock
from kiosk.privacy.vault import SessionVault
from kiosk.ui.booth_app import run_booth
from kiosk.ui.booth_ui import BoothCollaborators
from tests.ui.small_catalog import small_catalog


def run_probe_booth(
    on_start: Callable[[Any], Awaitable[None]],
    *,
    on_stop: Callable[[], Awaitable[None]] | None = None,
    clock: Clock | None = None,
    **booth: Any,
) -> tuple[int, list[Path]]:
    """Run the booth until it quits, with ``booth`` settings changed (e.g. fullscreen); its
    exit code and what its sessions left behind in their folder."""
    config = Config()
    config = dataclasses.replace(config, booth=dataclasses.replace(config.booth, **booth))
    with tempfile.TemporaryDirectory() as tmp:
        collaborators = BoothCollaborators(
            catalog=small_catalog(),
            session_factory=lambda: SessionVault(root=Path(tmp)),
            clock=clock or SystemClock(),
            on_start=on_start,
            on_stop=on_stop,
        )
        code = run_booth(config, collaborators)
        return code, list(Path(tmp).iterdir())
