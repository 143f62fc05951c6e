from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.__main__ import COMMANDS, build_parser, main

ROOT = Path(__file__).resolve().parent.parent


def _kiosk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kiosk", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_help_lists_every_available_command() -> None:
    result = _kiosk("--help")
    assert result.returncode == 0
    parser = build_parser()
    available = parser._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert "doctor" in available
    for name in available:
        assert name in result.stdout
        assert name in COMMANDS


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_command_has_help(name: str) -> None:
    parser = build_parser()
    choices = parser._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    if name not in choices:
        pytest.skip(f"kiosk {name} is not built yet")
    result = _kiosk(name, "--help")
    assert result.returncode == 0, result.stderr
    assert "usage: kiosk " + name in result.stdout


def test_bad_config_is_one_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[booth]\norientation = "upside-down"\n')
    assert main(["--config", str(bad), "doctor"]) == 2
    err = capsys.readouterr().err
    assert "booth.orientation" in err
    assert str(bad) in err
    assert "Traceback" not in err
