"""The sans-IO protocol modules are covered branch by branch (100%) by their own tests,
and import nothing but the standard library, kiosk.core.errors and kiosk.core.nations
(itself standard library only)."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROTOCOLS = sorted((ROOT / "kiosk" / "devices").glob("*/protocol.py"))
ALLOWED = set(sys.stdlib_module_names) | {"__future__"}
SHARED = {"kiosk.core.errors", "kiosk.core.nations"}  # stdlib-only modules of kiosk.core


def test_there_is_a_protocol_per_device() -> None:
    assert {p.parent.name for p in PROTOCOLS} == {"door", "idcard", "locker", "scanner"}


SHARED_PATHS = [ROOT / (name.replace(".", "/") + ".py") for name in sorted(SHARED)]


@pytest.mark.parametrize(
    "path", PROTOCOLS + SHARED_PATHS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_protocol_imports_only_the_standard_library(path: Path) -> None:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}: relative import"
            names = [node.module or ""]
        else:
            continue
        for name in names:
            assert name in SHARED or name.split(".")[0] in ALLOWED, (path, name)


@pytest.mark.slow
def test_protocol_modules_have_full_branch_coverage(tmp_path: Path) -> None:
    report = tmp_path / "coverage.json"
    tests = [
        str(ROOT / "tests" / "devices" / f"test_{p.parent.name}_protocol.py") for p in PROTOCOLS
    ]
    sources = [f"--cov=kiosk.devices.{p.parent.name}.protocol" for p in PROTOCOLS]
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--cov-branch",
            "--hypothesis-profile=coverage",
            *sources,
            f"--cov-report=json:{report}",
            "--cov-report=term-missing",
            *tests,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    files = json.loads(report.read_text())["files"]
    assert len(files) == len(PROTOCOLS)
    missing = {
        name: (data["missing_lines"], data["missing_branches"])
        for name, data in files.items()
        if data["missing_lines"] or data["missing_branches"]
    }
    assert not missing, result.stdout[-3000:]
