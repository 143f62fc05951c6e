"""Unhandled failures land on the translated error screen, never as a traceback."""

from __future__ import annotations

import asyncio
import logging

import pytest
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QApplication

from kiosk.core.errors import HubUnavailable


async def test_an_exception_in_an_async_slot_shows_the_error_screen(make_ui, caplog):
    started = []

    async def start_service(code: str) -> None:
        started.append(code)
        await asyncio.sleep(0)
        raise HubUnavailable("hub down at 10.0.0.1")

    ui = make_ui(start_service=start_service)
    ui.start(asyncio.get_running_loop())
    ui.start_session()
    ui.open_service("hpf-withdrawal-purchase")
    shown = asyncio.get_running_loop().create_future()
    ui.bridge.error_shown.connect(lambda code: shown.done() or shown.set_result(code))
    with caplog.at_level(logging.ERROR, logger="kiosk.ui.error_router"):
        ui.window.screens["service"].start.click()
        code = await asyncio.wait_for(shown, 5)
    assert started == ["hpf-withdrawal-purchase"]
    assert code == "hub_unavailable"
    assert ui.bridge.screen == "error"
    screen = ui.window.screens["error"]
    assert screen.title.text() == "网络暂时中断"
    assert "Traceback" not in screen.message.text()
    ui.set_language("en")
    assert screen.title.text() == "Network temporarily down"
    assert any("HubUnavailable" in r.getMessage() for r in caplog.records)
    ui.window.screens["error"].back.click()
    assert ui.bridge.screen == "home"


async def test_a_failing_background_task_lands_on_the_error_screen(make_ui):
    async def on_start(ui) -> None:
        raise RuntimeError("boom")

    ui = make_ui(on_start=on_start)
    shown = asyncio.get_running_loop().create_future()
    ui.bridge.error_shown.connect(lambda code: shown.done() or shown.set_result(code))
    ui.start(asyncio.get_running_loop())
    assert await asyncio.wait_for(shown, 5) == "internal"
    assert ui.bridge.screen == "error"
    assert ui.window.screens["error"].title.text() == "系统出了点问题"


class _Thrower(QObject):
    fire = Signal()


@pytest.mark.qt_no_exception_capture
def test_an_exception_in_a_plain_slot_shows_the_error_screen(make_ui, caplog):
    ui = make_ui()
    ui.start()
    thrower = _Thrower()

    def broken() -> None:
        raise ValueError("bad")

    thrower.fire.connect(broken)
    with caplog.at_level(logging.ERROR, logger="kiosk.ui.error_router"):
        thrower.fire.emit()
        QApplication.processEvents()
    assert ui.bridge.screen == "error"
    assert ui.errors.last_code == "internal"


def test_without_a_flow_starting_a_service_queues_for_a_clerk(make_ui, qtbot):
    ui = make_ui()
    ui.start_session()
    ui.open_service("tax-clearance")
    qtbot.mouseClick(ui.window.screens["service"].start, Qt.MouseButton.LeftButton)
    assert ui.bridge.screen == "call"
    assert "税务" in ui.window.screens["call"].status.text()


def test_every_known_error_code_has_its_own_message_in_every_language(make_ui):
    import kiosk.core.errors as errors
    from kiosk.ui.texts import KNOWN_ERROR_CODES, error_message

    core_codes = {
        cls.code
        for cls in vars(errors).values()
        if isinstance(cls, type) and issubclass(cls, errors.XiaowuError)
    }
    assert core_codes <= set(KNOWN_ERROR_CODES)
    ui = make_ui()
    for lang in ("zh_CN", "en", "zh_HK"):
        ui.set_language(lang)
        generic = error_message("internal")
        assert error_message("no-such-code") == generic
        for code in KNOWN_ERROR_CODES:
            title, message = error_message(code)
            assert title and message
            assert code == "internal" or (title, message) != generic, code
            if lang == "en":
                assert all(ord(ch) < 0x3000 for ch in title + message), code
