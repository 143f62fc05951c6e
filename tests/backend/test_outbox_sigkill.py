"""Exactly once as seen by the hub, across a booth process killed with SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.backend.key_hub import KeyHub
from tests.backend.real_hub import RealHub

ROOT = Path(__file__).resolve().parents[2]
WAIT = 60.0


def _booth(
    data: Path, hub: KeyHub | RealHub, *extra: str, token: str = ""
) -> subprocess.Popen[str]:
    """The booth process, talking to ``hub`` with ``token`` (the KeyHub's by default)."""
    token = token or (hub.token if isinstance(hub, KeyHub) else "")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "tests.backend.outbox_child", str(data), hub.url, token, *extra],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _read_until(proc: subprocess.Popen[str], word: str) -> list[str]:
    assert proc.stdout is not None
    lines = []
    for line in proc.stdout:
        lines.append(line.strip())
        if line.startswith(word):
            return lines
    raise AssertionError(
        f"the booth ended without {word!r}: {proc.stderr.read() if proc.stderr else ''}"
    )


def _check_once_each_in_order(hub: KeyHub, sent_keys: set[str], total: int) -> None:
    keys = hub.keys()
    assert len(keys) == total and len(set(keys)) == total  # each write once
    assert set(keys) <= sent_keys
    for case in ("A", "B"):
        numbers = [e.body["n"] for e in hub.effects if e.path == f"/api/v1/cases/{case}/steps"]
        assert numbers == sorted(numbers)  # in order per case


@pytest.mark.slow
def test_killed_after_the_hubs_answer_before_recording_it(tmp_path: Path, key_hub: KeyHub) -> None:
    with _booth(tmp_path, key_hub, "--save", "6", "--die-after-answers", "3") as first:
        lines = _read_until(first, "saved")
        assert first.wait(WAIT) == -signal.SIGKILL
        assert first.stdout is not None
        lines += first.stdout.read().split()
    assert len(key_hub.keys()) == 3  # the hub applied three; the booth recorded two

    with _booth(tmp_path, key_hub) as second:
        lines += _read_until(second, "drained")
        assert second.wait(WAIT) == 0
    sent = {w for line in lines for w in line.split() if w.count("-") == 4}
    _check_once_each_in_order(key_hub, sent, 6)
    assert key_hub.requests == 7  # the third write went twice; the hub applied it once


@pytest.mark.slow
def test_killed_while_the_hub_is_answering(tmp_path: Path, key_hub: KeyHub) -> None:
    key_hub.hold_at = 2
    with _booth(tmp_path, key_hub, "--save", "4") as first:
        _read_until(first, "saved")
        assert key_hub.held.wait(WAIT)
        first.send_signal(signal.SIGKILL)
        assert first.wait(WAIT) == -signal.SIGKILL
    key_hub.release.set()

    with _booth(tmp_path, key_hub) as second:
        _read_until(second, "drained")
        assert second.wait(WAIT) == 0
    assert len(key_hub.keys()) == 4 and len(set(key_hub.keys())) == 4
    assert key_hub.requests == 5


@pytest.mark.slow
def test_real_hub_sees_each_write_once_after_a_sigkill(tmp_path: Path, real_hub: RealHub) -> None:
    token = real_hub.booth_token("booth-kill")
    # Dies right after the hub opened the case: the answer naming it is lost with the booth.
    args = ("--scenario", "case", "--save", "5", "--die-after-answers", "1")
    with _booth(tmp_path, real_hub, *args, token=token) as first:
        _read_until(first, "saved")
        assert first.wait(WAIT) == -signal.SIGKILL
    with _booth(tmp_path, real_hub, "--scenario", "case", token=token) as second:
        _read_until(second, "drained")
        assert second.wait(WAIT) == 0

    auth = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=real_hub.url, headers=auth, timeout=WAIT) as http:
        cases = http.get("/api/v1/cases").json()["cases"]
        assert len(cases) == 1  # opened once, though the booth died around it
        case = http.get(f"/api/v1/cases/{cases[0]['id']}").json()
    assert [m["code"] for m in case["materials"]] == ["m0", "m1", "m2", "m3"]
