"""`make deb` builds packages that install into a clean root and work from there."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VERSION = re.search(r'^version = "(.+)"', (ROOT / "pyproject.toml").read_text(), re.M)[1]  # type: ignore[index]

UDEV_LINE = re.compile(r'^(?:[A-Z_]+(?:\{[A-Za-z0-9_]+\})?(?:==|!=|=|\+=|-=|:=)"[^"]*"(?:, )?)+$')
UDEV_KEYS = {"SUBSYSTEM", "ENV", "ATTR", "SYMLINK", "GROUP", "MODE", "TAG", "KERNEL", "ATTRS"}


@pytest.fixture(scope="module")
def installed_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("debs")
    build = subprocess.run(
        ["bash", str(ROOT / "packaging/deb/build.sh"), str(out)],
        env={**os.environ, "DEB_COMPRESS": "none"},
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert build.returncode == 0, build.stderr[-3000:]
    debs = sorted(out.glob("*.deb"))
    assert [d.name.split("_")[0] for d in debs] == ["xiaowu-booth", "xiaowu-common", "xiaowu-hub"]
    root = tmp_path_factory.mktemp("root")
    for sub in ("var/lib/dpkg/info", "var/lib/dpkg/updates", "var/lib/dpkg/triggers"):
        (root / sub).mkdir(parents=True)
    (root / "var/lib/dpkg/status").touch()
    install = subprocess.run(
        [
            "dpkg",
            f"--root={root}",
            "--force-depends",
            "--force-script-chrootless",
            "--force-not-root",
            "--no-triggers",
            "-i",
            str(out / f"xiaowu-common_{VERSION}_{_arch()}.deb"),
            str(out / f"xiaowu-booth_{VERSION}_{_arch()}.deb"),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert install.returncode == 0, install.stdout[-2000:] + install.stderr[-2000:]
    return root


def _arch() -> str:
    return subprocess.run(
        ["dpkg", "--print-architecture"], capture_output=True, text=True, check=True
    ).stdout.strip()


pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]


def test_files_land_where_the_system_expects_them(installed_root: Path) -> None:
    for path in (
        "opt/xiaowu/venv/bin/kiosk",
        "usr/bin/kiosk",
        "lib/systemd/system/xiaowu-booth.service",
        "lib/udev/rules.d/99-xiaowu.rules",
        "etc/xiaowu/booth.toml",
        "etc/systemd/journald.conf.d/xiaowu.conf",
    ):
        assert (installed_root / path).exists() or (installed_root / path).is_symlink(), path
    shebang = (installed_root / "opt/xiaowu/venv/bin/kiosk").read_text().splitlines()[0]
    assert shebang.startswith("#!/opt/xiaowu/venv/bin/python")
    status = (installed_root / "var/lib/dpkg/status").read_text()
    assert "Package: xiaowu-booth" in status and "Status: install ok installed" in status
    conffiles = (installed_root / "var/lib/dpkg/info/xiaowu-booth.conffiles").read_text()
    assert "/etc/xiaowu/booth.toml" in conffiles


def test_units_verify(installed_root: Path, tmp_path: Path) -> None:
    units = []
    for name in ("xiaowu-booth.service", "xiaowu-hub.service"):
        source = ROOT / "packaging/systemd" / name
        # Point ExecStart at the installed tree so systemd can check the binaries exist.
        text = source.read_text().replace("/opt/xiaowu", str(installed_root / "opt/xiaowu"))
        (tmp_path / name).write_text(text)
        units.append(str(tmp_path / name))
    result = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *units],
        env={**os.environ, "SYSTEMD_LOG_LEVEL": "notice"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr


def test_booth_unit_runs_under_watchdog_and_kiosk_compositor() -> None:
    unit = (ROOT / "packaging/systemd/xiaowu-booth.service").read_text()
    assert "Type=notify" in unit and "WatchdogSec=" in unit
    assert "ExecStart=/usr/bin/cage" in unit
    assert "User=xiaowu" in unit
    assert "StartLimitAction=reboot" in unit


def test_udev_rules_are_well_formed(installed_root: Path) -> None:
    rules = (installed_root / "lib/udev/rules.d/99-xiaowu.rules").read_text().splitlines()
    lines = [line for line in rules if line.strip() and not line.startswith("#")]
    names = set()
    for line in lines:
        assert UDEV_LINE.match(line), line
        keys = {re.match(r"[A-Z_]+", part.strip())[0] for part in line.split(", ")}  # type: ignore[index]
        assert keys <= UDEV_KEYS, keys - UDEV_KEYS
        names.update(re.findall(r'SYMLINK\+="([^"]+)"', line))
    assert {"xiaowu-locker", "xiaowu-door", "xiaowu-idcard", "xiaowu-scanner"} <= names


def test_doctor_runs_from_the_installed_tree(installed_root: Path, tmp_path: Path) -> None:
    python = installed_root / "opt/xiaowu/venv/bin/python"
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XIAOWU_HUB__URL": "http://127.0.0.1:9"}
    where = subprocess.run(
        [str(python), "-c", "import kiosk; print(kiosk.__file__)"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert where.stdout.startswith(str(installed_root / "opt/xiaowu/venv")), where
    result = subprocess.run(
        [
            str(python),
            "-m",
            "kiosk",
            "--config",
            str(installed_root / "etc/xiaowu/booth.toml"),
            "doctor",
            "--json",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    findings = {f["check"]: f["status"] for f in json.loads(result.stdout)}
    catalog = subprocess.run(
        [
            str(python),
            "-c",
            "from kiosk.core.catalog import load_catalog as l; "
            "from kiosk.speech.knowledge import default_kb_path as k; "
            "print(len(l().services), k())",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    services, kb = catalog.stdout.split()
    assert int(services) >= 32, catalog.stderr
    assert kb.startswith(str(installed_root / "opt/xiaowu/venv/share/xiaowu")), kb
    assert findings["CJK font"] == "ok"
    assert findings["OCR (tesseract)"] == "ok"
    assert findings["hub"] == "fail"  # nothing listens there
    assert "Traceback" not in result.stderr
