"""The on-screen keyboard: Qt Virtual Keyboard, with Simplified Chinese pinyin first.

A booth has no physical keyboard: a citizen corrects a field on the confirm screen by
touch. Qt loads its input method from ``QT_IM_MODULE`` when the QApplication is created,
so :func:`select_touch_keyboard` must run before that; an operator's own ``QT_IM_MODULE``
(or ``QT_IM_MODULES``) wins, and a headless platform (offscreen, minimal) gets none, as
the keyboard never shows there.

A QWidget app gets the keyboard's "desktop" integration: a top-level window of its own,
the width of the screen, at its bottom. Its languages are not environment settings (Qt
reads only ``QT_VIRTUALKEYBOARD_STYLE`` and ``QT_VIRTUALKEYBOARD_LAYOUT_PATH``); they are
the process-wide ``VirtualKeyboardSettings`` singleton, which any QML engine reaches, so
:class:`KeyboardLanguages` sets them through a small QML object of its own: the active
layouts (pinyin, English, and Traditional Chinese cangjie/zhuyin for zh_HK readers) and
the current one, which follows the booth's language. Its window covers the bottom of the
booth's: :class:`KeyboardRoom` shrinks the screens above it while it is up. Fields tell it
what they hold with :func:`input_hints` (digits first for codes, nothing learnt from any).

Not made larger in elderly mode: the desktop keyboard is already the screen's width and
its height follows from that; a bigger one needs a keyboard style of our own
(``QT_VIRTUALKEYBOARD_STYLE``), a QML file derived from Qt's GPL default style.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, MutableMapping, Sequence

from PySide6.QtCore import QByteArray, QObject, QPoint, Qt, QTimer, QUrl
from PySide6.QtGui import QGuiApplication
from PySide6.QtQml import QQmlComponent, QQmlEngine
from PySide6.QtWidgets import QApplication, QScrollArea, QWidget

KEYBOARD_MODULE = "qtvirtualkeyboard"
HEADLESS_PLATFORMS = frozenset({"offscreen", "minimal"})

# booth language -> keyboard layout; the bundled plugin has zh_CN (pinyin), en_US and
# zh_TW (cangjie and zhuyin) but no zh_HK layout.
KEYBOARD_LOCALES: dict[str, str] = {"zh_CN": "zh_CN", "en": "en_US", "zh_HK": "zh_TW"}
ACTIVE_LOCALES: tuple[str, ...] = ("zh_CN", "en_US", "zh_TW")  # the language key's order


def _platform(environ: MutableMapping[str, str], argv: Sequence[str]) -> str:
    """The Qt platform plugin that will be loaded: ``-platform`` beats the environment."""
    name = environ.get("QT_QPA_PLATFORM", "")
    for i, arg in enumerate(argv[:-1]):
        if arg in ("-platform", "--platform"):
            name = argv[i + 1]
    return name.split(":", 1)[0].strip().lower()


def _chosen_module(environ: Mapping[str, str]) -> str:
    """The input method named in the environment ("" for none); QT_IM_MODULES is a list."""
    chosen = environ.get("QT_IM_MODULE") or environ.get("QT_IM_MODULES") or ""
    return chosen.split(";", 1)[0].strip()


def select_touch_keyboard(environ: MutableMapping[str, str], argv: Sequence[str] = ()) -> bool:
    """Choose Qt Virtual Keyboard as the input method unless told otherwise; call it before
    the QApplication exists. Returns whether the virtual keyboard is the input method."""
    chosen = _chosen_module(environ)
    if chosen:
        return chosen == KEYBOARD_MODULE
    if _platform(environ, argv) in HEADLESS_PLATFORMS:
        return False
    environ["QT_IM_MODULE"] = KEYBOARD_MODULE
    return True


_HINT = Qt.InputMethodHint
_CODE_HINTS = _HINT.ImhLatinOnly | _HINT.ImhPreferNumbers | _HINT.ImhPreferUppercase
# A form field's kind (kiosk.core.catalog.FieldKind) -> the keys the keyboard offers first.
_KIND_HINTS: dict[str, Qt.InputMethodHint] = {
    "number": _HINT.ImhDigitsOnly,  # a numeric pad (with a point)
    "money": _HINT.ImhDigitsOnly,  # plain digits in yuan
    "account": _HINT.ImhDigitsOnly,
    "phone": _HINT.ImhDialableCharactersOnly,  # a dial pad
    "date": _HINT.ImhLatinOnly | _HINT.ImhPreferNumbers,  # digits and "-" (YYYY-MM-DD)
    "id_number": _CODE_HINTS | _HINT.ImhNoPredictiveText,  # digits first, then an "X"
    "uscc": _CODE_HINTS | _HINT.ImhNoPredictiveText,
}


def input_hints(kind: str) -> Qt.InputMethodHint:
    """What a field of ``kind`` tells the keyboard. Every field a citizen corrects holds her
    data: ImhSensitiveData turns the pinyin user dictionary off (Qt's pinyin method checks
    it), so one citizen's words never come up as candidates for the next."""
    return _KIND_HINTS.get(kind, _HINT.ImhNone) | _HINT.ImhSensitiveData


