"""A citizen corrects a field with the on-screen keyboard, in a booth process of its own.

Run under a real X server (Xvfb) with ``QT_QPA_PLATFORM=xcb``: ``run_booth`` shows the
booth full screen and must choose Qt Virtual Keyboard itself. The citizen taps the lowest
field of the confirm screen (the booth must keep it and the confirm button above the
keyboard), deletes the misread name with the keyboard's backspace key, spells
n-i-h-a-o on its pinyin layout, taps the candidate 你好, hides the keyboard with its own
key and confirms. Then the USCC's field offers digits first; the booth switches to English
and to Traditional Chinese, and the keyboard's layout follows; an idle reset takes the
keyboard down. Keys are found in the keyboard's QML scene by what they type, and
tapped with mouse clicks at their centres. Prints one JSON line of what it saw; exits
non-zero when a step did not happen within its deadline.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

from tests.ui.probe_harness import run_probe_booth

# Generous: the machine is shared; an idle one takes well under a second a step.
STEP_TIMEOUT_S = float(os.environ.get("PROBE_STEP_TIMEOUT_S", "20"))
MISREAD = "你子"  # OCR split 好 into 女子 and kept half of it
CORRECTED = "你好"
USCC = "91440101MA5CXXXX0X"


class StepFailed(Exception):
    pass


async def until(what: str, condition: Callable[[], Any]) -> Any:
    """Poll an observable condition on the Qt loop until it holds or the deadline passes."""
    deadline = time.monotonic() + STEP_TIMEOUT_S
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        await asyncio.sleep(0.02)  # lets Qt paint and deliver events; not a fixed wait
    raise StepFailed(what)


def keyboard_window() -> Any:
    """The virtual keyboard's own window (desktop integration), if it is showing."""
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtQuick import QQuickWindow

    for window in QGuiApplication.allWindows():
        if isinstance(window, QQuickWindow) and window.isVisible():
            return window
    return None


def _items(item: Any) -> Iterator[Any]:
    for child in item.childItems():
        yield child
        yield from _items(child)


def _visible(item: Any) -> bool:
    return bool(item.isVisible() and item.width() > 0 and item.height() > 0)


def find_key(text: str = "", kind: str = "Key") -> Any:
    """A key of the keyboard: an item whose QML type is ``kind`` (Key, BackspaceKey,
    HideKeyboardKey...) and which types ``text`` (any text when empty)."""
    window = keyboard_window()
    if window is None:
        return None
    for item in _items(window.contentItem()):
        type_name = item.metaObject().className().split("_QML", 1)[0]
        if type_name == kind and _visible(item) and (not text or item.property("text") == text):
            return item
    return None


def find_candidate(text: str) -> Any:
    """A word in the keyboard's candidate list (a SelectionListItem showing ``text``)."""
    window = keyboard_window()
    if window is None:
        return None
    for item in _items(window.contentItem()):
        if (
            item.metaObject().className().startswith("SelectionListItem")
            and _visible(item)
            and any(child.property("text") == text for child in _items(item))
        ):
            return item
    return None


