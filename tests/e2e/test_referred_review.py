"""A self-service review the department's rules refer to a clerk, end to end.

A walk-in transfers his provident fund account at the booth (hpf-account-transfer: his ID
card under the document camera, real OCR, the form, the fund centre's review). The
service has no rules the booth's submission could meet, so the real hub refers it to the
fund centre's clerks: the booth waits for that decision, then tells him plainly that a
clerk will review it and that his phone will be told (on the done screen, said aloud and
captioned); the hub lists the case among the clerks' reviews and his phone has the notice.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from kiosk.backend.channel import ConnectionState
from kiosk.demo.command import DemoBooth
from tests.e2e.harness import TIMEOUT_S, Shots, story_config, type_text, until

SERVICE = "hpf-account-transfer"


@pytest.mark.slow
async def test_a_referred_review_tells_the_citizen_a_clerk_will_decide(
    hub: Any, tmp_path: Path, qapp: Any, qtbot: Any
) -> None:
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QFocusEvent
    from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton

    from kiosk.ui.booth_ui import BoothUi

    config = story_config(hub, tmp_path)
    config = dataclasses.replace(config, ocr=dataclasses.replace(config.ocr, timeout_s=120.0))
    qapp.setQuitOnLastWindowClosed(False)
    booth = DemoBooth(config)
    ui = BoothUi(config.booth, booth.collaborators())
    bridge = ui.bridge
    shots = Shots(ui, tmp_path / "shots")
    captures: list[Any] = []
    bridge.capture_changed.connect(captures.append)
    forms: list[Any] = []
    bridge.form_shown.connect(forms.append)
    done_views: list[Any] = []
    bridge.done_shown.connect(done_views.append)
    said: list[str] = []
    bridge.announced.connect(said.append)

    def click(name: str) -> None:
        button = ui.window.findChild(QPushButton, name)
        assert button is not None and button.isVisible() and button.isEnabled(), name
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    def placing(state: str) -> Callable[[], bool]:
        return lambda: bool(captures) and captures[-1].state == state

    try:
        ui.show()
        await booth.start(ui)
        await asyncio.wait_for(booth.channel.wait_for(ConnectionState.ONLINE), 30)
        click("StartButton")
        bridge.service_requested.emit(SERVICE)
        click("StartServiceButton")
        await until(bridge.capture_changed, placing("place"), "the ID card asked for")
        runner = booth.service_runner
        assert runner is not None and runner.service.code == SERVICE
        await booth.frames.place("id_card", seed=7)
        card = dict(booth.frames.placed_fields)
        await until(bridge.form_shown, lambda: bool(forms), "the form")
        booth.frames.remove()
        typed = {
            "applicant_name": card["name"],
            "id_number": card["id_number"],
            "phone": "13800138000",
            "former_city": "泉州市",
        }
        for key, value in typed.items():
            edit = ui.window.findChild(QLineEdit, f"edit_{key}")
            QApplication.sendEvent(edit, QFocusEvent(QEvent.Type.FocusIn))
            edit.clear()
            type_text(qtbot, edit, value)
            QApplication.sendEvent(edit, QFocusEvent(QEvent.Type.FocusOut))
        click("ConfirmButton")

        # The fund centre's review is not the rules' to approve: referred, he is told so.
        await until(bridge.screen_changed, lambda: bridge.screen == "rating", "the rating")
        assert done_views[0].shown_state == "checking"  # he waited for the decision
        click("rating_5")
        await until(bridge.done_shown, lambda: done_views[-1].shown_state == "referred", "referred")
        await shots("done-referred")
        screen = ui.window.screens["done"]
        assert screen.title.text() == "已提交，转人工审核"
        assert "审核结果将发送到您的手机" in screen.certificate.text()
        assert said[-1] == screen.message  # said aloud and captioned
        assert ui.window.footer.captions.text() == screen.message
        assert screen.finish.isVisible() and not screen.receipt.isVisible()

        # The hub: the case waits in the fund centre's reviews; his phone has the notice.
        await asyncio.wait_for(booth.outbox.wait_until_empty(), TIMEOUT_S)
        assert runner.link_task is not None
        await asyncio.wait_for(runner.link_task, TIMEOUT_S)
        async with httpx.AsyncClient(base_url=hub.url, timeout=30) as http:
            login = await http.post(
                "/api/v1/auth/login", json={"username": "hpf", "password": "xiaowu-demo"}
            )
            clerk = {"Authorization": f"Bearer {login.json()['token']}"}
            (review,) = (await http.get("/api/v1/reviews", headers=clerk)).json()["reviews"]
            assert review["reasons"] == ["no_rules:hpf"]
            case = (await http.get(f"/api/v1/cases/{review['case_id']}", headers=clerk)).json()
            assert {s["kind"]: s["status"] for s in case["steps"]}["review"] == "referred"
            assert case["service"] == SERVICE and not case["certificates"]
            phone = {"Authorization": f"Bearer {runner.link.token}"}
            inbox = (await http.get("/api/v1/citizen/overview", headers=phone)).json()["inbox"]
            assert any(n["kind"] == "review_referred" for n in inbox)
        click("FinishButton")
        assert bridge.screen == "attract" and ui.session is None
    finally:
        ui.close()
        await booth.stop()
