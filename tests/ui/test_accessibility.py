"""Elderly mode (长辈模式), touch-target sizes, the clerk button and the offline banner."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QPushButton

from kiosk.ui.bridge import SCREENS
from tests.ui.conftest import FakeConnection


def _visible_buttons(ui) -> list[QPushButton]:
    return [b for b in ui.window.findChildren(QPushButton) if b.isVisible()]


def _font_px(widget) -> int:
    widget.ensurePolished()
    return widget.font().pixelSize()


def test_elderly_mode_makes_text_larger_and_targets_bigger(make_ui, qtbot):
    ui = make_ui()
    ui.start_session()
    home = ui.window.screens["home"]
    QApplication.processEvents()
    normal_heading = _font_px(home.heading)
    normal_button = _font_px(home.keypad_toggle)
    assert min(b.height() for b in _visible_buttons(ui)) >= 72
    with qtbot.waitSignal(ui.bridge.elderly_changed, timeout=1000) as toggled:
        qtbot.mouseClick(home.languages.elderly, Qt.MouseButton.LeftButton)
    assert toggled.args == [True]
    QApplication.processEvents()
    assert _font_px(home.heading) >= 1.4 * normal_heading - 1
    assert _font_px(home.keypad_toggle) >= 1.4 * normal_button - 1
    assert min(b.height() for b in _visible_buttons(ui)) >= 96
    # high contrast: black text on white
    assert "color: #000000" in home.styleSheet()
    qtbot.mouseClick(home.languages.elderly, Qt.MouseButton.LeftButton)
    QApplication.processEvents()
    assert _font_px(home.heading) == normal_heading


def test_a_tap_restyles_the_screen_shown_and_later_screens_when_they_are_shown(make_ui, qtbot):
    # the tap answers by restyling and retranslating what is on screen; a screen not shown
    # is brought up to date when it is shown, before its first frame
    ui = make_ui()
    ui.start_session()
    home, service = ui.window.screens["home"], ui.window.screens["service"]
    QApplication.processEvents()
    normal_title = _font_px(service.title)
    retranslated: list[str] = []
    service.retranslate = lambda original=service.retranslate: (  # type: ignore[method-assign]
        retranslated.append(ui.bridge.language),
        original(),
    )
    qtbot.mouseClick(home.languages.elderly, Qt.MouseButton.LeftButton)
    ui.set_language("en")
    QApplication.processEvents()
    assert "color: #000000" in home.styleSheet()
    assert home.heading.text() == "What can we do for you?"
    assert "color: #000000" not in service.styleSheet() and retranslated == []  # not yet
    ui.bridge.show_screen("service")
    assert "color: #000000" in service.styleSheet() and retranslated == ["en"]
    assert service.title.text() == "Service guide"
    assert _font_px(service.title) >= 1.4 * normal_title - 1
    assert "color: #000000" in ui.window.header.styleSheet()  # around the stack: at once
    overlay = ui.window.overlay  # the idle warning, hidden at the tap: when it is shown
    assert not overlay.isVisible() and "color: #000000" not in overlay.styleSheet()
    overlay.show()
    assert "color: #000000" in overlay.styleSheet()


def test_every_screen_has_a_visible_one_tap_clerk_button(make_ui, qtbot):
    ui = make_ui()
    requested = []
    ui.bridge.clerk_requested.connect(requested.append)
    for name in SCREENS:
        ui.bridge.show_screen(name)
        QApplication.processEvents()
        assert ui.window.footer.clerk.isVisible(), name
        assert ui.window.footer.clerk.height() >= 72
    ui.bridge.show_screen("attract")
    qtbot.mouseClick(ui.window.footer.clerk, Qt.MouseButton.LeftButton)
    assert requested == [""]
    assert ui.session is not None  # asking for a clerk starts a session
    assert ui.bridge.screen == "call"
    assert ui.window.screens["call"].title.text() == "正在为您呼叫工作人员"


def test_offline_banner_follows_the_connection_state(make_ui):
    connection = FakeConnection(online=False)
    ui = make_ui(connection=connection)
    QApplication.processEvents()
    assert ui.window.banner.isVisible()
    assert "网络" in ui.window.banner.text()
    connection.set(True)
    assert not ui.window.banner.isVisible()
    connection.set(False)
    assert ui.window.banner.isVisible()
    ui.set_language("en")
    assert "network" in ui.window.banner.text().lower()


def test_id_numbers_are_masked_on_the_confirm_screen(make_ui):
    from kiosk.ui.viewmodels import FieldView, FormView, Plain

    ui = make_ui()
    ui.start_session()
    ui.bridge.show_form(
        FormView(None, (FieldView("id", Plain("ID"), "440106199001011234", kind="id_number"),))
    )
    from PySide6.QtWidgets import QLabel, QLineEdit

    screen = ui.window.screens["confirm"]
    texts = [w.text() for kind in (QLabel, QLineEdit) for w in screen.findChildren(kind)]
    assert "4401**********1234" in texts
    assert not any("440106199001011234" in t for t in texts)


def test_a_choice_field_shows_its_labels_and_confirms_its_value(make_ui, qtbot):
    from kiosk.core.text import Text
    from kiosk.ui.viewmodels import FieldView, FormView

    ui = make_ui()
    ui.start_session()
    reasons = (
        ("resolution", Text("股东会决议解散", "Dissolved by resolution", "股東會決議解散")),
        ("expiry", Text("营业期限届满", "Business term expired", "營業期限屆滿")),
    )
    ui.bridge.show_form(
        FormView(
            None,
            (
                FieldView(
                    "reason", Text("注销原因", "Reason", "註銷原因"), "resolution", choices=reasons
                ),
            ),
        )
    )
    screen = ui.window.screens["confirm"]
    shown = [b.text() for b in screen.findChildren(QPushButton) if b.isCheckable()]
    assert shown == ["股东会决议解散", "营业期限届满"]  # labels, never the stored value
    assert screen.findChild(QPushButton, "choice_resolution").isChecked()
    qtbot.mouseClick(screen.findChild(QPushButton, "choice_expiry"), Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(ui.bridge.fields_confirmed, timeout=1000) as confirmed:
        qtbot.mouseClick(screen.confirm, Qt.MouseButton.LeftButton)
    assert confirmed.args == [{"reason": "expiry"}]
    ui.set_language("en")
    shown = [b.text() for b in screen.findChildren(QPushButton) if b.isCheckable()]
    assert "Business term expired" in shown


def test_a_clerks_value_reaches_the_focused_field_unless_the_citizen_is_typing_there(
    make_ui, qtbot
):
    from PySide6.QtTest import QTest

    from kiosk.ui.viewmodels import FieldView, FormView, Plain

    ui = make_ui()
    ui.start_session()
    ui.window.show()
    ui.bridge.show_form(FormView(None, (FieldView("uscc", Plain("USCC"), ""),)))
    screen = ui.window.screens["confirm"]
    edit = screen.edits["uscc"]
    ui.window.activateWindow()
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus, timeout=2000)
    # the clerk types the code while the (empty) field merely has the focus
    ui.bridge.field_shown.emit(FieldView("uscc", Plain("USCC"), "91330101Y7P6PNE55X"))
    assert edit.text() == "91330101Y7P6PNE55X"
    with qtbot.waitSignal(ui.bridge.fields_confirmed, timeout=1000) as confirmed:
        qtbot.mouseClick(screen.confirm, Qt.MouseButton.LeftButton)
    assert confirmed.args == [{"uscc": "91330101Y7P6PNE55X"}]  # not the empty box
    # she types in the field: a value from elsewhere does not overwrite her keys
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus, timeout=2000)
    edit.clear()
    QTest.keyClicks(edit, "913301")
    ui.bridge.field_shown.emit(FieldView("uscc", Plain("USCC"), "91330101Y7P6PNE55X"))
    assert edit.text() == "913301"


def test_a_long_answer_and_its_choices_show_whole_in_english_elderly_mode(make_ui, qtbot):
    """An English clarifying question in elderly mode: every line of the answer and of the
    caption shows, and each choice keeps its whole label (they wrap onto a second row)."""
    ui = make_ui()
    ui.start_session()
    ui.set_language("en")
    ui.set_elderly(True)
    ui.bridge.show_screen("assistant")
    question = (
        "So that I do not answer wrongly: do you mean paying rent, buying a home or after "
        "leaving a job? Tap one below."
    )
    ui.bridge.say_assistant(
        "clerk", question, ("Paying rent", "Buying a home", "After leaving a job")
    )
    QApplication.processEvents()
    screen = ui.window.screens["assistant"]
    turn = screen.findChild(QLabel, f"turn_{len(screen.turns)}")
    assert turn.height() >= turn.heightForWidth(turn.width())
    captions = ui.window.footer.captions
    assert captions.height() >= captions.heightForWidth(captions.width())
    for i in range(3):
        choice = screen.findChild(QPushButton, f"assistant_choice_{i}")
        assert choice.width() >= choice.sizeHint().width(), choice.text()
