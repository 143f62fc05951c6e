"""The attract screen: what this booth is and how to start (door QR code or a touch)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QLabel, QSpacerItem, QVBoxLayout, QWidget

from kiosk.ui.bridge import BoothBridge
from kiosk.ui.screens.base import Screen
from kiosk.ui.widgets.elements import button, card, label, restyle
from kiosk.ui.widgets.emblem import Emblem
from kiosk.ui.widgets.language_bar import LanguageBar
from kiosk.ui.widgets.qr_code import QrCode


class AttractScreen(Screen):
    name = "attract"

    def __init__(self, bridge: BoothBridge, parent: QWidget | None = None) -> None:
        super().__init__(bridge, parent)
        self.badges: list[QLabel] = []
        self.languages = LanguageBar(bridge)
        self.page.addWidget(self.languages)
        self.page.addStretch(1)
        hero = QHBoxLayout()
        hero.addStretch(1)
        self.emblem = Emblem(200)
        hero.addWidget(self.emblem)
        hero.addStretch(1)
        self.page.addLayout(hero)
        self.welcome = label("hero")
        self.welcome.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.tagline = label("subtitle")
        self.tagline.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.page.addWidget(self.welcome)
        self.page.addWidget(self.tagline)
        self.gap_above = QSpacerItem(0, 24)
        self.page.addSpacerItem(self.gap_above)
        self.ways = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        self.ways.setSpacing(24)
        self.scan_title, self.scan_text, scan = self._way("1")
        # The door's QR code with the booth's current door code: seen through the glass,
        # it proves that whoever scans it stands at the door (kiosk.booth.door).
        self.door_qr = QrCode(240)
        self.door_qr.setObjectName("DoorQr")
        self.door_qr.setVisible(False)
        layout = scan.layout()
        assert layout is not None
        layout.addWidget(self.door_qr)
        bridge.door_link_changed.connect(self.show_door_link)
        self.touch_title, self.touch_text, touch = self._way("2")
        self.ways.addWidget(scan)
        self.ways.addWidget(touch)
        self.page.addLayout(self.ways)
        self.start = button("primary", "")
        self.start.setObjectName("StartButton")
        self.start.setMinimumHeight(120)
        self.start.clicked.connect(bridge.start_requested)
        self.page.addWidget(self.start)
        self.page.addStretch(2)

    def show_door_link(self, link: str) -> None:
        self.door_qr.set_text(link)
        self.door_qr.setVisible(bool(link))

    def _way(self, number: str) -> tuple[QLabel, QLabel, QWidget]:
        box = card()
        row = QHBoxLayout(box)
        row.setContentsMargins(32, 28, 32, 28)
        row.setSpacing(28)
        badge = label("big", number, wrap=False)
        self.badges.append(badge)
        badge.setProperty("i18n_exempt", True)
        badge.setFixedWidth(90)
        badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
        row.addWidget(badge)
        texts = QVBoxLayout()
        title = label("section")
        text = label("body")
        texts.addWidget(title)
        texts.addWidget(text)
        row.addLayout(texts, 1)
        return title, text, box

    def set_orientation(self, portrait: bool) -> None:
        super().set_orientation(portrait)
        # A landscape screen is short: the two ways side by side, the header's emblem only.
        self.ways.setDirection(
            QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight
        )
        self.emblem.setVisible(portrait)
        self.page.setSpacing(24 if portrait else 12)
        self.tagline.setVisible(portrait)
        self.gap_above.changeSize(0, 24 if portrait else 0)
        for badge in self.badges:
            badge.setProperty("role", "big" if portrait else "title")
            restyle(badge)
        self.start.setMinimumHeight(120 if portrait else 0)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        # Touching anywhere on the background starts, like the big button.
        self.bridge.start_requested.emit()
        super().mouseReleaseEvent(event)

    def retranslate(self) -> None:
        self.languages.retranslate()
        self.welcome.setText(self.tr("欢迎使用政务晓屋"))
        self.tagline.setText(self.tr("企业和群众办事，就近一次办好"))
        self.scan_title.setText(self.tr("已预约？扫码开门"))
        self.scan_text.setText(
            self.tr("用手机扫描右侧的二维码，玻璃门将自动打开，预约的事项会自动带出。")
        )
        self.touch_title.setText(self.tr("现场办理？轻触屏幕"))
        self.touch_text.setText(
            self.tr("选择要办的事项，数字业务员和视频坐席工作人员将一步步协助您。")
        )
        self.start.setText(self.tr("轻触开始办理"))