def tap(item: Any) -> None:
    """A finger on the centre of a keyboard item (press and release)."""
    from PySide6.QtCore import QPointF, Qt
    from PySide6.QtTest import QTest

    centre = item.mapToScene(QPointF(item.width() / 2, item.height() / 2)).toPoint()
    QTest.mouseClick(item.window(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier(0), centre)


async def correct_a_field(ui: Any, seen: dict[str, Any]) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtTest import QTest

    from kiosk.core.text import Text
    from kiosk.ui.viewmodels import FieldView, FormView, Plain

    confirmed: list[dict[str, str]] = []
    ui.bridge.fields_confirmed.connect(confirmed.append)
    ui.start_session()
    ui.bridge.show_form(
        FormView(
            Plain("营业执照"),
            (
                FieldView("name", Text("名称", "Name", "名稱"), "广州晓屋科技有限公司"),
                FieldView(
                    "uscc", Text("统一社会信用代码", "USCC", "統一社會信用代碼"), USCC, kind="uscc"
                ),
                FieldView("capital", Text("注册资本", "Capital", "註冊資本"), "50万元"),
                FieldView(
                    "established", Text("成立日期", "Established", "成立日期"), "2019-02-28", "date"
                ),
                FieldView(
                    "legal_representative", Text("法定代表人", "Legal rep.", "法定代表人"), MISREAD
                ),
            ),
        )
    )
    screen = ui.window.screens["confirm"]
    edit = screen.edits["legal_representative"]
    await until("the confirm screen shows", lambda: edit.isVisible() and ui.window.isActiveWindow())
    panel = QGuiApplication.inputMethod()
    seen["keyboard_before_tap"] = panel.isVisible()

    QTest.mouseClick(edit, Qt.MouseButton.LeftButton, Qt.KeyboardModifier(0), edit.rect().center())
    await until("the keyboard opens on a tap", lambda: panel.isVisible() and find_key("n"))
    seen["keyboard_locale"] = panel.locale().name()
    seen["space_label"] = seen["first_layout"] = _space_label()
    # The panel slides in: tap keys once it has stopped where it reports it is.
    await until("the keyboard settles", _keyboard_settled)
    await until("the booth makes room", lambda: _bottom(screen.confirm) <= _keyboard_top())
    seen["room"] = ui.window.layout().contentsMargins().bottom()
    seen["keyboard_top"] = _keyboard_top()
    seen["field_bottom"] = _bottom(edit)
    seen["confirm_bottom"] = _bottom(screen.confirm)

    for _ in range(len(MISREAD) + 2):  # delete the misread name, key by key
        if not edit.text():
            break
        before = edit.text()
        tap(await until("the backspace key", lambda: find_key(kind="BackspaceKey")))
        await until("backspace deletes", lambda b=before: edit.text() != b)
    seen["after_backspace"] = edit.text()

    for letter in "nihao":
        tap(await until(f"the key {letter}", lambda c=letter: find_key(c)))
    candidate = await until("the candidate 你好", lambda: find_candidate(CORRECTED))
    shot = os.environ.get("PROBE_SCREENSHOT")
    if shot:  # the whole screen: the booth and the keyboard's own window over it
        QGuiApplication.primaryScreen().grabWindow(0).save(shot)
    tap(candidate)
    await until("the candidate reaches the field", lambda: edit.text() == CORRECTED)
    seen["typed"] = edit.text()

    tap(await until("the hide key", lambda: find_key(kind="HideKeyboardKey")))
    await until("the keyboard hides", lambda: not panel.isVisible())
    margin = ui.window.layout().contentsMargins
    await until("the screens take the room back", lambda: margin().bottom() == 0)
    seen["room_after_hide"] = margin().bottom()
    QTest.mouseClick(screen.confirm, Qt.MouseButton.LeftButton)
    seen["confirmed"] = (await until("fields_confirmed", lambda: confirmed))[0]

    # A code's field offers digits first, not pinyin.
    code = screen.edits["uscc"]
    QTest.mouseClick(code, Qt.MouseButton.LeftButton, Qt.KeyboardModifier(0), code.rect().center())
    await until("digits for the code", lambda: find_key("1") and not find_key("n"))
    seen["code_keys"] = sorted({k for k in "0123456789X" if find_key(k)})
    tap(await until("the hide key", lambda: find_key(kind="HideKeyboardKey")))
    await until("the keyboard hides", lambda: not panel.isVisible())

    # The keyboard follows the booth's language.
    seen["layouts"] = {}
    for language in ("en", "zh_HK"):
        ui.set_language(language)
        edit = screen.edits["legal_representative"]  # a language switch rebuilds them
        await until(f"the field in {language}", edit.isVisible)
        QTest.mouseClick(
            edit, Qt.MouseButton.LeftButton, Qt.KeyboardModifier(0), edit.rect().center()
        )
        await until(f"the keyboard opens in {language}", panel.isVisible)
        await until(
            f"the {language} layout", lambda: _space_label() not in ("", seen["space_label"])
        )
        seen["layouts"][language] = [panel.locale().name(), _space_label()]
        seen["space_label"] = _space_label()
        if language == "en":
            tap(await until("the hide key", lambda: find_key(kind="HideKeyboardKey")))
            await until("the keyboard hides", lambda: not panel.isVisible())

    # She walks away with the keyboard up: the idle reset takes it down with her data.
    ui.end_session("idle")
    await until("the keyboard goes with the session", lambda: not panel.isVisible())
    seen["after_idle"] = [ui.bridge.screen, panel.isVisible()]


_last_rect: list[Any] = []


def _keyboard_settled() -> bool:
    """The keyboard's rectangle is on screen and unchanged since the last look."""
    from PySide6.QtGui import QGuiApplication

    rect = QGuiApplication.inputMethod().keyboardRectangle()
    settled = bool(_last_rect) and _last_rect[-1] == rect and rect.height() > 0
    _last_rect.append(rect)
    return settled


def _keyboard_top() -> int:
    """Where the keyboard begins on the screen: the top of its keys or of its candidate
    bar, measured in its own scene (not from what it tells the app)."""
    from PySide6.QtCore import QPointF

    window = keyboard_window()
    if window is None:
        return 1 << 30
    tops = [
        round(item.mapToGlobal(QPointF(0, 0)).y())
        for item in _items(window.contentItem())
        if item.metaObject().className().split("_QML", 1)[0] in ("Keyboard", "SelectionListItem")
        and _visible(item)
    ]
    return min(tops, default=1 << 30)


def _bottom(widget: Any) -> int:
    from PySide6.QtCore import QPoint

    return int(widget.mapToGlobal(QPoint(0, widget.height())).y())


def _space_label() -> str:
    """What the space bar says: the keyboard's current language (e.g. 简体中文)."""
    space = find_key(kind="SpaceKey")
    if space is None:
        return ""
    return next((str(t) for i in _items(space) if (t := i.property("text")) and t != " "), "")


def main() -> int:
    seen: dict[str, Any] = {"ok": False}

    async def on_start(ui: Any) -> None:
        from PySide6.QtWidgets import QApplication

        started = time.monotonic()
        try:
            await correct_a_field(ui, seen)
            seen["ok"] = True
        except StepFailed as exc:
            seen["failed"] = str(exc)
        finally:
            seen["seconds"] = round(time.monotonic() - started, 2)
            QApplication.quit()

    code, _ = run_probe_booth(on_start, fullscreen=True)
    print(json.dumps(seen, ensure_ascii=False))
    return code if seen["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
