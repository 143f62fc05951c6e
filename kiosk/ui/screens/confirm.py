"""Confirm the fields read from documents or filled with a clerk (ID numbers masked).

Every field is a text box the citizen may correct, or for a choice field (a reason from a
fixed list) one large button per choice, showing its label in the citizen's language rather
than the value stored. A box holding an ID number or a bank card number shows it masked
(kiosk.privacy.masking: ``4401**********1234``, ``6222 **** **** 3445``) except while the
citizen is editing it, as the booth's glass walls let passers-by read the screen; a failed
check is marked under its field.
Confirming sends every value as shown (the real ones).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.privacy.masking import mask_bank_card, mask_id_number
from kiosk.ui.bridge import BoothBridge
from kiosk.ui.screens.base import Screen, clear_layout, scroll_area
from kiosk.ui.texts import problem_message
from kiosk.ui.touch_keyboard import input_hints
from kiosk.ui.viewmodels import FieldView, FormView, Localized
from kiosk.ui.widgets.elements import button, card, label

# How a field of each kind (catalog FormField.kind) is shown while not being edited.
MASKS: dict[str, Callable[[str], str]] = {
    "id_number": mask_id_number,
    "account": mask_bank_card,  # a bank card number
}


class FieldEdit(QLineEdit):
    """A field's text box; one with a ``masker`` shows its value masked unless focused."""

    def __init__(self, value: str, masker: Callable[[str], str] | None = None) -> None:
        super().__init__()
        self.masker = masker  # not "mask": QWidget.mask() is the widget's shape
        self.masked = masker is not None
        self._value = value
        self._typing = False  # the citizen changed the text since the field took focus
        self.setInputMethodHints(input_hints("text"))  # her data: nothing learnt from it
        self.textEdited.connect(self._typed)  # her keys only, not setText
        self._show()

    def _typed(self, _text: str) -> None:
        self._typing = True

    @property
    def value(self) -> str:
        return self.text().strip() if self.hasFocus() or not self.masked else self._value

    def set_value(self, value: str) -> None:
        """A value from elsewhere (a clerk typed it, a check ran again). It is shown at once,
        also in the field that has the focus, unless the citizen is typing there: then her
        text stays until she leaves the field (a field merely focused, as the first one is
        when the screen opens, would otherwise keep an empty box and confirm it)."""
        self._value = value
        if not self.hasFocus():
            self._show()
        elif not self._typing:
            self.setText(value)  # focused: unmasked, as focusInEvent shows it

    def _show(self) -> None:
        shown = self.masker(self._value) if self.masker is not None and self._value else self._value
        self.setText(shown)

    def focusInEvent(self, event: QFocusEvent) -> None:
        if self.masked:
            self.setText(self._value)
        super().focusInEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self._value = self.text().strip()
        self._typing = False
        super().focusOutEvent(event)
        self._show()


class ChoiceEdit(QWidget):
    """A choice field: one checkable button per choice, labelled in the citizen's language."""

    def __init__(self, value: str, choices: tuple[tuple[str, Localized], ...], lang: str) -> None:
        super().__init__()
        self._value = value
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.buttons: dict[str, QPushButton] = {}
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(8)
        for choice, text in choices:
            b = button("", text.get(lang), checkable=True)
            b.setObjectName(f"choice_{choice}")
            b.setChecked(choice == value)
            b.clicked.connect(lambda _=False, c=choice: self._choose(c))
            self.group.addButton(b)
            self.buttons[choice] = b
            column.addWidget(b)

    @property
    def value(self) -> str:
        return self._value

    def set_value(self, value: str) -> None:
        self._choose(value)

    def _choose(self, value: str) -> None:
        self._value = value
        for choice, b in self.buttons.items():
            b.setChecked(choice == value)