def keyboard_locale(language: str) -> str:
    """The keyboard layout for a booth language (pinyin for anything unknown)."""
    return KEYBOARD_LOCALES.get(language, ACTIVE_LOCALES[0])


_SETTINGS_QML = b"""
import QtQuick
import QtQuick.VirtualKeyboard.Settings

QtObject {
    property var activeLocales: []
    property string locale: ""
    onActiveLocalesChanged: VirtualKeyboardSettings.activeLocales = activeLocales
    onLocaleChanged: VirtualKeyboardSettings.locale = locale
}
"""


class KeyboardLanguages:
    """The keyboard's layouts: pinyin, English and Traditional Chinese, the current one
    following the booth's language (connect :meth:`follow` to ``language_changed``)."""

    def __init__(self, language: str, parent: QObject | None = None) -> None:
        # Owned by ``parent`` (the app): an engine outliving the QApplication crashes at exit.
        self.engine = QQmlEngine(parent)
        component = QQmlComponent(self.engine)
        component.setData(QByteArray(_SETTINGS_QML), QUrl())
        settings = component.create()
        if settings is None:
            errors = "; ".join(e.toString() for e in component.errors())
            raise RuntimeError(f"the virtual keyboard's settings did not load: {errors}")
        settings.setParent(self.engine)
        self.settings: QObject = settings
        self.settings.setProperty("activeLocales", list(ACTIVE_LOCALES))
        self.follow(language)

    @property
    def locale(self) -> str:
        return str(self.settings.property("locale"))

    def follow(self, language: str) -> None:
        self.settings.setProperty("locale", keyboard_locale(language))


def touch_keyboard_selected() -> bool:
    """Whether the running app's input method is the virtual keyboard."""
    return (
        QGuiApplication.platformName() not in HEADLESS_PLATFORMS
        and _chosen_module(os.environ) == KEYBOARD_MODULE
    )


class KeyboardRoom(QObject):
    """Keeps the booth's screens above the keyboard: while it is up, the window's layout
    gets a bottom margin as tall as the part of the window it covers, and the field being
    typed in is scrolled into view. Without it the keyboard's own window would hide the
    lower fields and the confirm button."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.window = window
        self.covered = 0  # pixels of the window's bottom under the keyboard
        method = QGuiApplication.inputMethod()
        method.keyboardRectangleChanged.connect(self.update)
        method.visibleChanged.connect(self.update)

    def update(self) -> None:
        method = QGuiApplication.inputMethod()
        covered = 0
        rect = method.keyboardRectangle()
        if method.isVisible() and not rect.isEmpty():
            # In the coordinates of the window being typed in (the booth's, full screen).
            focus = QApplication.focusWidget()
            host = focus.window() if focus is not None else self.window
            keyboard_top = host.mapToGlobal(QPoint(0, round(rect.top()))).y()
            window_bottom = self.window.mapToGlobal(QPoint(0, self.window.height())).y()
            covered = max(0, min(window_bottom - keyboard_top, self.window.height() // 2))
        if covered == self.covered:
            return
        self.covered = covered
        layout = self.window.layout()
        if layout is not None:
            margins = layout.contentsMargins()
            layout.setContentsMargins(margins.left(), margins.top(), margins.right(), covered)
        if covered:
            QTimer.singleShot(0, self._show_focus)  # once the layout has shrunk

    def _show_focus(self) -> None:
        focus = QApplication.focusWidget()
        parent = focus.parentWidget() if focus else None
        while parent is not None and not isinstance(parent, QScrollArea):
            parent = parent.parentWidget()
        if isinstance(parent, QScrollArea) and focus is not None:
            parent.ensureWidgetVisible(focus, 0, 24)
