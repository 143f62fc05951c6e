"""``kiosk run`` as systemd runs it: a process of its own, connected to a real hub.

It reports its health on its own, and an operator's restart (nobody in the booth) makes
the process exit with the code ``xiaowu-booth.service`` restarts on.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from kiosk.ops.restart_policy import RESTART_EXIT_CODE
from tests.ops.conftest import OpsHub

ROOT = Path(__file__).resolve().parents[2]


def _reported(hub: OpsHub, booth_id: str, booth: subprocess.Popen[str]) -> dict[str, Any]:
    """Poll the ops API (an observable condition) until the booth is online with health."""
    deadline = time.monotonic() + 60.0
    while time.monotonic() < deadline:
        assert booth.poll() is None, "the booth process ended early"
        r = hub.get("/api/v1/ops/booths")
        assert r.status_code == 200, r.text
        view = next(b for b in r.json()["booths"] if b["id"] == booth_id)
        if view["online"] and view["health"]:
            return dict(view)
        time.sleep(0.1)
    raise TimeoutError("the booth never reported its health")


def test_kiosk_run_reports_health_and_exits_for_a_restart(ops_hub: OpsHub, tmp_path: Path) -> None:
    token = ops_hub.booth("proc-booth")
    env = {k: v for k, v in os.environ.items() if not k.startswith("XIAOWU_")}
    env.update(
        QT_QPA_PLATFORM="offscreen",
        PYTHONPATH=str(ROOT),
        XIAOWU_BOOTH__ID="proc-booth",
        XIAOWU_BOOTH__DATA_DIR=str(tmp_path / "data"),
        XIAOWU_BOOTH__SESSION_DIR=str(tmp_path / "sessions"),
        XIAOWU_HUB__URL=ops_hub.url,
        XIAOWU_HUB__TOKEN=token,
    )
    booth = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "run", "--windowed"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        view = _reported(ops_hub, "proc-booth", booth)
        assert view["health"]["network"]["online"] is True
        assert view["health"]["rss_bytes"] > 0

        r = ops_hub.post("/api/v1/ops/booths/proc-booth/restart", {"reason": "upgrade"})
        assert r.status_code == 200, r.text
        _, stderr = booth.communicate(timeout=60)
        assert booth.returncode == RESTART_EXIT_CODE, stderr[-3000:]
        assert "Traceback" not in stderr, stderr[-3000:]
    finally:
        if booth.poll() is None:
            booth.kill()
            booth.wait()