class ConfirmScreen(Screen):
    name = "confirm"

    def __init__(self, bridge: BoothBridge, parent: QWidget | None = None) -> None:
        super().__init__(bridge, parent)
        self.view = FormView(None, ())
        self.edits: dict[str, FieldEdit | ChoiceEdit] = {}
        self.problems: dict[str, QLabel] = {}
        self.title = label("title")
        self.hint = label("subtitle")
        self.page.addWidget(self.title)
        self.page.addWidget(self.hint)
        body = QWidget()
        self.fields = QVBoxLayout(body)
        self.fields.setContentsMargins(0, 0, 8, 0)
        self.fields.setSpacing(14)
        self.page.addWidget(scroll_area(body), 1)
        row = QHBoxLayout()
        row.setSpacing(18)
        self.dispute = button("", "")
        self.dispute.setObjectName("DisputeButton")
        self.dispute.clicked.connect(bridge.fields_disputed)
        self.confirm = button("primary", "")
        self.confirm.setObjectName("ConfirmButton")
        self.confirm.clicked.connect(self._confirm)
        row.addWidget(self.dispute, 1)
        row.addWidget(self.confirm, 2)
        self.page.addLayout(row)
        bridge.form_shown.connect(self.show_view)
        bridge.field_shown.connect(self.show_field)

    def show_view(self, view: FormView) -> None:
        self.view = view
        self.edits.clear()  # a new form: its values, not what was typed in the last one
        self.retranslate()

    def show_field(self, field: FieldView) -> None:
        """One field changed (a clerk typed it, or a check ran again)."""
        edit = self.edits.get(field.key)
        if edit is None:
            return
        edit.set_value(field.value)
        problem = self.problems[field.key]
        problem.setText("⚠ " + problem_message(field.problem) if field.problem else "")
        problem.setVisible(bool(field.problem))

    def values(self) -> dict[str, str]:
        return {key: edit.value for key, edit in self.edits.items()}

    def _confirm(self) -> None:
        self.bridge.fields_confirmed.emit(self.values())

    def retranslate(self) -> None:
        lang = self.lang
        v = self.view
        title = v.title.get(lang) if v.title else ""
        self.title.setText(
            self.tr("请核对：{t}").format(t=title) if title else self.tr("请核对信息")
        )
        self.hint.setText(self.tr("以下内容由系统识别或工作人员填写，请逐项核对。"))
        self.dispute.setText(self.tr("有误，找人工修改"))
        self.confirm.setText(self.tr("确认无误，提交"))
        self.confirm.setEnabled(bool(v.fields))
        edited = self.values()  # a language switch keeps what the citizen typed
        clear_layout(self.fields)
        if not v.fields:
            self.fields.addWidget(label("muted", self.tr("暂无需要核对的内容。")))
        self.edits.clear()
        self.problems.clear()
        for f in v.fields:
            box = card()
            box.setObjectName(f"field_{f.key}")
            column = QVBoxLayout(box)
            column.setContentsMargins(26, 16, 26, 18)
            column.setSpacing(6)
            column.addWidget(label("muted", f.label.get(lang)))
            edit: FieldEdit | ChoiceEdit
            if f.choices:
                edit = ChoiceEdit(edited.get(f.key, f.value), f.choices, lang)
            else:
                edit = FieldEdit(edited.get(f.key, f.value), MASKS.get(f.kind))
                edit.setInputMethodHints(input_hints(f.kind))  # digits first for numbers
                edit.setProperty("i18n_exempt", bool(edit.text()))  # citizen data
                edit.setPlaceholderText(self.tr("（未填写）"))
            edit.setObjectName(f"edit_{f.key}")
            self.edits[f.key] = edit
            column.addWidget(edit)
            problem = label("problem", "⚠ " + problem_message(f.problem) if f.problem else "")
            problem.setVisible(bool(f.problem))
            self.problems[f.key] = problem
            column.addWidget(problem)
            self.fields.addWidget(box)
            box.show()
        self.fields.addStretch(1)
