"""Every visible string is translated, and switching languages retranslates live."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QLineEdit, QWidget

from kiosk.ui.bridge import SCREENS
from kiosk.ui.i18n import compile_translations, default_i18n_dir
from kiosk.ui.screenshots import feed_samples

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def _exempt(widget: QWidget) -> bool:
    w: QWidget | None = widget
    while w is not None:
        if w.property("i18n_exempt"):
            return True
        w = w.parentWidget()
    return False


def visible_texts(root: QWidget) -> list[str]:
    texts = []
    for w in root.findChildren(QWidget):
        if not w.isVisible() or _exempt(w):
            continue
        if isinstance(w, QLabel | QAbstractButton):
            text = w.text()
        elif isinstance(w, QLineEdit):
            text = w.text() or w.placeholderText()
        else:
            continue
        if text.strip():
            texts.append(text)
    return texts


def walk(ui) -> dict[str, list[str]]:
    """The visible texts of every screen (and the idle warning) in the current language."""
    seen = {}
    for name in (*SCREENS, "idle"):
        ui.bridge.show_screen("home" if name == "idle" else name)
        if name == "idle":
            ui.bridge.idle_warning.emit(25)
        QApplication.processEvents()
        seen[name] = visible_texts(ui.window)
        if name == "idle":
            ui.bridge.idle_cleared.emit()
    return seen


def _same_in_hk() -> set[str]:
    """Sources whose zh_HK translation is deliberately identical (e.g. 返回)."""
    root = ET.parse(default_i18n_dir() / "xiaowu_zh_HK.ts").getroot()
    return {
        m.findtext("source")
        for m in root.iter("message")
        if m.findtext("source") == m.findtext("translation")
    }


@pytest.fixture
def walked_ui(make_ui):
    ui = make_ui()
    ui.start_session()
    feed_samples(ui)
    return ui


def test_english_screens_have_no_chinese_left(walked_ui):
    ui = walked_ui
    source = walk(ui)
    assert sum(len(t) for t in source.values()) > 100  # the walk really saw the screens
    ui.set_language("en")
    english = walk(ui)
    untranslated = {name: [t for t in texts if HAN.search(t)] for name, texts in english.items()}
    assert {k: v for k, v in untranslated.items() if v} == {}
    for name in SCREENS:
        assert set(english[name]) != set(source[name]), name


def test_hong_kong_screens_differ_from_the_simplified_source(walked_ui):
    ui = walked_ui
    source = walk(ui)
    ui.set_language("zh_HK")
    hk = walk(ui)
    # Legitimately the same in both scripts: deliberate translations (返回), sample data
    # written the same way (姓名), and dates formatted by the zh_HK locale.
    allowed = _same_in_hk() | {"姓名"}
    date = re.compile(r"^\d+月\d+日 星期.$")
    problems = {}
    for name, texts in hk.items():
        same = [
            t
            for t in texts
            if t in source[name] and t not in allowed and not date.match(t) and HAN.search(t)
        ]
        if same:
            problems[name] = same
    assert problems == {}


def test_language_switch_retranslates_the_visible_screen_live(make_ui, qtbot):
    ui = make_ui()
    attract = ui.window.screens["attract"]
    assert attract.welcome.text() == "欢迎使用政务晓屋"
    with qtbot.waitSignal(ui.bridge.language_changed, timeout=1000):
        qtbot.mouseClick(attract.languages.buttons["en"], Qt.MouseButton.LeftButton)
    assert attract.welcome.text() == "Welcome to Xiaowu"
    assert ui.window.footer.clerk.text() == "Talk to a clerk"
    assert attract.languages.buttons["en"].isChecked()
    qtbot.mouseClick(attract.languages.buttons["zh_HK"], Qt.MouseButton.LeftButton)
    assert attract.welcome.text() == "歡迎使用政務曉屋"
    assert "Noto Sans CJK HK" in QApplication.font().family()
    attract.welcome.ensurePolished()
    assert attract.welcome.font().family() == "Noto Sans CJK HK"  # HK glyph shapes
    assert attract.welcome.font().pixelSize() >= 60  # the theme's size still applies
    ui.start_session()
    ui.open_service("hpf-withdrawal-purchase")
    assert ui.window.screens["service"].title.text() == "住房公積金提取（購房）"
    qtbot.mouseClick(attract.languages.buttons["zh_CN"], Qt.MouseButton.LeftButton)
    assert ui.window.screens["service"].title.text() == "住房公积金提取（购房）"


def test_translation_sources_are_complete():
    for ts in sorted(default_i18n_dir().glob("xiaowu_*.ts")):
        root = ET.parse(ts).getroot()
        unfinished = [
            m.findtext("source")
            for m in root.iter("message")
            if m.find("translation").get("type") in ("unfinished", None)
            and not m.findtext("translation")
        ]
        assert unfinished == [], ts.name


def test_stale_or_missing_qm_files_are_compiled(tmp_path: Path):
    for ts in default_i18n_dir().glob("xiaowu_*.ts"):
        shutil.copy(ts, tmp_path / ts.name)
    written = compile_translations(tmp_path)
    assert sorted(p.name for p in written) == ["xiaowu_en.qm", "xiaowu_zh_HK.qm"]
    assert all(p.stat().st_size > 100 for p in written)
    assert compile_translations(tmp_path) == []  # up to date: nothing to do
