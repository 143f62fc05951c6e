"""ruff, mypy, bandit and the import-linter contracts (pyproject.toml) run as part of the
suite."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _run(*cmd: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_ruff_finds_nothing() -> None:
    result = _run(str(BIN / "ruff"), "check", "kiosk", "tests", "bench")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_mypy_is_clean() -> None:
    result = _run(str(BIN / "mypy"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_dependency_rules_hold() -> None:
    result = _run(str(BIN / "lint-imports"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_bandit_finds_nothing() -> None:
    """Security lint: every finding is fixed or suppressed in place with its reason."""
    result = _run(str(BIN / "bandit"), "-q", "-c", "pyproject.toml", "-r", "kiosk")
    assert result.returncode == 0, result.stdout + result.stderr
