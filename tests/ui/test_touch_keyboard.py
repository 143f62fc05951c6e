"""The on-screen keyboard: chosen by the booth itself, pinyin first, following the booth's
language, and a citizen correcting a confirm field with it under a real X server."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kiosk.ui.touch_keyboard import KEYBOARD_MODULE, keyboard_locale, select_touch_keyboard

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "build" / "test-artifacts" / "ui"


@pytest.mark.parametrize(
    ("environ", "argv", "selected", "module"),
    [
        ({}, [], True, KEYBOARD_MODULE),  # Qt picks the real screen: xcb or wayland
        ({"QT_QPA_PLATFORM": "wayland"}, [], True, KEYBOARD_MODULE),
        ({"QT_QPA_PLATFORM": "xcb"}, ["kiosk"], True, KEYBOARD_MODULE),
        ({"QT_QPA_PLATFORM": "offscreen"}, [], False, None),
        ({"QT_QPA_PLATFORM": "minimal"}, [], False, None),
        ({"QT_QPA_PLATFORM": "offscreen:fontengine=freetype"}, [], False, None),
        ({"QT_QPA_PLATFORM": "xcb"}, ["kiosk", "-platform", "offscreen"], False, None),
        ({"QT_IM_MODULE": "ibus"}, [], False, "ibus"),  # the operator's choice wins
        ({"QT_IM_MODULES": "ibus;compose"}, [], False, None),
        ({"QT_IM_MODULES": f"{KEYBOARD_MODULE};compose"}, [], True, None),
        ({"QT_IM_MODULE": KEYBOARD_MODULE, "QT_QPA_PLATFORM": "offscreen"}, [], True, "same"),
    ],
)
def test_the_booth_chooses_the_virtual_keyboard_unless_told_otherwise(
    environ: dict[str, str], argv: list[str], selected: bool, module: str | None
) -> None:
    before = dict(environ)
    assert select_touch_keyboard(environ, argv) is selected
    if module == "same":
        assert environ == before
    else:
        assert environ.get("QT_IM_MODULE") == (module if module else before.get("QT_IM_MODULE"))


def test_each_booth_language_has_its_keyboard_layout() -> None:
    assert keyboard_locale("zh_CN") == "zh_CN"  # pinyin
    assert keyboard_locale("en") == "en_US"
    assert keyboard_locale("zh_HK") == "zh_TW"  # Traditional Chinese: cangjie, zhuyin
    assert keyboard_locale("fr") == "zh_CN"


def _keyboard_settings() -> dict[str, Any]:
    """What the keyboard itself will read: the process-wide VirtualKeyboardSettings."""
    from PySide6.QtCore import QByteArray, QUrl
    from PySide6.QtQml import QQmlComponent, QQmlEngine

    engine = QQmlEngine()
    component = QQmlComponent(engine)
    component.setData(
        QByteArray(
            b"import QtQuick\nimport QtQuick.VirtualKeyboard.Settings\n"
            b"QtObject { property var active: VirtualKeyboardSettings.activeLocales;"
            b" property string locale: VirtualKeyboardSettings.locale }"
        ),
        QUrl(),
    )
    reader = component.create()
    assert reader is not None, component.errors()
    active = reader.property("active")
    result = {"active": list(active.toVariant() if hasattr(active, "toVariant") else active)}
    result["locale"] = reader.property("locale")
    del reader, component, engine
    return result


def test_the_keyboard_offers_pinyin_first_and_follows_the_booths_language(qapp: Any) -> None:
    from kiosk.ui.touch_keyboard import KeyboardLanguages

    languages = KeyboardLanguages("zh_CN", parent=qapp)
    assert _keyboard_settings() == {"active": ["zh_CN", "en_US", "zh_TW"], "locale": "zh_CN"}
    languages.follow("en")
    assert _keyboard_settings()["locale"] == "en_US"
    languages.follow("zh_HK")
    assert _keyboard_settings()["locale"] == "zh_TW"
    languages.follow("zh_CN")
    languages.engine.deleteLater()


def test_confirm_fields_keep_citizens_words_out_of_the_keyboards_dictionary(make_ui: Any) -> None:
    from PySide6.QtCore import Qt

    from kiosk.ui.viewmodels import FieldView, FormView, Plain

    hint = Qt.InputMethodHint
    ui = make_ui()
    ui.start_session()
    kinds = ("text", "id_number", "uscc", "money", "phone", "date")
    ui.bridge.show_form(FormView(None, tuple(FieldView(k, Plain(k), "", kind=k) for k in kinds)))
    edits = ui.window.screens["confirm"].edits
    # The pinyin engine turns its user dictionary off for sensitive fields (Qt's
    # PinyinInputMethod checks this hint), so one citizen's name is no candidate for the next.
    assert all(edits[k].inputMethodHints() & hint.ImhSensitiveData for k in kinds)
    assert edits["id_number"].inputMethodHints() & hint.ImhPreferNumbers
    assert edits["uscc"].inputMethodHints() & hint.ImhLatinOnly  # no pinyin for a code
    assert edits["money"].inputMethodHints() & hint.ImhDigitsOnly
    assert edits["phone"].inputMethodHints() & hint.ImhDialableCharactersOnly
    assert not edits["text"].inputMethodHints() & hint.ImhLatinOnly


def test_doctor_finds_the_keyboard_and_warns_when_an_operator_turned_it_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from kiosk import doctor
    from kiosk.config import Config

    monkeypatch.delenv("QT_IM_MODULE", raising=False)
    monkeypatch.delenv("QT_IM_MODULES", raising=False)
    assert doctor.check_touch_keyboard(Config()).status == "ok"
    monkeypatch.setenv("QT_IM_MODULE", "ibus")
    finding = doctor.check_touch_keyboard(Config())
    assert finding.status == "warn" and "ibus" in finding.detail
    monkeypatch.setattr(doctor, "_KEYBOARD_FILES", ("plugins/nothing/libnone.so",))
    finding = doctor.check_touch_keyboard(Config())
    assert finding.status == "fail" and "libnone.so" in finding.detail


def _run_probe(tmp_path: Path, **env_changes: str) -> dict[str, Any]:
    if shutil.which("xvfb-run") is None or shutil.which("xauth") is None:
        pytest.skip("xvfb-run and xauth are needed for a real X server (apt: xvfb xauth)")
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("XIAOWU_", "QT_IM_MODULE")) and k != "DISPLAY"
    }
    # The pinyin engine keeps its user dictionary under the config directory.
    env.update(
        QT_QPA_PLATFORM="xcb",
        PYTHONPATH=str(ROOT),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_RUNTIME_DIR=str(tmp_path),
    )
    env.update(env_changes)
    result = subprocess.run(
        [
            "xvfb-run",
            "-a",
            "-s",
            "-screen 0 1080x1920x24",
            sys.executable,
            "-m",
            "tests.ui.touch_keyboard_probe",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    assert lines, f"no report from the probe: {result.stdout}\n{result.stderr[-3000:]}"
    seen: dict[str, Any] = json.loads(lines[-1])
    seen["returncode"] = result.returncode
    return seen


@pytest.mark.slow
def test_a_citizen_corrects_a_field_with_the_on_screen_keyboard_and_pinyin(
    tmp_path: Path,
) -> None:
    # No QT_IM_MODULE in the environment: the booth must choose the keyboard itself.
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    seen = _run_probe(tmp_path, PROBE_SCREENSHOT=str(ARTIFACTS / "touch-keyboard-pinyin.png"))
    assert seen.get("failed") is None, seen
    assert seen["keyboard_before_tap"] is False  # it opens for a field, not before
    assert seen["keyboard_locale"] == "zh_CN" and seen["first_layout"] == "简体中文"
    assert seen["after_backspace"] == ""  # the misread name, deleted with its keys
    assert seen["typed"] == "你好"  # n-i-h-a-o, then the candidate 你好
    assert seen["confirmed"] == {
        "name": "广州晓屋科技有限公司",
        "uscc": "91440101MA5CXXXX0X",
        "capital": "50万元",
        "established": "2019-02-28",
        "legal_representative": "你好",
    }
    # While the keyboard is up the screens shrink above it: the field being typed in and
    # the confirm button stay in sight; then they take the room back.
    assert seen["room"] > 0
    assert seen["field_bottom"] <= seen["keyboard_top"]
    assert seen["confirm_bottom"] <= seen["keyboard_top"]
    assert seen["room_after_hide"] == 0
    assert seen["layouts"] == {
        "en": ["en_US", "American English"],
        "zh_HK": ["zh_TW", "繁體中文"],
    }
    assert seen["code_keys"] == list("0123456789")  # digits first in the USCC's field
    assert seen["after_idle"] == ["attract", False]  # an idle reset takes the keyboard down
    assert seen["returncode"] == 0


@pytest.mark.slow
def test_an_operators_input_method_wins_and_then_no_keyboard_opens(tmp_path: Path) -> None:
    seen = _run_probe(tmp_path, QT_IM_MODULE="compose", PROBE_STEP_TIMEOUT_S="3")
    assert seen["failed"] == "the keyboard opens on a tap"
    assert seen["returncode"] != 0
