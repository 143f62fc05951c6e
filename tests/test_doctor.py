from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from kiosk.config import load_config
from kiosk.doctor import Finding, check_serial_ports, check_tesseract, format_table, run_checks

ROOT = Path(__file__).resolve().parent.parent


def test_doctor_reports_missing_serial_port_with_a_fix(tmp_path: Path) -> None:
    cfg_file = tmp_path / "c.toml"
    cfg_file.write_text(f'[devices.locker]\nport = "{tmp_path / "ttyNOPE"}"\n')
    finding = check_serial_ports(load_config(cfg_file, environ={}))
    assert finding.status == "fail"
    assert "missing" in finding.detail
    assert finding.fix


def test_doctor_finds_tesseract_languages() -> None:
    config = load_config(environ={"XIAOWU_OCR__LANGUAGES": "chi_sim+zzz_nonexistent"})
    finding = check_tesseract(config)
    assert finding.status == "fail"
    assert "zzz_nonexistent" in finding.detail
    assert check_tesseract(load_config(environ={})).status == "ok"


def test_a_crashing_check_is_reported_not_raised() -> None:
    def broken(config):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    findings = run_checks(load_config(environ={}), checks=(broken,))
    assert findings[0].status == "fail" and "boom" in findings[0].detail


def test_table_shows_fixes_for_problems_only() -> None:
    table = format_table(
        [Finding("a", "ok", "fine", "never shown"), Finding("b", "fail", "bad", "do x")]
    )
    assert "never shown" not in table
    assert "fix: do x" in table


def test_doctor_command_prints_json_and_fails_when_hub_is_down() -> None:
    env = {"PATH": "/usr/bin:/bin", "XIAOWU_HUB__URL": "http://127.0.0.1:9", "HOME": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "doctor", "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    findings = {f["check"]: f for f in json.loads(result.stdout)}
    assert findings["hub"]["status"] == "fail"
    assert findings["CJK font"]["status"] == "ok"
    assert result.returncode == 1
