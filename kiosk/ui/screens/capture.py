"""The document camera: what to place, the live view, and the pages captured."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QImage, QPainter, QPaintEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QSizePolicy, QVBoxLayout, QWidget

from kiosk.ui.bridge import BoothBridge
from kiosk.ui.screens.base import Screen
from kiosk.ui.texts import error_message
from kiosk.ui.viewmodels import CaptureView
from kiosk.ui.widgets.elements import button, label


class DocumentView(QWidget):
    """The document camera's latest frame, scaled to fit and centred."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.image: QImage | None = None
        self.setMinimumSize(320, 240)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_image(self, image: QImage) -> None:
        self.image = image
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        if self.image is None or self.image.isNull():
            return
        size = self.image.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
        x = (self.width() - size.width()) / 2
        y = (self.height() - size.height()) / 2
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        p.drawImage(QRectF(x, y, size.width(), size.height()), self.image)
        p.end()


class CaptureScreen(Screen):
    name = "capture"

    def __init__(self, bridge: BoothBridge, parent: QWidget | None = None) -> None:
        super().__init__(bridge, parent)
        self.view = CaptureView("place")
        self.image: QImage | None = None
        self.title = label("title")
        self.instruction = label("subtitle")
        self.page.addWidget(self.title)
        self.page.addWidget(self.instruction)
        self.frame = QFrame()
        self.frame.setProperty("role", "video")
        inner = QVBoxLayout(self.frame)
        inner.setContentsMargins(16, 16, 16, 16)
        self.preview = DocumentView()
        self.preview.setObjectName("CapturePreview")
        self.placeholder = label("body")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        inner.addWidget(self.placeholder)
        inner.addWidget(self.preview, 1)
        self.page.addWidget(self.frame, 1)
        self.pages = label("body")
        self.page.addWidget(self.pages)
        row = QHBoxLayout()
        row.setSpacing(18)
        self.skip = button("", "")
        self.skip.setObjectName("CaptureSkipButton")
        self.skip.clicked.connect(bridge.capture_skipped)
        self.finish = button("", "")
        self.finish.setObjectName("CaptureFinishButton")
        self.finish.clicked.connect(bridge.capture_finished)
        self.shoot = button("primary", "")
        self.shoot.setObjectName("CaptureShotButton")
        self.shoot.clicked.connect(bridge.capture_shot_requested)
        row.addWidget(self.skip, 1)
        row.addWidget(self.finish, 1)
        row.addWidget(self.shoot, 2)
        self.page.addLayout(row)
        bridge.capture_changed.connect(self.show_view)
        bridge.capture_preview.connect(self.show_preview)

    def show_view(self, view: CaptureView) -> None:
        self.view = view
        self.retranslate()

    def show_preview(self, image: QImage) -> None:
        self.image = image
        self.preview.set_image(image)
        self.placeholder.hide()

    def retranslate(self) -> None:
        v = self.view
        material = v.material.get(self.lang) if v.material else self.tr("材料")
        self.title.setText(self.tr("拍摄材料：{m}").format(m=material))
        instructions = {
            "place": self.tr("请将材料正面朝上，平放在台面的拍摄区内。"),
            "hold_still": self.tr("请保持材料不动，正在对焦…"),
            "reading": self.tr("正在识别材料内容，请稍候…"),
            "captured": self.tr("已拍好。如有下一页，请翻页后继续拍摄。"),
            "rejected": error_message(v.problem or "capture_rejected")[1],
        }
        self.instruction.setText(instructions[v.state])
        self.placeholder.setText(self.tr("高拍仪画面"))
        self.placeholder.setVisible(self.image is None)
        self.pages.setText(self.tr("已拍摄 {n} 页").format(n=v.pages))
        self.shoot.setText(self.tr("拍摄") if v.pages == 0 else self.tr("拍摄下一页"))
        self.skip.setText(self.tr("没带这份材料"))
        self.skip.setVisible(v.pages == 0)
        self.finish.setText(self.tr("拍好了，下一步"))
        self.finish.setEnabled(v.pages > 0)
