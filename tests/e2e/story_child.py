"""A booth process for story A's SIGKILL fault test: a StoryBooth served over stdin/stdout.

Run as ``python -m tests.e2e.story_child STATE_DIR SHOTS_DIR HUB_URL TOKEN [--die-after-deposit]``.
It builds the demo booth as the in-process stories do (tests/e2e/story_booth.py: the
composition root, emulated devices, UI offscreen), with its data and citizen sessions
under STATE_DIR and its screenshots in SHOTS_DIR, starts it, prints ``ready`` and then
answers the parent (tests/e2e/story_booth.py's RemoteBooth): one JSON line
``[method, args]`` in, one line ``{"ok": result}`` or ``{"error": message}`` out. Any
other line it prints is a note for the parent.

With ``--die-after-deposit`` it kills itself with SIGKILL the moment its outbox has
saved story A's locker deposit (the row committed, the write not yet sent, her session
open and nothing else done), after printing ``deposit-saved``. Started again on the same
STATE_DIR, the booth recovers the interrupted session at start-up (kiosk.backend.recovery).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Any

DEPOSIT_KEY = "locker-deposit:"  # kiosk.booth.locker.deposit_key's prefix


def say(text: str) -> None:
    print(text, flush=True)


def die_after_deposit(booth: Any) -> None:
    """SIGKILL this process right after the outbox saved the locker deposit."""
    enqueue = booth.outbox.enqueue

    def saving(*args: Any, **kwargs: Any) -> Any:
        entry = enqueue(*args, **kwargs)
        if str(kwargs.get("idempotency_key", "")).startswith(DEPOSIT_KEY):
            say("deposit-saved")
            os.kill(os.getpid(), signal.SIGKILL)
        return entry

    booth.outbox.enqueue = saving


def read_lines(loop: asyncio.AbstractEventLoop, lines: asyncio.Queue[str | None]) -> None:
    """Hand stdin's lines to the loop (a thread: Qt's loop has no reader for a pipe)."""
    for line in sys.stdin:
        loop.call_soon_threadsafe(lines.put_nowait, line)
    loop.call_soon_threadsafe(lines.put_nowait, None)


async def serve(state: Path, shots: Path, hub_url: str, token: str, die: bool) -> int:
    from kiosk.config import load_config
    from tests.e2e.harness import booth_config, fast_reconnect
    from tests.e2e.story_a_script import calmer_video
    from tests.e2e.story_booth import StoryBooth

    config = calmer_video(
        fast_reconnect(booth_config(load_config(environ={}), hub_url, token, state))
    )
    booth = StoryBooth(config, shots, die_after_deposit if die else None)
    lines: asyncio.Queue[str | None] = asyncio.Queue()
    loop = asyncio.get_running_loop()
    threading.Thread(target=read_lines, args=(loop, lines), daemon=True).start()
    try:
        await booth.start()
        say("ready")
        while (line := await lines.get()) is not None:
            method, args = json.loads(line)
            try:
                result = await getattr(booth, method)(*args)
            except (AssertionError, TimeoutError, OSError, ValueError, AttributeError) as exc:
                say(json.dumps({"error": f"{type(exc).__name__}: {exc}"}))
            else:
                say(json.dumps({"ok": result}))
    finally:
        await booth.stop()
    return 0


if __name__ == "__main__":
    from tests.e2e.harness import run_headless

    state_dir, shots_dir, url, booth_token = sys.argv[1:5]
    die = "--die-after-deposit" in sys.argv[5:]
    sys.exit(run_headless(lambda: serve(Path(state_dir), Path(shots_dir), url, booth_token, die)))
