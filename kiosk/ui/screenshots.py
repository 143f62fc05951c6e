"""``kiosk screenshots OUTDIR``: every screen in zh_CN, en, zh_HK and elderly mode, as PNG.

Files are named ``<screen>-<lang>[-elderly].png`` (plus ``idle-…`` for the idle warning
over the home screen, the operator's ``operator_pin-…``, ``operator_menu-…`` and
``cleaning-…`` from :mod:`kiosk.ui.lockdown`, and ``resumed-…``: the confirm screen of a
session the booth resumed after a restart). Screens that other parts of the booth fill
at run time (call, capture, confirm, locker, rating, done) are shown with sample content.
Rendering is offscreen; nothing is shown on a display.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.config import LANGUAGES, Config

HELP = "render every booth screen in every language and in elderly mode to PNG files"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("outdir", type=Path, help="directory for the PNG files")
    parser.add_argument(
        "--orientation",
        choices=["portrait", "landscape"],
        help="render this orientation instead of the configured one",
    )
    parser.add_argument(
        "--lang", action="append", choices=list(LANGUAGES), help="only these languages"
    )
    parser.add_argument("--screen", action="append", help="only these screens")


@dataclass(frozen=True, slots=True)
class _Sample:
    """A sample text in the three languages (what the catalog's Text would hold)."""

    zh_CN: str
    en: str
    zh_HK: str

    def get(self, lang: str) -> str:
        return {"en": self.en, "zh_HK": self.zh_HK}.get(lang, self.zh_CN)


def _sample_service(catalog: Any) -> Any:
    for code in ("hpf-withdrawal-purchase", "enterprise-deregistration"):
        try:
            return catalog.service(code)
        except (KeyError, StopIteration, LookupError):
            continue
    return catalog.services[0]


def _document_image() -> Any:
    """A synthetic document-camera frame: a card on a desk (no citizen's data)."""
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QColor, QImage, QPainter

    image = QImage(1280, 960, QImage.Format.Format_RGB32)
    image.fill(QColor("#6d5a48"))
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor("#f4f1ea"))
    p.drawRoundedRect(QRectF(250, 220, 780, 490), 30, 30)
    p.setBrush(QColor("#c9d6e8"))
    p.drawRect(QRectF(290, 270, 200, 250))
    p.setBrush(QColor("#9aa7b8"))
    for i in range(5):
        p.drawRect(QRectF(530, 290 + i * 60, 420 - i * 40, 22))
    p.drawRect(QRectF(290, 600, 660, 26))
    p.end()
    return image


def feed_samples(ui: Any) -> None:
    """Give the run-time screens sample content so that they render as in use."""
    from kiosk.ui.viewmodels import (
        CaptureView,
        FieldView,
        FormView,
        LockerView,
        RatingTarget,
    )

    b = ui.bridge
    catalog = b.catalog
    service = _sample_service(catalog)
    b.service_shown.emit(service)
    b.call_changed.emit(call_samples(catalog)["call"])
    material = service.materials[0].name if service.materials else None
    b.capture_changed.emit(CaptureView("captured", material=material, pages=1))
    b.capture_preview.emit(_document_image())
    fields = (
        FieldView("name", _Sample("姓名", "Name", "姓名"), "李明"),
        FieldView(
            "id_number",
            _Sample("身份证号码", "ID number", "身份證號碼"),
            "440106199001011234",
            kind="id_number",
        ),
        FieldView(
            "amount", _Sample("提取金额（元）", "Amount (CNY)", "提取金額（元）"), "150000.00"
        ),
        FieldView(
            "account",
            _Sample("收款银行账号", "Bank account", "收款銀行賬號"),
            "6222020200110427",  # the screen masks it: 6222 **** **** 0427
            kind="account",
            problem="unreadable",
        ),
        FieldView(
            "purpose",
            _Sample("提取类型", "Purpose", "提取類型"),
            "rent",
            choices=(
                ("rent", _Sample("租赁住房", "Renting a home", "租賃住房")),
                ("purchase", _Sample("购买自住住房", "Buying a home", "購買自住住房")),
            ),
        ),
    )
    b.form_shown.emit(FormView(service.name, fields))
    b.locker_changed.emit(LockerView("07", "open"))
    b.rating_shown.emit(RatingTarget(service.code, service.name))
    b.done_shown.emit(done_samples(catalog)["done"])
    b.error_shown.emit("hub_unavailable")


