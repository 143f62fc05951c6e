"""Bank card numbers on the booth's glass-walled screen: masked like ID numbers on the
confirm screen and in the digital clerk's conversation, whole only while edited."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit

from kiosk.privacy.masking import mask_bank_card, mask_sensitive_text

CARD = "6222020200112233445"
MASKED = "6222 **** **** 3445"


def _texts(screen) -> list[str]:
    return [w.text() for kind in (QLabel, QLineEdit) for w in screen.findChildren(kind)]


def test_card_numbers_are_masked_as_banks_print_them() -> None:
    assert mask_bank_card(CARD) == MASKED
    assert mask_bank_card("6222 0202 0011 0427") == "6222 **** **** 0427"
    said = mask_sensitive_text(
        "卡号是六二二二零二零二零零一一二二三三四四五，身份证440106199001011234"
    )
    assert said == "卡号是六二二二 **** **** 三四四五，身份证4401**********1234"
    assert mask_sensitive_text("提取5000元，电话13800138000") == "提取5000元，电话13800138000"


def test_the_confirm_screen_masks_a_card_number_except_while_it_is_edited(make_ui, qtbot):
    from kiosk.ui.viewmodels import FieldView, FormView, Plain

    ui = make_ui()
    ui.start_session()
    ui.bridge.show_form(
        FormView(None, (FieldView("bank_account", Plain("Card"), CARD, kind="account"),))
    )
    screen = ui.window.screens["confirm"]
    assert MASKED in _texts(screen)
    assert not any("0200112233" in t for t in _texts(screen))

    edit = screen.edits["bank_account"]
    QApplication.sendEvent(edit, QFocusEvent(QEvent.Type.FocusIn, Qt.FocusReason.MouseFocusReason))
    assert edit.text() == CARD  # she edits the real number
    edit.end(False)
    edit.backspace()
    qtbot.keyClicks(edit, "6")
    QApplication.sendEvent(edit, QFocusEvent(QEvent.Type.FocusOut, Qt.FocusReason.MouseFocusReason))
    assert edit.text() == "6222 **** **** 3446"
    with qtbot.waitSignal(ui.bridge.fields_confirmed, timeout=1000) as confirmed:
        qtbot.mouseClick(screen.confirm, Qt.MouseButton.LeftButton)
    assert confirmed.args == [{"bank_account": "6222020200112233446"}]  # the real value sent


def test_the_withdrawal_conversation_masks_a_card_number(make_ui, qtbot):
    ui = make_ui()
    ui.start_session()
    ui.bridge.show_screen("assistant")
    screen = ui.window.screens["assistant"]
    screen.input.setText(CARD)  # typed in the box: whole while she types
    assert screen.input.text() == CARD
    with qtbot.waitSignal(ui.bridge.assistant_answered, timeout=1000) as answered:
        qtbot.mouseClick(screen.send, Qt.MouseButton.LeftButton)
    assert answered.args == [CARD]  # the conversation gets the number
    screen.show_partial("六二二二零二零二零零一一二二三三四四五")
    QApplication.processEvents()
    texts = _texts(screen)
    assert MASKED in texts
    assert "六二二二 **** **** 三四四五 …" in texts
    assert not any("0200112233" in t or "零二零零一一" in t for t in texts)
    ui.bridge.show_caption(f"您说的卡号是{CARD}")  # the captions of what the booth says
    assert ui.window.footer.captions.text() == f"您说的卡号是{MASKED}"
