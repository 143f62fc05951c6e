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
def debs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("debs")
    build = subprocess.run(
        ["bash", str(ROOT / "packaging/deb/build.sh"), str(out)],
        env={**os.environ, "DEB_COMPRESS": "none"},
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert build.returncode == 0, build.stderr[-3000:]
    built = {d.name.split("_")[0]: d for d in sorted(out.glob("*.deb"))}
    assert sorted(built) == ["xiaowu-booth", "xiaowu-hub"]
    return built


def _install(deb: Path, root: Path) -> Path:
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
            str(deb),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert install.returncode == 0, install.stdout[-2000:] + install.stderr[-2000:]
    return root


@pytest.fixture(scope="module")
def installed_root(debs: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A booth: xiaowu-booth installed into a clean root."""
    return _install(debs["xiaowu-booth"], tmp_path_factory.mktemp("root"))


@pytest.fixture(scope="module")
def hub_root(debs: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A hub server: xiaowu-hub installed into another clean root."""
    return _install(debs["xiaowu-hub"], tmp_path_factory.mktemp("hub-root"))


def _distributions(venv: Path) -> set[str]:
    (site,) = venv.glob("lib/python3*/site-packages")
    return {d.name.split("-")[0].lower() for d in site.glob("*.dist-info")}


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


def test_units_verify(installed_root: Path, hub_root: Path, tmp_path: Path) -> None:
    units = []
    for name, root in (("xiaowu-booth.service", installed_root), ("xiaowu-hub.service", hub_root)):
        source = ROOT / "packaging/systemd" / name
        # Point ExecStart at the installed tree so systemd can check the binaries exist.
        text = source.read_text().replace("/opt/xiaowu", str(root / "opt/xiaowu"))
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


def test_each_role_installs_only_its_own_packages(installed_root: Path, hub_root: Path) -> None:
    booth = _distributions(installed_root / "opt/xiaowu/venv")
    hub = _distributions(hub_root / "opt/xiaowu-hub/venv")
    # one OpenCV on the booth, the headless one (RapidOCR's full one brings its own Qt)
    assert "opencv_python_headless" in booth and "opencv_python" not in booth
    assert {"rapidocr_onnxruntime", "pyside6_essentials", "vosk", "aiortc"} <= booth
    assert {"fastapi", "sqlalchemy", "psycopg"} <= hub
    assert not hub & {"pyside6_essentials", "opencv_python_headless", "numpy", "vosk", "av"}
    status = (hub_root / "var/lib/dpkg/status").read_text()
    assert "Package: xiaowu-hub" in status and "Conflicts: xiaowu-booth" in status


def test_the_hub_runs_from_its_installed_tree(hub_root: Path, tmp_path: Path) -> None:
    kiosk = hub_root / "opt/xiaowu-hub/venv/bin/python"
    result = subprocess.run(
        [str(kiosk), "-m", "kiosk", "hub", "--help"],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0 and "--add-clerk" in result.stdout, result.stderr[-2000:]
