"""The call screen renders every call state, with the privacy indicators, and paints
the clerks' frames from their providers."""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtWidgets import QApplication

from kiosk.ui.viewmodels import CallParty, CallView, Plain
from kiosk.ui.widgets.video_tile import VideoTile, rgb_to_image


def _frame(colour: tuple[int, int, int]) -> Any:
    rgb = np.zeros((120, 160, 3), np.uint8)
    rgb[:] = colour
    return rgb


def _screen(ui: Any) -> Any:
    ui.start_session()
    return ui.window.screens["call"]


def test_rgb_frames_become_images_with_the_same_pixels() -> None:
    image = rgb_to_image(_frame((200, 30, 60)))
    assert image is not None and (image.width(), image.height()) == (160, 120)
    colour = image.pixelColor(10, 10)
    assert (colour.red(), colour.green(), colour.blue()) == (200, 30, 60)
    assert rgb_to_image(np.zeros((4, 4), np.uint8)) is None  # not RGB
    assert rgb_to_image(None) is None


def test_consent_comes_first_and_nothing_is_sent(make_ui: Any, qtbot: Any) -> None:
    ui = make_ui()
    screen = _screen(ui)
    ui.bridge.show_call(CallView("consent", department=Plain("税务"), recording=True))
    QApplication.processEvents()
    assert screen.consent.isVisible() and screen.consent_recording.isVisible()
    assert not screen.sending.isVisible() and not screen.video_area.isVisible()
    with qtbot.waitSignal(ui.bridge.call_consent_given) as agreed:
        screen.agree.click()
    assert agreed.args == [True]
    with qtbot.waitSignal(ui.bridge.call_consent_given) as declined:
        screen.decline.click()
    assert declined.args == [False]


def test_in_call_tiles_show_clerks_frames_names_and_the_sending_indicator(
    make_ui: Any, qtbot: Any
) -> None:
    ui = make_ui()
    screen = _screen(ui)
    frames = {"a": _frame((250, 0, 0)), "b": _frame((0, 0, 250))}
    one = CallParty("clerk:1", "王女士", Plain("税务局"), "03", video=lambda: frames["a"])
    view = CallView(
        "in_call",
        participants=(one,),
        preview=lambda: frames["b"],
        document=lambda: frames["b"],
        sending_video=True,
        recording=True,
    )
    ui.bridge.show_call(view)
    QApplication.processEvents()
    tile = screen.tiles["clerk:1"]
    qtbot.waitUntil(lambda: tile.image is not None, timeout=2000)
    assert tile.image is not None and tile.image.pixelColor(5, 5).red() == 250
    assert tile.caption == "王女士 · 税务局 · 03号座席"
    assert screen.sending.isVisible() and screen.recording.isVisible()
    assert screen.mute.isVisible() and screen.enlarge.isVisible()

    # a second department's clerk joins; then the first leaves
    two = CallParty("clerk:2", "陈先生", Plain("市场监管局"), "11", video=lambda: frames["b"])
    ui.bridge.call_changed.emit(CallView("in_call", participants=(one, two), sending_video=True))
    QApplication.processEvents()
    assert list(screen.tiles) == ["clerk:1", "clerk:2"]
    ui.bridge.call_changed.emit(CallView("in_call", participants=(two,), sending_video=False))
    QApplication.processEvents()
    assert list(screen.tiles) == ["clerk:2"]
    assert not screen.sending.isVisible()  # no video going out: no indicator

    ui.set_language("en")
    assert screen.tiles["clerk:2"].caption == "陈先生 · 市场监管局 · Seat 11"
    assert screen.sending.text() == "● Sending video"


def test_enlarging_the_document_hides_the_other_tiles(make_ui: Any) -> None:
    ui = make_ui()
    screen = _screen(ui)
    party = CallParty("clerk:1", "王女士", video=lambda: None)
    ui.bridge.show_call(
        CallView("in_call", participants=(party,), preview=lambda: None, document=lambda: None)
    )
    QApplication.processEvents()
    assert screen.tiles["clerk:1"].isVisible() and screen.preview.isVisible()
    screen.enlarge.click()
    assert screen.document.isVisible() and not screen.preview.isVisible()
    assert not screen.tiles["clerk:1"].isVisible()
    screen.document.clicked.emit()  # tapping the enlarged document restores the layout
    assert screen.tiles["clerk:1"].isVisible()


def test_queue_reconnecting_and_no_clerk_states(make_ui: Any, qtbot: Any) -> None:
    ui = make_ui()
    screen = _screen(ui)
    ui.bridge.show_call(CallView("waiting", Plain("税务"), queue_position=3, wait_s=240))
    assert "您前面还有 2 位" in screen.status.text() and "4 分钟" in screen.status.text()
    assert screen.hangup.text() == "取消呼叫"
    ui.bridge.call_changed.emit(
        CallView("reconnecting", participants=(CallParty("c", "王", link="reconnecting"),))
    )
    QApplication.processEvents()
    assert screen.title.text() == "网络不稳定，正在重新连接…"
    assert screen.tiles["c"].badge == "正在重新连接…"
    ui.bridge.call_changed.emit(CallView("unavailable", Plain("税务")))
    QApplication.processEvents()
    assert screen.choices.isVisible()
    seen: list[str] = []
    ui.bridge.call_choice_made.connect(seen.append)
    for button in (screen.keep_waiting, screen.digital, screen.callback):
        button.click()
    assert seen == ["wait", "digital", "callback"]


def test_a_tile_without_frames_keeps_its_placeholder(qapp: Any) -> None:
    tile = VideoTile(lambda: None)
    tile.refresh()
    assert tile.image is None and tile.frames_shown == 0


def test_a_tile_scales_frames_in_a_worker_and_shows_the_newest(
    qapp: Any, qtbot: Any, monkeypatch: Any
) -> None:
    # scaling a frame to the tile is done in a thread: refresh() returns at once, the GUI
    # thread goes on; the scaled image arrives by a queued signal
    import threading

    from kiosk.ui.widgets import video_tile

    release = threading.Event()
    scaled_on: list[int] = []
    fit = video_tile.fitted_image

    def slow_fit(rgb: Any, width: int, height: int) -> Any:
        scaled_on.append(threading.get_ident())
        release.wait(10)
        return fit(rgb, width, height)

    monkeypatch.setattr(video_tile, "fitted_image", slow_fit)
    frames = [_frame((250, 0, 0))]
    tile = VideoTile(lambda: frames[-1])
    tile.resize(320, 240)
    tile.refresh()
    qtbot.waitUntil(lambda: bool(scaled_on), timeout=2000)
    assert tile.image is None and tile.frames_shown == 0  # not waited for
    frames.append(_frame((0, 0, 250)))
    tile.refresh()  # one frame in the worker at a time: nothing more is sent
    assert len(scaled_on) == 1
    release.set()
    qtbot.waitUntil(lambda: tile.frames_shown == 1, timeout=2000)
    assert tile.image is not None and tile.image.pixelColor(5, 5).red() == 250
    assert tile.image.width() == 320  # fitted to the tile (a 160x120 frame, kept at 4:3)
    tile.refresh()  # the newest frame next
    qtbot.waitUntil(lambda: tile.frames_shown == 2, timeout=2000)
    assert tile.image.pixelColor(5, 5).blue() == 250
    assert threading.get_ident() not in scaled_on
