"""The bottom bar on every screen: captions, home, end, and the one-tap clerk button.

Captions show ID and bank card numbers masked (kiosk.privacy.masking), as every screen
of the glass-walled booth does."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QVBoxLayout, QWidget

from kiosk.privacy.masking import mask_sensitive_text
from kiosk.ui.bridge import BoothBridge
from kiosk.ui.widgets.elements import button, label


class Footer(QFrame):
    def __init__(self, bridge: BoothBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Footer")
        self.bridge = bridge
        column = QVBoxLayout(self)
        column.setContentsMargins(28, 16, 28, 20)
        column.setSpacing(14)
        self.captions = label("", fit=True)  # all of what was said, however long
        self.captions.setObjectName("Captions")
        self.captions.hide()
        column.addWidget(self.captions)
        row = QHBoxLayout()
        row.setSpacing(18)
        self.home = button("", "")
        self.home.clicked.connect(bridge.home_requested)
        self.end = button("", "")
        self.end.clicked.connect(bridge.end_requested)
        self.clerk = button("clerk", "")
        self.clerk.setObjectName("ClerkButton")
        self.clerk.clicked.connect(lambda: bridge.clerk_requested.emit(""))
        row.addWidget(self.home)
        row.addWidget(self.end)
        row.addStretch(1)
        row.addWidget(self.clerk)
        column.addLayout(row)
        bridge.caption_changed.connect(self.set_caption)
        bridge.screen_changed.connect(self._on_screen)
        bridge.session_changed.connect(lambda _active: self._on_screen(bridge.screen))
        self._on_screen(bridge.screen)

    def set_caption(self, text: str) -> None:
        self.captions.setText(mask_sensitive_text(text))
        self.captions.setVisible(bool(text))

    def _on_screen(self, name: str) -> None:
        in_session = self.bridge.session_active
        self.home.setVisible(in_session and name not in ("home", "attract"))
        self.end.setVisible(in_session and name != "attract")

    def retranslate(self) -> None:
        self.home.setText(self.tr("返回首页"))
        self.end.setText(self.tr("结束办理"))
        self.clerk.setText(self.tr("人工服务"))
