"""A hub server installs only ``xiaowu[hub]``: the hub runs without any of the booth's packages.

The booth-only packages are the ``booth`` extra of ``pyproject.toml`` (plus RapidOCR, which
is installed beside it without its dependencies) minus what the shared core and the hub
need. A real hub process in which they cannot be imported must start, answer its health
check, serve the console and the catalog, and ``kiosk --help`` must still list the hub.
"""

from __future__ import annotations

import importlib.metadata
import os
import re
import socket
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent

# Runs before kiosk: every import of a blocked top-level package fails as if not installed.
BLOCKER = """
import importlib.abc, sys
BLOCKED = frozenset(sys.argv[1].split(","))
class NotInstalled(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None
sys.meta_path.insert(0, NotInstalled())
sys.argv = ["kiosk", *sys.argv[2:]]
from kiosk.__main__ import main
sys.exit(main(sys.argv[1:]))
"""


def _canonical(distribution: str) -> str:
    """A distribution's name as pip compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", distribution).lower()


def _names(requirements: list[str]) -> set[str]:
    return {_canonical(re.match(r"[A-Za-z0-9_.-]+", r).group(0)) for r in requirements}  # type: ignore[union-attr]


def booth_only_modules() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project["optional-dependencies"]
    shared = _names(project["dependencies"]) | _names(extras["hub"]) | _names(extras["postgres"])
    booth = (_names(extras["booth"]) | {"rapidocr-onnxruntime"}) - shared
    modules = set()
    for module, dists in importlib.metadata.packages_distributions().items():
        if any(_canonical(d) in booth for d in dists):
            modules.add(module)
    return {m for m in modules if not m.startswith("_")}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _kiosk_without(blocked: set[str], *args: str, **popen: object) -> subprocess.Popen[bytes]:
    return subprocess.Popen(  # our own interpreter and module
        [sys.executable, "-c", BLOCKER, ",".join(sorted(blocked)), *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        **popen,  # type: ignore[call-overload]
    )


def test_the_booth_only_packages_are_the_heavy_ones() -> None:
    blocked = booth_only_modules()
    assert {"PySide6", "cv2", "numpy", "vosk", "aiortc", "av", "onnxruntime"} <= blocked
    assert not blocked & {"fastapi", "sqlalchemy", "yaml", "pypinyin", "cryptography", "httpx"}


def test_kiosk_help_lists_the_hub_without_booth_packages() -> None:
    proc = _kiosk_without(booth_only_modules(), "--help", stdout=subprocess.PIPE)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0
    assert b" hub " in out


@pytest.mark.slow
def test_hub_serves_without_booth_packages(tmp_path: Path) -> None:
    port = _free_port()
    log = (tmp_path / "hub.log").open("wb")
    proc = _kiosk_without(
        booth_only_modules(),
        *("--log-level", "WARNING", "hub", "--db", f"sqlite:///{tmp_path / 'hub.db'}"),
        *("--port", str(port)),
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=15.0) as http:
            deadline = time.monotonic() + 90  # a loaded shared machine starts Python slowly
            while True:
                try:
                    health = http.get("/api/v1/health")
                    break
                except httpx.HTTPError:
                    pass
                if proc.poll() is not None:
                    log.flush()
                    hub_log = (tmp_path / "hub.log").read_text(errors="replace")
                    pytest.fail(f"the hub exited: {hub_log[-2000:]}")
                assert time.monotonic() < deadline, "the hub did not start"
                time.sleep(0.1)  # polling the observable condition: health answers
            assert health.status_code == 200 and health.json()["db"] == "ok"
            assert http.get("/console").status_code == 200
            catalog = http.get("/api/v1/catalog")
            assert catalog.status_code == 200 and catalog.json()["services"]
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()