def done_samples(catalog: Any) -> dict[str, Any]:
    """The done screen's states with sample content, keyed by screenshot name ("done":
    the receipt with its number, as a self-service item ends when its rules approve)."""
    from kiosk.ui.viewmodels import DoneView

    service = _sample_service(catalog)
    certificate = service.certificate or _Sample("办理回执", "Receipt", "辦理回執")
    number = "8f3a1c0b6d2e4f5a9b7c1d0e2f3a4b5c"
    return {
        "done": DoneView(service.name, certificate, True, "done", number),
        "done_checking": DoneView(service.name, certificate, state="checking"),
        "done_referred": DoneView(service.name, certificate, state="referred"),
        "done_saved": DoneView(service.name, certificate, state="saved"),
    }


def _portrait(background: tuple[int, int, int], seed: int) -> Any:
    """A synthetic camera frame: a head and shoulders on a plain wall (no real person)."""
    import numpy as np

    h, w = 480, 640
    y, x = np.mgrid[0:h, 0:w]
    image = np.empty((h, w, 3), np.uint8)
    shade = (0.75 + 0.25 * y / h)[..., None]
    image[:] = (np.array(background) * shade).astype(np.uint8)
    body = ((x - w / 2) / 210) ** 2 + ((y - h) / 170) ** 2 < 1
    head = ((x - w / 2) / 78) ** 2 + ((y - 200 - seed) / 98) ** 2 < 1
    image[body] = (40, 58, 92)
    image[head] = (226, 188, 160)
    return image


def call_samples(catalog: Any) -> dict[str, Any]:
    """The call screen's states with sample content, keyed by screenshot name."""
    from kiosk.ui.viewmodels import CallParty, CallView, Plain

    def department(code: str) -> Any:
        try:
            return catalog.department(code).name
        except (KeyError, LookupError, StopIteration):
            return Plain(code)

    service = _sample_service(catalog)
    dept = department(service.department)
    frames = {
        "tax": _portrait((120, 140, 170), 0),
        "market": _portrait((150, 160, 130), 12),
        "me": _portrait((170, 160, 150), 6),
    }
    document = _document_image()
    doc_rgb = _image_to_rgb(document)
    clerks = (
        CallParty("clerk:1", "王女士", department("tax"), "03", video=lambda: frames["tax"]),
        CallParty("clerk:2", "陈先生", department("market"), "11", video=lambda: frames["market"]),
    )
    in_call = CallView(
        "in_call",
        department=dept,
        participants=clerks,
        preview=lambda: frames["me"],
        document=lambda: doc_rgb,
        sending_video=True,
        recording=True,
    )
    return {
        "call": CallView("waiting", department=dept, queue_position=3, wait_s=240),
        "call_consent": CallView("consent", department=dept, recording=True),
        "call_in_call": in_call,
        "call_reconnecting": CallView(
            "reconnecting",
            department=dept,
            participants=(dataclasses.replace(clerks[0], link="reconnecting"),),
            preview=lambda: frames["me"],
            document=lambda: doc_rgb,
        ),
        "call_unavailable": CallView("unavailable", department=dept),
    }


def _image_to_rgb(image: Any) -> Any:
    import numpy as np
    from PySide6.QtGui import QImage

    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    width, height, stride = rgb.width(), rgb.height(), rgb.bytesPerLine()
    data = np.frombuffer(rgb.constBits(), np.uint8).reshape(height, stride)
    return data[:, : width * 3].reshape(height, width, 3).copy()


CALL_STATES = ("call_consent", "call_in_call", "call_reconnecting", "call_unavailable")
# The done screen while a self-service review is decided, and when it was not approved.
DONE_STATES = ("done_checking", "done_referred", "done_saved")

