"""The video call with clerks: consent, waiting in a queue, connecting, in the call.

The screen renders a :class:`~kiosk.ui.viewmodels.CallView`: the clerks' video tiles
(name, department, seat), the citizen's own preview and the document camera (which can be
enlarged), mute and hang-up, the queue (position, estimated wait), connecting and
reconnecting, and "no clerk available" with its three choices. Privacy: the consent step
comes before any camera turns on, a red "sending video" indicator is shown whenever the
view says video is going out, and a configured recording is announced both in the
consent step and during the call. The tiles pull frames themselves
(:class:`~kiosk.ui.widgets.video_tile.VideoTile`); this screen only places them.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QVBoxLayout, QWidget

from kiosk.ui.bridge import BoothBridge
from kiosk.ui.screens.base import Screen
from kiosk.ui.viewmodels import CallParty, CallView
from kiosk.ui.widgets.elements import button, card, label
from kiosk.ui.widgets.flow_layout import FlowLayout
from kiosk.ui.widgets.video_tile import VideoTile

ACTIVE_STATES = ("connecting", "in_call", "reconnecting")


class CallScreen(Screen):
    name = "call"

    def __init__(self, bridge: BoothBridge, parent: QWidget | None = None) -> None:
        super().__init__(bridge, parent)
        self.view = CallView("waiting")
        self.title = label("title")
        self.status = label("subtitle")
        self.page.addWidget(self.title)
        self.page.addWidget(self.status)

        indicators = QHBoxLayout()
        self.sending = label("live", wrap=False)
        self.sending.setObjectName("SendingVideo")
        self.recording = label("chip", wrap=False)
        self.recording.setObjectName("RecordingNotice")
        indicators.addWidget(self.sending)
        indicators.addWidget(self.recording)
        indicators.addStretch(1)
        self.page.addLayout(indicators)

        # consent, before any camera turns on
        self.consent = card()
        self.consent.setObjectName("CallConsent")
        box = QVBoxLayout(self.consent)
        box.setContentsMargins(32, 28, 32, 28)
        box.setSpacing(18)
        self.consent_text = label("body")
        self.consent_recording = label("body")
        box.addWidget(self.consent_text)
        box.addWidget(self.consent_recording)
        # the two answers wrap onto two rows where their words do not fit in one (English
        # in elderly mode): never a cut "Agree and turn on the camera"
        answers = QWidget()
        row = FlowLayout(answers, spacing=18)
        self.agree = button("primary")
        self.agree.setObjectName("ConsentAgree")
        self.agree.clicked.connect(lambda: bridge.call_consent_given.emit(True))
        self.decline = button()
        self.decline.setObjectName("ConsentDecline")
        self.decline.clicked.connect(lambda: bridge.call_consent_given.emit(False))
        row.addWidget(self.agree)
        row.addWidget(self.decline)
        box.addWidget(answers)
        self.page.addWidget(self.consent)

        # no clerk available: keep waiting, the digital clerk, or a callback
        self.choices = card()
        self.choices.setObjectName("NoClerkChoices")
        box = QVBoxLayout(self.choices)
        box.setContentsMargins(32, 28, 32, 28)
        box.setSpacing(18)
        self.keep_waiting = button("primary")
        self.keep_waiting.clicked.connect(lambda: bridge.call_choice_made.emit("wait"))
        self.digital = button()
        self.digital.clicked.connect(lambda: bridge.call_choice_made.emit("digital"))
        self.callback = button()
        self.callback.clicked.connect(lambda: bridge.call_choice_made.emit("callback"))
        for widget in (self.keep_waiting, self.digital, self.callback):
            box.addWidget(widget)
        self.page.addWidget(self.choices)

        # the videos
        self.video_area = QFrame()
        self.video_area.setObjectName("VideoArea")
        self.video_area.setProperty("role", "video")
        self.area = area = QVBoxLayout(self.video_area)
        area.setContentsMargins(16, 16, 16, 16)
        area.setSpacing(12)
        self.video_hint = label("body")
        self.video_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        area.addWidget(self.video_hint)
        self.clerk_grid = QGridLayout()
        self.clerk_grid.setSpacing(12)
        area.addLayout(self.clerk_grid, 3)
        self.local_row = QHBoxLayout()
        self.local_row.setSpacing(12)
        self.preview = VideoTile()
        self.preview.setObjectName("OwnPreview")
        self.document = VideoTile()
        self.document.setObjectName("DocumentView")
        self.document.clicked.connect(self._toggle_document)
        self.local_row.addWidget(self.preview, 1)
        self.local_row.addWidget(self.document, 1)
        area.addLayout(self.local_row, 2)
        self.tiles: dict[str, VideoTile] = {}
        self.page.addWidget(self.video_area, 1)
        self.filler = QWidget()  # takes the video area's room while it is hidden
        self.page.addWidget(self.filler, 1)
        self.parties = label("body")
        self.page.addWidget(self.parties)

        controls = QHBoxLayout()
        self.mute = button("", checkable=True)
        self.mute.setObjectName("MuteButton")
        self.mute.clicked.connect(lambda checked: bridge.mute_requested.emit(bool(checked)))
        self.enlarge = button("", checkable=True)
        self.enlarge.setObjectName("EnlargeDocument")
        self.enlarge.toggled.connect(lambda _checked: self._layout_videos())
        controls.addWidget(self.mute)
        controls.addWidget(self.enlarge)
        controls.addStretch(1)
        self.hangup = button("clerk", "")
        self.hangup.setObjectName("HangupButton")
        self.hangup.clicked.connect(bridge.hangup_requested)
        controls.addWidget(self.hangup)
        self.page.addLayout(controls)
        bridge.call_changed.connect(self.show_view)

    # --- state ----------------------------------------------------------------------------
    def show_view(self, view: CallView) -> None:
        self.view = view
        self._sync_tiles(view.participants)
        self.preview.set_provider(view.preview)
        self.document.set_provider(view.document)
        if view.state not in ACTIVE_STATES and self.enlarge.isChecked():
            self.enlarge.setChecked(False)
        self.mute.setChecked(view.muted)
        self._layout_videos()
        self.retranslate()

    def _toggle_document(self) -> None:
        if self.enlarge.isVisible():
            self.enlarge.toggle()

    def _sync_tiles(self, participants: tuple[CallParty, ...]) -> None:
        wanted = [p.id for p in participants]
        if wanted == list(self.tiles):
            for party in participants:
                self.tiles[party.id].set_provider(party.video)
            return
        for tile in self.tiles.values():
            self.clerk_grid.removeWidget(tile)
            tile.hide()
            tile.setParent(None)
            tile.deleteLater()
        self.tiles = {}
        columns = 1 if len(participants) <= 1 else 2
        for i, party in enumerate(participants):
            tile = VideoTile(party.video)
            tile.setObjectName(f"ClerkTile_{i}")
            self.tiles[party.id] = tile
            self.clerk_grid.addWidget(tile, i // columns, i % columns)

    def _layout_videos(self) -> None:
        v = self.view
        active = v.state in ACTIVE_STATES
        enlarged = active and self.enlarge.isChecked()
        for tile in self.tiles.values():
            tile.setVisible(active and not enlarged)
        self.preview.setVisible(active and not enlarged and v.preview is not None)
        self.document.setVisible(active and v.document is not None)
        self.video_area.setVisible(v.state not in ("consent", "unavailable"))
        self.filler.setVisible(v.state in ("consent", "unavailable"))
        videos = bool(v.participants or v.preview or v.document)
        self.area.setStretch(0, 0 if v.participants else 1)  # the hint, centred while alone
        self.area.setStretch(1, 3 if videos else 0)  # the clerks
        self.area.setStretch(2, 2 if videos else 0)  # the citizen's own cameras

    # --- texts ----------------------------------------------------------------------------
    def retranslate(self) -> None:
        v = self.view
        lang = self.lang
        dept = v.department.get(lang) if v.department else ""
        titles = {
            "consent": self.tr("视频通话前，请确认"),
            "waiting": self.tr("正在为您呼叫工作人员"),
            "connecting": self.tr("正在接通…"),
            "in_call": self.tr("视频通话中"),
            "reconnecting": self.tr("网络不稳定，正在重新连接…"),
            "ended": self.tr("通话已结束"),
            "unavailable": self.tr("暂时没有空闲的工作人员"),
        }
        self.title.setText(titles[v.state])
        if v.state == "waiting":
            parts = [self.tr("排队部门：{d}").format(d=dept) if dept else self.tr("综合坐席")]
            if v.queue_position is not None:
                parts.append(self.tr("您前面还有 {n} 位").format(n=max(v.queue_position - 1, 0)))
            if v.wait_s is not None:
                parts.append(self.tr("预计等待约 {m} 分钟").format(m=max(1, round(v.wait_s / 60))))
            self.status.setText("  ·  ".join(parts))
        elif v.state == "consent":
            self.status.setText(self.tr("工作人员将通过视频为您办理"))
        elif v.state == "unavailable":
            self.status.setText(self.tr("您可以继续等待，咨询数字工作人员，或预约工作人员回电。"))
        elif v.state == "ended":
            self.status.setText(self.tr("感谢您的耐心，您可以继续办理或结束办理。"))
        elif v.state == "reconnecting":
            self.status.setText(self.tr("请稍候，通话会自动恢复，无需任何操作。"))
        elif v.audio_only:
            self.status.setText(self.tr("网络较慢，已切换为语音通话。"))
        else:
            self.status.setText(self.tr("请面向屏幕，工作人员可以看到您和高拍仪画面。"))

        self.sending.setText("● " + self.tr("正在发送视频"))
        self.sending.setVisible(v.sending_video)
        self.recording.setText(self.tr("本次通话将录音录像"))
        self.recording.setVisible(v.recording and v.state != "consent")

        self.consent.setVisible(v.state == "consent")
        self.consent_text.setText(
            self.tr(
                "同意后将打开摄像头和高拍仪，工作人员可以看到您和您放在高拍仪下的材料。"
                "通话中屏幕上方会一直显示“正在发送视频”。"
            )
        )
        self.consent_recording.setText(
            self.tr("按照规定，本次通话将录音录像，仅用于业务办理和监督。")
        )
        self.consent_recording.setVisible(v.recording)
        self.agree.setText(self.tr("同意并开启摄像头"))
        self.decline.setText(self.tr("不同意，返回"))

        self.choices.setVisible(v.state == "unavailable")
        self.keep_waiting.setText(self.tr("继续等待"))
        self.digital.setText(self.tr("咨询数字工作人员"))
        self.callback.setText(self.tr("预约工作人员回电"))

        active = v.state in ACTIVE_STATES
        self.video_hint.setText(
            self.tr("工作人员接通后，视频画面将显示在这里") if not v.participants else ""
        )
        self.video_hint.setVisible(not v.participants)
        for party in v.participants:
            self.tiles[party.id].set_texts(
                self._caption(party),
                self.tr("正在接通…"),
                self.tr("正在重新连接…") if party.link == "reconnecting" else "",
            )
        self.preview.set_texts(self.tr("您的画面"))
        self.document.set_texts(
            self.tr("高拍仪画面（点按放大）")
            if not self.enlarge.isChecked()
            else self.tr("高拍仪画面（点按还原）")
        )
        names = [p.get(lang) for p in v.parties] or [self._caption(p) for p in v.participants]
        self.parties.setText(
            self.tr("通话中的工作人员：{names}").format(
                names=(", " if lang == "en" else "、").join(names)
            )
            if names and not active
            else ""
        )
        self.parties.setVisible(bool(names) and not active)
        self.mute.setText(self.tr("取消静音") if v.muted else self.tr("静音"))
        self.mute.setVisible(active)
        self.enlarge.setText(
            self.tr("还原高拍仪画面") if self.enlarge.isChecked() else self.tr("放大高拍仪画面")
        )
        self.enlarge.setVisible(active and v.document is not None)
        self.hangup.setText(self.tr("挂断") if active else self.tr("取消呼叫"))
        self.hangup.setVisible(v.state in ("waiting", "unavailable", *ACTIVE_STATES))

    def _caption(self, party: CallParty) -> str:
        parts = [party.name or self.tr("工作人员")]
        if party.department is not None:
            parts.append(party.department.get(self.lang))
        if party.seat:
            parts.append(self.tr("{n}号座席").format(n=party.seat))
        return " · ".join(p for p in parts if p)
