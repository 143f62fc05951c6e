"""``run_booth`` is what the composition root calls; run it in a process of its own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_run_booth_shows_the_window_runs_on_start_and_exits_cleanly():
    env = {k: v for k, v in os.environ.items() if not k.startswith("XIAOWU_")}
    env.update(QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    result = subprocess.run(
        [sys.executable, "-m", "tests.ui.booth_probe"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert (
        "visible=True screen=attract session=True leftovers=0 code=0 stopped=True" in result.stdout
    )
