"""Home: the service catalog by department, and search by Chinese, pinyin or initials.

The screen only shows: it asks for results through ``bridge.search_requested`` and
``bridge.department_requested`` and renders what comes back on ``bridge.search_results``.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QScroller,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.ui.bridge import BoothBridge
from kiosk.ui.screens.base import Screen, scroll_area
from kiosk.ui.texts import mode_text
from kiosk.ui.widgets.elements import TappableCard, button, label
from kiosk.ui.widgets.flow_layout import FlowLayout
from kiosk.ui.widgets.keypad import PinyinKeypad
from kiosk.ui.widgets.language_bar import LanguageBar

MAX_CARDS = 60  # more than a citizen scrolls through; search narrows it down
RETURN_BATCH = 6  # cards put back per turn of the event loop after a restyle


class ServiceCard(TappableCard):
    """One service as a big tile: name, summary, how it is done."""

    def __init__(self, service: Any) -> None:
        super().__init__()
        self.service = service
        self.code = service.code
        self.lang = ""
        self.setObjectName(f"service_{service.code}")
        column = QVBoxLayout(self)
        column.setContentsMargins(28, 20, 28, 20)
        column.setSpacing(8)
        self.title = label("section")
        self.summary = label("muted")
        chips = FlowLayout(spacing=10)  # long names wrap instead of widening the card
        self.department = label("chip", wrap=False)
        self.mode = label("chip", wrap=False)
        chips.addWidget(self.department)
        chips.addWidget(self.mode)
        column.addWidget(self.title)
        column.addWidget(self.summary)
        column.addLayout(chips)

    def show_texts(self, department: str, lang: str) -> None:
        self.lang = lang
        self.title.setText(self.service.name.get(lang))
        self.summary.setText(self.service.summary.get(lang))
        self.department.setText(department)
        self.mode.setText(mode_text(self.service.mode))


class DepartmentsArea(QScrollArea):
    """A scroll area as tall as its flowing content at the current width, up to a limit."""

    def __init__(self, body: QWidget) -> None:
        super().__init__()
        self.max_height = 16777215
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body.setObjectName("ScrollBody")
        self.setWidget(body)
        QScroller.grabGesture(self.viewport(), QScroller.ScrollerGestureType.TouchGesture)
        self._last_width = -1

    def _wanted_height(self) -> int:
        body = self.widget()
        width = self.viewport().width() - 16  # leave room for the scroll bar
        if body is None or width <= 0:
            return 0
        return min(body.heightForWidth(width), self.max_height)

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), self._wanted_height())

    def minimumSizeHint(self) -> QSize:
        return QSize(super().minimumSizeHint().width(), min(self._wanted_height(), 120))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != self._last_width:
            self._last_width = event.size().width()
            self.updateGeometry()


class HomeScreen(Screen):
    name = "home"

    def __init__(self, bridge: BoothBridge, parent: QWidget | None = None) -> None:
        super().__init__(bridge, parent)
        self.department = ""
        self.query = ""
        self.services: list[Any] = []
        self._cards: dict[str, ServiceCard] = {}
        self._parked: list[ServiceCard] = []  # listed cards out of the screen while restyled
        self._parking = QWidget()  # never shown; holds them (not as windows of their own)
        self.languages = LanguageBar(bridge)
        self.page.addWidget(self.languages)
        self.heading = label("title")
        self.page.addWidget(self.heading)
        # search row
        search_row = QHBoxLayout()
        search_row.setSpacing(14)
        self.search = QLineEdit()
        self.search.setObjectName("SearchField")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._on_text)
        self.search.installEventFilter(self)  # a tap on the field opens the keypad
        self.keypad_toggle = button("", "", checkable=True)
        self.keypad_toggle.setObjectName("KeypadToggle")
        self.keypad_toggle.toggled.connect(self._toggle_keypad)
        search_row.addWidget(self.search, 1)
        search_row.addWidget(self.keypad_toggle)
        self.page.addLayout(search_row)
        self.keypad = PinyinKeypad()
        self.keypad.letter.connect(lambda ch: self.search.setText(self.search.text() + ch))
        self.keypad.backspace.connect(lambda: self.search.setText(self.search.text()[:-1]))
        self.keypad.cleared.connect(self.search.clear)
        self.keypad.hide()
        self.page.addWidget(self.keypad)
        self.body = QVBoxLayout()
        self.body.setSpacing(20)
        self.departments_box = QWidget()
        self.departments_flow = FlowLayout(self.departments_box, spacing=12)
        self.department_group = QButtonGroup(self)
        self.department_buttons: dict[str, QPushButton] = {}
        self.departments_scroll = DepartmentsArea(self.departments_box)
        self.departments_scroll.setSizePolicy(
            QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum
        )
        self.body.addWidget(self.departments_scroll)
        results = QVBoxLayout()
        results.setSpacing(12)
        self.count = label("muted")
        results.addWidget(self.count)
        self.list = QVBoxLayout()
        self.list.setContentsMargins(0, 0, 8, 0)
        self.list.setSpacing(14)
        self.list_holder = QVBoxLayout()
        self.list_holder.addLayout(self.list)
        self.list_holder.addStretch(1)
        outer = QWidget()
        outer.setLayout(self.list_holder)
        self.results_scroll = scroll_area(outer)
        # Take whatever height is left (a scroll area's own size hint grows with the font
        # and would squeeze the departments band).
        self.results_scroll.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
        results.addWidget(self.results_scroll, 1)
        self.body.addLayout(results, 1)
        self.page.addLayout(self.body, 1)
        bridge.catalog_changed.connect(self._on_catalog)
        bridge.search_results.connect(self._on_results)
        bridge.department_shown.connect(self._on_department)

    # --- input ---------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.search and event.type() == QEvent.Type.MouseButtonPress:
            self.keypad_toggle.setChecked(True)
        return super().eventFilter(watched, event)

    def _on_text(self, text: str) -> None:
        self.bridge.search_requested.emit(text.strip())

    def _toggle_keypad(self, on: bool) -> None:
        # Search covers every department: while typing, the keypad takes their place.
        self.keypad.setVisible(on)
        self.departments_scroll.setVisible(not on)
        self.languages.setVisible(self.portrait or not on)  # landscape is short

    # --- state from the bridge -------------------------------------------------------
    def _on_catalog(self, catalog: Any) -> None:
        for card in self._cards.values():
            card.deleteLater()
        self._cards.clear()
        for b in self.department_buttons.values():
            self.department_group.removeButton(b)
            b.deleteLater()
        self.department_buttons.clear()
        codes = [""] + [d.code for d in catalog.departments]
        for code in codes:
            b = button("", "", checkable=True)
            b.setObjectName(f"department_{code or 'all'}")
            b.clicked.connect(lambda _=False, c=code: self._choose_department(c))
            self.department_group.addButton(b)
            self.department_buttons[code] = b
        self._layout_departments()
        self.retranslate()

    def _choose_department(self, code: str) -> None:
        if self.search.text():
            self.search.blockSignals(True)
            self.search.clear()
            self.search.blockSignals(False)
        self.bridge.department_requested.emit(code)

    def _on_department(self, code: str) -> None:
        self.department = code
        if code in self.department_buttons:
            self.department_buttons[code].setChecked(True)

    def _on_results(self, query: str, services: list[Any]) -> None:
        self.query = query
        self.services = list(services)
        self._render_results()

    def _layout_departments(self) -> None:
        for b in self.department_buttons.values():
            self.departments_flow.removeWidget(b)
        for b in self.department_buttons.values():
            self.departments_flow.addWidget(b)
        self._place_departments()

    def _place_departments(self) -> None:
        # A band above the results that scrolls when the names need more rows than fit
        # (long English names in elderly mode); landscape has room for fewer rows.
        area = self.departments_scroll
        self.heading.setVisible(self.portrait)  # landscape is short: the search says it all
        row = (96 if self.bridge.elderly else 72) + 12
        area.max_height = row * (3 if self.portrait else 2) + 6
        area.updateGeometry()

    def _render_results(self) -> None:
        # Cards are made once per service and reused: building and styling widgets is
        # what a keystroke would otherwise spend its time on. The same cards as shown
        # (a new language or look) keep their places: only their texts change.
        shown = self.services[:MAX_CARDS]
        if self._listed() + self._parked == [self._cards.get(service.code) for service in shown]:
            self._retranslate_cards(shown)
            self._render_count()
            return
        self._parked = []
        while self.list.count():
            item = self.list.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
        for service in shown:
            card = self._cards.get(service.code)
            if card is None:
                card = ServiceCard(service)
                card.clicked.connect(
                    lambda code=service.code: self.bridge.service_requested.emit(code)
                )
                self._cards[service.code] = card
            self.list.addWidget(card)
        self._retranslate_cards(shown)
        for card in self._listed():
            card.show()  # added to a visible page: show now, not on the next event turn
        self._render_count()

    def restyle(self, sheet: str) -> None:
        # Restyling re-polishes every widget under the screen, and the service cards are
        # most of them: the cards below the part of the list on screen leave the screen
        # while it is restyled and come back, in the new look, a few at a time on the next
        # turns of the event loop. The tap answers with what the citizen sees.
        if self.styleSheet() == sheet:
            return
        bottom = self.results_scroll.verticalScrollBar().value()
        bottom += self.results_scroll.viewport().height()
        below = [card for card in self._listed() if card.y() >= bottom]
        for card in below:
            self.list.removeWidget(card)
            card.setParent(self._parking)
        self._parked = below + self._parked  # any still away from a former restyle last
        super().restyle(sheet)
        if self._parked:
            QTimer.singleShot(0, self._return_parked)

    def _return_parked(self) -> None:
        batch, self._parked = self._parked[:RETURN_BATCH], self._parked[RETURN_BATCH:]
        for card in batch:
            self.list.addWidget(card)
            card.show()
        if self._parked:
            QTimer.singleShot(0, self._return_parked)

    def _listed(self) -> list[ServiceCard]:
        items = (self.list.itemAt(i) for i in range(self.list.count()))
        return [w for i in items if i is not None and isinstance(w := i.widget(), ServiceCard)]

    def _retranslate_cards(self, services: list[Any]) -> None:
        catalog = self.bridge.catalog
        for service in services:
            card = self._cards[service.code]
            if card.lang != self.lang:
                dept = catalog.department(service.department).name.get(self.lang)
                card.show_texts(dept, self.lang)

    def _render_count(self) -> None:
        n = len(self.services)
        if self.query and n == 0:
            self.count.setText(
                self.tr("没有找到“{q}”相关事项。可以试试拼音首字母，或点击下方“人工服务”。").format(
                    q=self.query
                )
            )
        elif self.query:
            self.count.setText(self.tr("找到 {n} 个与“{q}”相关的事项").format(n=n, q=self.query))
        else:
            self.count.setText(self.tr("共 {n} 个事项，轻触查看办事指南").format(n=n))

    def set_orientation(self, portrait: bool) -> None:
        super().set_orientation(portrait)
        self._layout_departments()

    def retranslate(self) -> None:
        self.languages.retranslate()
        self.keypad.retranslate()
        self.heading.setText(self.tr("您要办理什么事？"))
        self.search.setPlaceholderText(self.tr("搜索事项：汉字、拼音或首字母，如 gjj"))
        self.keypad_toggle.setText(self.tr("拼音键盘"))
        catalog = self.bridge.catalog
        for code, b in self.department_buttons.items():
            if code:
                b.setText(catalog.department(code).name.get(self.lang))
            else:
                b.setText(self.tr("全部事项"))
        self._layout_departments()
        self._render_results()
