"""``kiosk doctor``: check that this machine can run a booth, and say how to fix what can't.

Each check returns a :class:`Finding` (ok, warn or fail, what was seen, how to fix it).
The command prints them as a table (or JSON with ``--json``) and exits 1 when any check
failed. Checks only look; they never change the machine.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import subprocess  # nosec B404 # runs fixed tool names with argument lists, no shell
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

from kiosk.config import Config

HELP = "check fonts, OCR languages, speech model, cameras, audio, serial ports and the hub"

Status = Literal["ok", "warn", "fail"]


@dataclass(frozen=True, slots=True)
class Finding:
    check: str
    status: Status
    detail: str
    fix: str = ""


def _run(cmd: list[str], timeout: float = 10.0) -> subprocess.CompletedProcess[str] | None:
    try:
        return subprocess.run(  # nosec B603 # fixed tools (tesseract, espeak-ng...), list args
            cmd, capture_output=True, text=True, timeout=timeout, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None


def check_cjk_font(config: Config) -> Finding:
    result = _run(["fc-list", ":lang=zh", "family"])
    families = sorted(
        {
            line.split(",")[0].strip()
            for line in (result.stdout if result else "").splitlines()
            if line.strip()
        }
    )
    if families:
        return Finding("CJK font", "ok", ", ".join(families[:3]))
    return Finding(
        "CJK font",
        "fail",
        "no font covers Chinese: every label would be boxes",
        "apt-get install fonts-noto-cjk",
    )


def check_ocr_engine(config: Config) -> Finding:
    if config.ocr.engine not in ("rapidocr", "hybrid"):  # hybrid reads fields with RapidOCR
        return Finding("OCR engine", "ok", config.ocr.engine)
    import importlib.util

    if importlib.util.find_spec("rapidocr_onnxruntime") is None:
        return Finding(
            "OCR engine",
            "fail",
            "rapidocr-onnxruntime is not installed",
            'reinstall the xiaowu package, or set [ocr] engine = "tesseract"',
        )
    return Finding("OCR engine", "ok",
                   f"{config.ocr.engine} (RapidOCR models shipped with the package)")


def check_tesseract(config: Config) -> Finding:
    exe = shutil.which("tesseract")
    if not exe:
        return Finding(
            "OCR (tesseract)",
            "fail",
            "tesseract not found",
            "apt-get install tesseract-ocr tesseract-ocr-chi-sim",
        )
    result = _run([exe, "--list-langs"])
    langs = set((result.stdout if result else "").split()[1:]) if result else set()
    wanted = {lang for lang in config.ocr.languages.split("+") if lang}
    missing = wanted - langs
    if missing:
        pkgs = " ".join("tesseract-ocr-" + m.replace("_", "-").lower() for m in sorted(missing))
        return Finding(
            "OCR (tesseract)",
            "fail",
            f"missing languages: {', '.join(sorted(missing))}",
            f"apt-get install {pkgs}",
        )
    return Finding("OCR (tesseract)", "ok", "languages: " + ", ".join(sorted(wanted)))


def check_speech_model(config: Config) -> Finding:
    model = config.speech.model_dir
    if not config.speech.enabled:
        return Finding("speech model", "ok", "speech disabled: dialogue by touch and text")
    if not model:
        return Finding(
            "speech model",
            "warn",
            "no vosk model configured: the digital clerk works by touch and text only",
            "kiosk models install vosk-model-small-cn-0.22, then set [speech] model_dir",
        )
    path = Path(model)
    if not (path / "am").is_dir() and not (path / "final.mdl").exists():
        return Finding(
            "speech model",
            "fail",
            f"{model} is not a vosk model directory",
            "kiosk models verify DIR; reinstall with kiosk models install",
        )
    return Finding("speech model", "ok", model)


def check_speech_out(config: Config) -> Finding:
    if shutil.which("espeak-ng"):
        return Finding("speech out (espeak-ng)", "ok", "present")
    return Finding(
        "speech out (espeak-ng)",
        "warn",
        "missing: answers are shown as captions only",
        "apt-get install espeak-ng",
    )


def check_cameras(config: Config) -> Finding:
    configured = [c for c in (config.devices.face_camera, config.devices.document_camera) if c]
    videos = sorted(str(p) for p in Path("/dev").glob("video*"))
    synthetic = [c for c in configured if c == "synthetic" or Path(c).is_file()]
    if videos:
        return Finding("cameras", "ok", ", ".join(videos))
    if configured and len(synthetic) == len(configured):
        return Finding("cameras", "ok", "synthetic/file sources (demo)")
    return Finding(
        "cameras",
        "warn",
        "no /dev/video* device: calls and capture use test images",
        "connect the face and document cameras (UVC); check dmesg and udev rules",
    )


def check_audio(config: Config) -> Finding:
    cards = Path("/proc/asound/cards")
    text = cards.read_text() if cards.exists() else ""
    if text.strip() and "no soundcards" not in text:
        return Finding("audio", "ok", text.strip().splitlines()[0].strip())
    return Finding(
        "audio",
        "warn",
        "no sound card: no microphone or speaker",
        "connect the booth's audio; check `aplay -l` and `arecord -l`",
    )


def check_serial_ports(config: Config) -> Finding:
    devices = config.devices
    named = {
        "locker": devices.locker.port,
        "door": devices.door.port,
        "idcard": devices.idcard.port,
        "scanner": devices.scanner.port,
    }
    configured = {k: v for k, v in named.items() if v}
    if not configured:
        return Finding(
            "serial devices",
            "warn",
            "none configured (demo uses emulators)",
            "set [devices.locker] port and the others (see README)",
        )
    problems = [
        f"{name}: {port} " + ("missing" if not os.path.exists(port) else "not accessible")
        for name, port in configured.items()
        if not os.path.exists(port) or not os.access(port, os.R_OK | os.W_OK)
    ]
    if problems:
        return Finding(
            "serial devices",
            "fail",
            "; ".join(problems),
            "check cabling and packaging/udev rules; add the user to group dialout",
        )
    return Finding("serial devices", "ok", ", ".join(f"{k}={v}" for k, v in configured.items()))


def check_hub(config: Config) -> Finding:
    import httpx

    url = config.hub.url.rstrip("/") + "/api/v1/health"
    try:
        response = httpx.get(url, timeout=min(config.hub.timeout_s, 5.0))
    except httpx.HTTPError as exc:
        return Finding(
            "hub",
            "fail",
            f"{config.hub.url} unreachable ({type(exc).__name__})",
            "check the network and [hub] url; the booth works offline from its cache",
        )
    if response.status_code != 200:
        return Finding(
            "hub",
            "fail",
            f"{url} answered {response.status_code}",
            "check the hub's logs (journalctl -u xiaowu-hub)",
        )
    status = response.json().get("status", "?")
    if not config.hub.push_key:  # the booth would take unsigned config pushes
        return Finding(
            "hub",
            "warn",
            f"{config.hub.url} ({status}); [hub] push_key is not set",
            "set [hub] push_key to what `kiosk hub --push-key` prints on the hub",
        )
    return Finding("hub", "ok", f"{config.hub.url} ({status})")


def check_disk(config: Config) -> Finding:
    path = Path(config.booth.data_dir or Path.home())
    while not path.exists():
        path = path.parent
    free = shutil.disk_usage(path).free
    gib = free / 2**30
    if gib < 0.5:
        return Finding(
            "disk", "fail", f"{gib:.2f} GiB free at {path}", "free space: old logs, caches"
        )
    if gib < 2:
        return Finding("disk", "warn", f"{gib:.1f} GiB free at {path}", "free space soon")
    return Finding("disk", "ok", f"{gib:.0f} GiB free")


# What the on-screen keyboard needs from the PySide6 wheels (kiosk.ui.touch_keyboard).
_KEYBOARD_FILES = (
    "plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so",  # PySide6-Essentials
    "lib/libQt6VirtualKeyboard.so.6",  # PySide6-Addons
    "qml/QtQuick/VirtualKeyboard/Plugins/Pinyin/libqtvkbpinyinplugin.so",
)


def check_touch_keyboard(config: Config) -> Finding:
    """A booth has no keyboard: citizens type on Qt Virtual Keyboard, with pinyin."""
    spec = importlib.util.find_spec("PySide6")  # finds, does not import: Qt stays in kiosk.ui
    places = list(spec.submodule_search_locations or ()) if spec else []
    qt = Path(places[0]) / "Qt" if places else None
    missing = [name for name in _KEYBOARD_FILES if qt is None or not (qt / name).exists()]
    if missing:
        return Finding(
            "touch keyboard",
            "fail",
            "missing " + ", ".join(Path(name).name for name in missing),
            "pip install 'PySide6-Essentials>=6.9,<6.12' 'PySide6-Addons>=6.9,<6.12'",
        )
    chosen = (os.environ.get("QT_IM_MODULE") or os.environ.get("QT_IM_MODULES") or "").split(";")
    if chosen[0].strip() not in ("", "qtvirtualkeyboard"):
        return Finding(
            "touch keyboard",
            "warn",
            f"QT_IM_MODULE chooses {chosen[0].strip()}: no on-screen keyboard for citizens",
            "unset QT_IM_MODULE (the booth then chooses qtvirtualkeyboard)",
        )
    return Finding("touch keyboard", "ok", "Qt Virtual Keyboard: pinyin, English, cangjie/zhuyin")


CHECKS: tuple[Callable[[Config], Finding], ...] = (
    check_cjk_font,
    check_touch_keyboard,
    check_ocr_engine,
    check_tesseract,
    check_speech_model,
    check_speech_out,
    check_cameras,
    check_audio,
    check_serial_ports,
    check_disk,
    check_hub,
)


def run_checks(
    config: Config, checks: tuple[Callable[[Config], Finding], ...] = CHECKS
) -> list[Finding]:
    findings = []
    for check in checks:
        try:
            findings.append(check(config))
        except Exception as exc:  # a broken check must not hide the others
            findings.append(Finding(check.__name__, "fail", f"check crashed: {exc!r}"))
    return findings


def format_table(findings: list[Finding]) -> str:
    mark = {"ok": "OK  ", "warn": "WARN", "fail": "FAIL"}
    width = max(len(f.check) for f in findings)
    lines = []
    for f in findings:
        lines.append(f"{mark[f.status]}  {f.check:<{width}}  {f.detail}")
        if f.fix and f.status != "ok":
            lines.append(f"      {'':<{width}}  fix: {f.fix}")
    return "\n".join(lines)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print the findings as JSON")


def main(args: argparse.Namespace, config: Config) -> int:
    findings = run_checks(config)
    if args.json:
        print(json.dumps([asdict(f) for f in findings], ensure_ascii=False, indent=2))
    else:
        print(format_table(findings))
    return 1 if any(f.status == "fail" for f in findings) else 0
