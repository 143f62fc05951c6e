"""``kiosk hub`` as an operator runs it: register a booth, then serve on a port."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx

from kiosk.hub.server import free_port

ROOT = Path(__file__).resolve().parents[2]


def test_register_booth_then_serve(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path}/hub.sqlite3"
    out = subprocess.run(
        [sys.executable, "-m", "kiosk", "hub", "--db", db, "--register-booth", "cli-booth"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    booth_id, token = out.stdout.split()
    assert booth_id == "cli-booth" and token.startswith("bt_")
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "hub", "--db", db, "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 90  # a loaded shared machine starts Python slowly
        while True:
            try:
                r = httpx.get(
                    f"http://127.0.0.1:{port}/api/v1/cases",
                    headers={"Authorization": f"Bearer {token}"},
                    timeout=1,
                )
                break
            except httpx.HTTPError:
                assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
                assert time.monotonic() < deadline, "the hub did not start"
                time.sleep(0.1)  # polling the observable condition: the port answers
        assert r.status_code == 200 and r.json() == {"cases": []}
    finally:
        proc.terminate()
        proc.wait(10)
        if proc.stderr:
            proc.stderr.close()
