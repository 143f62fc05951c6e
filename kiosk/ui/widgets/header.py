"""The top bar: emblem, the booth's title and the time."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QLocale
from PySide6.QtWidgets import QFrame, QHBoxLayout, QVBoxLayout, QWidget

from kiosk.ui.bridge import BoothBridge
from kiosk.ui.widgets.elements import label
from kiosk.ui.widgets.emblem import Emblem

_LOCALES = {"zh_CN": "zh_CN", "en": "en_GB", "zh_HK": "zh_HK"}
_DATE_FORMATS = {"zh_CN": "M月d日 dddd", "zh_HK": "M月d日 dddd", "en": "dddd d MMMM"}


class Header(QFrame):
    def __init__(self, bridge: BoothBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Header")
        self.bridge = bridge
        self._now: dt.datetime | None = None
        self._elapsed = -1
        row = QHBoxLayout(self)
        row.setContentsMargins(32, 18, 32, 18)
        row.setSpacing(22)
        self.emblem = Emblem(88)
        row.addWidget(self.emblem)
        titles = QVBoxLayout()
        titles.setSpacing(2)
        self.title = label("", wrap=False)
        self.title.setObjectName("HeaderTitle")
        self.subtitle = label("", wrap=False)
        self.subtitle.setObjectName("HeaderSubtitle")
        titles.addWidget(self.title)
        titles.addWidget(self.subtitle)
        row.addLayout(titles, 1)
        times = QVBoxLayout()
        times.setSpacing(2)
        self.time = label("", wrap=False)
        self.time.setObjectName("HeaderClock")
        self.date = label("", wrap=False)
        self.date.setObjectName("HeaderSubtitle")
        times.addWidget(self.time)
        times.addWidget(self.date)
        row.addLayout(times)
        bridge.clock_changed.connect(self.set_time)
        bridge.session_elapsed.connect(self.set_elapsed)

    def set_elapsed(self, seconds: int) -> None:
        """Outside a session the date shows; during one, how long it has been running."""
        self._elapsed = seconds
        if self._now is not None:
            self.set_time(self._now)

    def set_time(self, now: dt.datetime) -> None:
        self._now = now
        locale = QLocale(_LOCALES.get(self.bridge.language, "zh_CN"))
        self.time.setText(now.strftime("%H:%M"))
        if self._elapsed >= 0:
            minutes, seconds = divmod(self._elapsed, 60)
            self.date.setText(self.tr("已用时 {t}").format(t=f"{minutes:02d}:{seconds:02d}"))
            return
        self.date.setText(
            locale.toString(
                QDate(now.year, now.month, now.day),
                _DATE_FORMATS.get(self.bridge.language, "yyyy-MM-dd"),
            )
        )

    def retranslate(self) -> None:
        self.title.setText(self.tr("政务晓屋"))
        self.subtitle.setText(self.tr("24小时政务自助服务"))
        self.emblem.set_size(100 if self.bridge.elderly else 88)
        if self._now is not None:
            self.set_time(self._now)
