"""The done screen: a self-service review being decided, then how the item ended, each
outcome said aloud once and captioned, in the citizen's language and in elderly mode."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QApplication

from kiosk.ui.viewmodels import DoneView, Plain

RECEIPT = Plain("住房公积金提取回执")
SERVICE = Plain("住房公积金提取（购房）")


def shown(ui: Any, view: DoneView) -> Any:
    ui.bridge.show_done(view)
    QApplication.processEvents()
    return ui.window.screens["done"]


def test_checking_then_the_receipt_with_its_number(make_ui: Any) -> None:
    ui = make_ui()
    ui.start_session()
    said: list[str] = []
    captions: list[str] = []
    ui.bridge.announced.connect(said.append)
    ui.bridge.caption_changed.connect(captions.append)
    done = shown(ui, DoneView(SERVICE, RECEIPT, state="checking"))
    assert done.title.text() == "正在审核"
    assert not done.finish.isVisible()  # he waits while the rules decide
    assert said == ["正在审核。正在核对您提交的申请，请稍候，不要离开。"]
    done = shown(ui, DoneView(SERVICE, RECEIPT, True, "done", "8f3a"))
    assert done.finish.isVisible() and done.receipt.isVisible()
    assert done.receipt.text() == "住房公积金提取回执编号：8f3a"
    assert said[-1] == "办理完成。住房公积金提取回执 已发送至您的手机，请注意查收。"
    shown(ui, DoneView(SERVICE, RECEIPT, True, "done", "8f3a"))
    assert len(said) == 2  # the same outcome again is not said twice
    assert captions[-1] == said[-1]


def test_referred_and_saved_say_what_happens_next_in_each_language(make_ui: Any) -> None:
    ui = make_ui()
    ui.start_session()
    said: list[str] = []
    ui.bridge.announced.connect(said.append)
    done = shown(ui, DoneView(SERVICE, RECEIPT, state="referred"))
    assert "工作人员审核" in done.certificate.text() and "手机" in done.certificate.text()
    assert not done.receipt.isVisible()
    ui.set_language("en")
    assert done.title.text() == "Submitted: a clerk will review it"
    assert "phone" in done.certificate.text()
    captions: list[str] = []
    ui.bridge.caption_changed.connect(captions.append)
    ui.set_language("zh_HK")
    assert captions[-1].startswith("已提交，轉人工審核")  # the caption follows, unspoken
    assert len(said) == 1
    ui.set_language("en")
    done.title.ensurePolished()
    normal = done.certificate.font().pixelSize()
    ui.set_elderly(True)
    done = shown(ui, DoneView(SERVICE, RECEIPT, state="saved"))
    assert done.title.text() == "Saved: it will be sent"
    assert said[-1].startswith("Saved: it will be sent. The network is down")
    done.certificate.ensurePolished()
    assert done.certificate.font().pixelSize() >= 1.4 * normal - 1  # elderly mode
    ui.bridge.show_screen("home")
    assert captions[-1] == ""  # leaving the page takes its caption away