CAPTION = _Sample(
    "请将身份证正面朝上放在拍摄区，我会帮您读取信息。",
    "Please place your ID card face up in the capture area; I will read it for you.",
    "請將身份證正面向上放在拍攝區，我會幫您讀取資料。",
)
# the digital clerk's conversation: (who, text) turns, the quick answers, the partial text
ASSISTANT_SAMPLE = {
    "zh_CN": (
        (
            ("clerk", "您好，我是数字业务员。请问您提取公积金是用于购房还是租房？"),
            ("citizen", "买房"),
            ("clerk", "好的。请问您要提取多少钱？"),
            ("citizen", "五万"),
            ("clerk", "请说出或输入您本人银行借记卡的卡号。"),
            ("citizen", "6222020200110427"),  # shown masked, as the screen does
            ("clerk", "请核对：购房提取、50,000元、尾号0427的银行卡。确认无误吗？"),
        ),
        ("是的", "不对"),
        "是的",
    ),
    "en": (
        (
            ("clerk", "Hello, I am the digital clerk. Is the withdrawal for buying or renting?"),
            ("citizen", "Buying a flat"),
            ("clerk", "All right. How much would you like to withdraw?"),
            ("citizen", "Fifty thousand"),
            ("clerk", "Please say or type the number of a debit card in your own name."),
            ("citizen", "6222 0202 0011 0427"),
            (
                "clerk",
                "Please check: home purchase, 50,000 yuan, the card ending 0427. Is that right?",
            ),
        ),
        ("Yes", "No"),
        "Yes, that",
    ),
    "zh_HK": (
        (
            ("clerk", "您好，我是數碼業務員。請問您提取公積金是用於購房還是租房？"),
            ("citizen", "買樓"),
            ("clerk", "好的。請問您要提取多少錢？"),
            ("citizen", "五萬"),
            ("clerk", "請說出或輸入您本人銀行借記卡的卡號。"),
            ("citizen", "6222020200110427"),
            ("clerk", "請核對：購房提取、50,000元、尾號0427的銀行卡。確認無誤嗎？"),
        ),
        ("是的", "不對"),
        "是的",
    ),
}
# The digital clerk asking back instead of guessing, its choices as buttons.
ASSISTANT_CLARIFY_SAMPLE = {
    "zh_CN": (
        "公积金怎么取",
        "为了不答错，请问您问的是租房提取、买房提取，还是离职后提取？请点下面的选项。",
        ("租房提取", "买房提取", "离职后提取"),
    ),
    "en": (
        "How do I get my provident fund out?",
        "So that I do not answer wrongly: do you mean paying rent, buying a home or after "
        "leaving a job? Tap one below.",
        ("Paying rent", "Buying a home", "After leaving a job"),
    ),
    "zh_HK": (
        "公積金怎麼取",
        "為了不答錯，請問您問的是租房提取、買房提取，還是離職後提取？請點下面的選項。",
        ("租房提取", "買房提取", "離職後提取"),
    ),
}
CLARIFY_SHOTS = ("assistant_clarify",)
# where the digital clerk or a clerk is speaking
CAPTIONED_SCREENS = ("call", "call_in_call", "capture")
LOCKDOWN_SHOTS = ("operator_pin", "operator_menu", "cleaning")  # the operator's layer
RESUMED_SHOTS = ("resumed",)  # the confirm screen after a restart, "we're back" under it


def _show_lockdown_sample(ui: Any, name: str) -> None:
    """The operator's layer with sample content: a wrong PIN, a self-check, a countdown."""
    from kiosk.doctor import Finding

    lockdown = ui.lockdown
    if name == "operator_pin":
        lockdown.pin_pad.pin = "1234"
        lockdown.pin_pad.show_state("wrong", tries_left=3)
    elif name == "operator_menu":
        lockdown.menu.show_findings(
            [
                Finding("CJK font", "ok", "Noto Sans CJK SC"),
                Finding("camera", "fail", "no /dev/video0", "plug the document camera in"),
                Finding("hub", "warn", "http://127.0.0.1:8470 did not answer"),
            ]
        )
    else:
        lockdown.cleaning.show_countdown(18)
    lockdown.show_layer(name)


def _show_assistant_sample(ui: Any, lang: str) -> None:
    """The digital clerk speaking (mouth open), the citizen's next words coming in."""
    turns, choices, partial = ASSISTANT_SAMPLE[lang]
    ui.window.screens["assistant"].clear_conversation()
    for who, text in turns:
        ui.bridge.say_assistant(who, text, choices if who == "clerk" else ())
    ui.bridge.assistant_voice.emit("tap")
    ui.bridge.assistant_partial.emit(partial)
    ui.bridge.assistant_level.emit(0.7)


# The door's QR code as an online booth shows it (kiosk.booth.door); not a valid code.
SAMPLE_DOOR_LINK = "https://hub.example.gov.cn/m/#booth=tianhe-07&door=SAMPLEdoor00"


def _show_assistant_clarify(ui: Any, lang: str) -> None:
    """The digital clerk asking back, with its choices to tap."""
    question, asked, choices = ASSISTANT_CLARIFY_SAMPLE[lang]
    ui.bridge.show_screen("assistant")
    ui.window.screens["assistant"].clear_conversation()
    ui.bridge.say_assistant("citizen", question)
    ui.bridge.say_assistant("clerk", asked, choices)
    ui.bridge.assistant_voice.emit("tap")
    ui.bridge.assistant_partial.emit("")
    ui.bridge.assistant_level.emit(0.4)


