"""A windowed booth fits the screen it is shown on (``make demo`` on a laptop)."""

from __future__ import annotations

import pytest

from kiosk.ui import fit
from kiosk.ui.window import SIZES


@pytest.mark.parametrize(
    ("orientation", "screen"),
    [("portrait", (1920, 1080)), ("portrait", (1366, 768)), ("landscape", (1920, 1080))],
)
def test_the_whole_booth_fits_a_laptop_screen(orientation: str, screen: tuple[int, int]) -> None:
    width, height = SIZES[orientation]
    scale = fit.fit_scale((width, height), screen)
    assert 0 < scale < 1
    assert width * scale <= screen[0]
    assert height * scale + fit.FRAME_PX <= screen[1]


def test_a_booth_that_fits_is_drawn_at_its_own_size() -> None:
    assert fit.fit_scale(SIZES["portrait"], (2160, 3840)) == 1.0


def test_too_small_a_screen_keeps_the_booth_readable_rather_than_tiny() -> None:
    assert fit.fit_scale(SIZES["portrait"], (640, 480)) == 1.0


def test_the_screen_is_measured_by_a_real_qt_child(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    size = fit.available_screen()
    assert size is not None and size[0] > 0 and size[1] > 0


def test_a_scale_the_user_chose_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QT_SCALE_FACTOR", "0.8")
    assert fit.scale_window_to_screen(SIZES["portrait"]) == 0.8


def test_the_scale_is_set_for_the_application_to_come(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QT_SCALE_FACTOR", "")  # so that the value set below is undone
    monkeypatch.delenv("QT_SCALE_FACTOR")
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")  # a desktop's, not the tests' offscreen
    monkeypatch.setattr(fit, "available_screen", lambda: (1920, 1080))
    scale = fit.scale_window_to_screen(SIZES["portrait"])
    assert scale < 1
    assert fit.os.environ["QT_SCALE_FACTOR"] == f"{scale:.2f}"


def test_the_demo_is_a_window_unless_asked_for_the_booths_full_screen() -> None:
    import argparse

    from kiosk.config import Config
    from kiosk.demo import command as demo

    parser = argparse.ArgumentParser()
    demo.add_arguments(parser)
    booth_config = Config()
    assert booth_config.booth.fullscreen  # an installed booth's default
    assert not demo.on_screen(booth_config, parser.parse_args([])).booth.fullscreen
    assert demo.on_screen(booth_config, parser.parse_args(["--fullscreen"])).booth.fullscreen
