"""``kiosk screenshots``: every screen, every language, elderly mode, both orientations."""

from __future__ import annotations

import argparse
import importlib.util

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QPushButton

from kiosk.ui.bridge import SCREENS
from kiosk.ui.screenshots import (
    CALL_STATES,
    CLARIFY_SHOTS,
    DONE_STATES,
    LOCKDOWN_SHOTS,
    RESUMED_SHOTS,
    add_arguments,
    feed_samples,
    render_screens,
)


@pytest.mark.slow
def test_every_screen_is_rendered_in_every_language_and_elderly_mode(make_ui, tmp_path):
    ui = make_ui()
    ui.start_session()
    feed_samples(ui)
    clipped = []

    def no_label_cut(shot, window):  # every button shows its whole label
        for b in window.findChildren(QPushButton):
            if b.isVisible() and b.text() and b.width() < b.sizeHint().width():
                clipped.append((shot, b.objectName(), b.text()))

    files = render_screens(ui, tmp_path, inspect=no_label_cut)
    assert clipped == []
    names = {p.name for p in files}
    for screen in (
        *SCREENS,
        "idle",
        *CALL_STATES,
        *DONE_STATES,
        *LOCKDOWN_SHOTS,
        *RESUMED_SHOTS,
        *CLARIFY_SHOTS,
    ):
        for lang in ("zh_CN", "en", "zh_HK"):
            assert f"{screen}-{lang}.png" in names
            assert f"{screen}-{lang}-elderly.png" in names
    assert (
        len(files)
        == len(names)
        == (
            len(SCREENS)
            + 1
            + len(CALL_STATES)
            + len(DONE_STATES)
            + len(LOCKDOWN_SHOTS)
            + len(RESUMED_SHOTS)
            + len(CLARIFY_SHOTS)
        )
        * 6
    )
    image = QImage(str(tmp_path / "home-en-elderly.png"))
    assert (image.width(), image.height()) == (1080, 1920)
    # not a blank page: the header is dark, the page light
    assert image.pixelColor(540, 10).lightness() < 80
    assert image.pixelColor(540, 1000).lightness() > 200


def test_landscape_rendering(make_ui, tmp_path):
    ui = make_ui(orientation="landscape")
    ui.start_session()
    feed_samples(ui)
    files = render_screens(ui, tmp_path, languages=("en",), elderly_modes=(True,))
    image = QImage(str(files[0]))
    assert (image.width(), image.height()) == (1920, 1080)


def test_command_line_arguments():
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    args = parser.parse_args(["out", "--orientation", "landscape", "--lang", "en"])
    assert str(args.outdir) == "out" and args.orientation == "landscape" and args.lang == ["en"]


@pytest.mark.skipif(
    importlib.util.find_spec("kiosk.core.catalog") is None, reason="the catalog is not merged yet"
)
def test_the_command_renders_the_demo_catalog(tmp_path, qapp):
    from kiosk.config import Config
    from kiosk.ui.screenshots import main

    parser = argparse.ArgumentParser()
    add_arguments(parser)
    args = parser.parse_args([str(tmp_path), "--lang", "zh_HK", "--screen", "home"])
    assert main(args, Config()) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "home-zh_HK-elderly.png",
        "home-zh_HK.png",
    ]