def render_screens(
    ui: Any,
    outdir: Path,
    *,
    languages: tuple[str, ...] = LANGUAGES,
    screens: tuple[str, ...] | None = None,
    elderly_modes: tuple[bool, ...] = (False, True),
    inspect: Callable[[str, Any], None] | None = None,
) -> list[Path]:
    """Render the screens of ``ui`` to ``outdir``; returns the files written. ``inspect``
    is called with each shot's name and the window as it is rendered (tests look at it)."""
    from PySide6.QtWidgets import QApplication

    from kiosk.ui.bridge import SCREENS

    outdir.mkdir(parents=True, exist_ok=True)
    wanted = screens or (
        *SCREENS,
        "idle",
        *CALL_STATES,
        *DONE_STATES,
        *LOCKDOWN_SHOTS,
        *RESUMED_SHOTS,
        *CLARIFY_SHOTS,
    )
    calls = call_samples(ui.bridge.catalog)
    written: list[Path] = []
    app = QApplication.instance()
    assert app is not None
    ui.window.show()
    for lang in languages:
        for elderly in elderly_modes:
            ui.set_language(lang)
            ui.set_elderly(elderly)
            suffix = f"-{lang}" + ("-elderly" if elderly else "")
            for name in wanted:
                if name == "idle":
                    ui.bridge.show_screen("home")
                    ui.bridge.idle_warning.emit(25)
                elif name in CALL_STATES:
                    ui.bridge.show_call(calls[name])
                elif name in DONE_STATES:
                    ui.bridge.show_done(done_samples(ui.bridge.catalog)[name])
                elif name in LOCKDOWN_SHOTS:
                    _show_lockdown_sample(ui, name)
                elif name in RESUMED_SHOTS:
                    ui.bridge.show_screen("confirm")
                elif name in CLARIFY_SHOTS:
                    _show_assistant_clarify(ui, lang)
                else:
                    ui.bridge.show_screen(name)
                if name == "assistant":
                    _show_assistant_sample(ui, lang)
                if name == "attract":  # a booth online shows its door code (a sample here)
                    ui.bridge.door_link_changed.emit(SAMPLE_DOOR_LINK)
                # The attract screen is seen outside a session: the header shows the date.
                ui.bridge.session_elapsed.emit(-1 if name == "attract" else 0)
                spoken = CAPTION.get(lang) if name in CAPTIONED_SCREENS else ""
                if name in ("done", *DONE_STATES):
                    spoken = ui.window.screens["done"].message  # its outcome, announced
                if name == "assistant":
                    spoken = ASSISTANT_SAMPLE[lang][0][-1][1]
                if name in CLARIFY_SHOTS:
                    spoken = ASSISTANT_CLARIFY_SAMPLE[lang][1]
                if name in RESUMED_SHOTS:
                    from kiosk.ui.texts import resumed_caption

                    spoken = resumed_caption()
                ui.bridge.show_caption(spoken)
                app.processEvents()
                path = outdir / f"{name}{suffix}.png"
                if inspect is not None:
                    inspect(f"{name}{suffix}", ui.window)
                if not ui.window.grab().save(str(path)):
                    raise OSError(f"could not write {path}")
                written.append(path)
                if name == "idle":
                    ui.bridge.idle_cleared.emit()
                elif name in CALL_STATES:
                    ui.bridge.call_changed.emit(calls["call"])
                elif name in DONE_STATES:
                    ui.bridge.done_shown.emit(done_samples(ui.bridge.catalog)["done"])
                elif name in LOCKDOWN_SHOTS:
                    ui.lockdown.close_layer()
    ui.bridge.show_caption("")
    return written


def main(args: argparse.Namespace, config: Config) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from kiosk.core.catalog import load_catalog
    from kiosk.core.clock import SystemClock
    from kiosk.privacy.vault import SessionVault
    from kiosk.ui.app import create_application
    from kiosk.ui.booth_ui import BoothCollaborators, BoothUi

    booth = dataclasses.replace(
        config.booth,
        fullscreen=False,
        orientation=args.orientation or config.booth.orientation,
        language="zh_CN",
    )
    create_application()
    with tempfile.TemporaryDirectory(prefix="xiaowu-shots-") as tmp:
        collaborators = BoothCollaborators(
            catalog=load_catalog(),
            session_factory=lambda: SessionVault(root=Path(tmp)),
            clock=SystemClock(),
        )
        ui = BoothUi(booth, collaborators)
        try:
            ui.start_session()
            feed_samples(ui)
            files = render_screens(
                ui,
                args.outdir,
                languages=tuple(args.lang or LANGUAGES),
                screens=tuple(args.screen) if args.screen else None,
            )
        finally:
            ui.close()
    print(f"wrote {len(files)} screenshots to {args.outdir}")
    return 0
