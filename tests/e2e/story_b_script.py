"""Story B as a script: a walk-in withdraws housing provident fund at the booth, self-service.

The citizen's side of tests/e2e/test_story_b.py, shared with the fault tests
(tests/e2e/test_faults.py), which run it once cleanly and once with the hub restarted
while the booth uploads his submission, and compare the cases the hubs end with.

A real hub on 127.0.0.1; the booth built by the composition root (``DemoBooth``: hub link,
outbox, emulated devices) with its UI offscreen; the document camera fed generated photos;
real tesseract; the digital clerk in text mode; no clerk anywhere. The script is the
citizen: it touches the screen (clicks widgets, types into them), places documents
under the camera, and checks what the hub and the citizen page then hold (his receipt
among them), that the booth kept nothing of him, and the session time the booth's clock
measured.

Screenshots of every screen passed through go to ``tmp_path/shots`` (and to the folder
named by ``STORY_SCREENSHOTS_DIR`` when set, which is how docs/story-b/ was made).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import httpx

from kiosk.config import Config
from kiosk.demo.command import DemoBooth
from tests.e2e import harness
from tests.e2e.harness import (
    TIMEOUT_S,
    Shots,
    keep_screenshots,
    recorded,
    start_booth,
    story_config,
    type_text,
    until,
)

SERVICE = "hpf-withdrawal-purchase"
STORY_LIMIT_S = 30 * 60
ACCOUNT_TYPO = "6222021234567890"  # fails the Luhn check: flagged on the confirm screen
ACCOUNT = "6222021234567894"


class Faults:
    """What happens around the citizen besides his own touches: nothing, by default."""

    keeps_screenshots = True  # the clean run's screens are the ones kept for the README

    def booth_built(self, booth: Any) -> None:
        """The booth exists and has not started."""

    async def while_uploading(self, booth: Any, ui: Any) -> None:
        """Right after he confirmed: the booth is sending his materials and form."""

    async def after_done(self, booth: Any, ui: Any) -> None:
        """His done screen is shown; the hub's case is checked next."""


@dataclass(frozen=True, slots=True)
class StoryRun:
    hub_case_id: str
    citizen_token: str
    session_s: float
    screenshots: list[Path]


async def walk_in_withdrawal(
    hub: Any,
    tmp_path: Path,
    qapp: Any,
    qtbot: Any,
    *,
    faults: Faults | None = None,
    adjust: Callable[[Config], Config] | None = None,
    phone_in_browser: bool = True,
) -> StoryRun:
    """Story B at the booth, as the citizen; checks what he sees, the hub's case, the wipe.

    ``hub`` needs ``url`` and ``register_booth``; ``faults`` runs while the booth uploads
    his submission and after his done screen (kiosk.tests' fault tests); ``adjust``
    changes the booth's configuration; ``phone_in_browser`` opens his citizen page in
    Chromium to see the receipt there.
    """
    faults = faults or Faults()
    keep = os.environ.get("STORY_SCREENSHOTS_DIR")
    keep_shots = Path(keep) if keep and faults.keeps_screenshots else None
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QFocusEvent
    from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPushButton

    from kiosk.ui.booth_ui import BoothUi

    config = story_config(hub, tmp_path)  # OCR with time to spare (harness.booth_config)
    sessions = tmp_path / "sessions"
    if adjust is not None:
        config = adjust(config)
    qapp.setQuitOnLastWindowClosed(False)
    booth = DemoBooth(config)
    faults.booth_built(booth)
    ui = BoothUi(config.booth, booth.collaborators())
    bridge = ui.bridge
    shots = Shots(ui, tmp_path / "shots")
    clerk_turns: list[str] = []
    bridge.assistant_turn.connect(lambda who, text: who == "clerk" and clerk_turns.append(text))
    captures = recorded(bridge.capture_changed)
    forms = recorded(bridge.form_shown)
    done_views = recorded(bridge.done_shown)
    finish = ui.window.findChild(QPushButton, "FinishButton")
    waits: dict[str, bool] = {}  # done screen state -> its finish button hidden then
    bridge.done_shown.connect(lambda v: waits.setdefault(_state(v), finish.isHidden()))
    elapsed = recorded(bridge.session_elapsed)

    def screen(name: str) -> Callable[[], bool]:
        return lambda: bridge.screen == name

    click = partial(harness.click, ui)
    capture_state = partial(harness.capture_state, captures)

    try:
        await start_booth(booth, ui)
        await shots("attract")

        # -- he walks in, touches the screen and finds the service -----------------------
        click("StartButton")
        assert bridge.screen == "home" and ui.session is not None
        session_dir = ui.session.directory
        started = booth.clock.monotonic()
        await shots("home")
        bridge.search_requested.emit("gongjijin tiqu")
        await shots("home-search")
        bridge.service_requested.emit(SERVICE)
        assert bridge.screen == "service"
        await shots("service")
        click("StartServiceButton")

        # -- identify: his ID card under the document camera ------------------------------
        await until(bridge.capture_changed, capture_state("place", "ID card"), "ID card")
        runner = booth.service_runner
        assert runner is not None and runner.service.code == SERVICE
        await shots("capture-id-card-place")
        desk = booth.frames
        await desk.place("id_card", seed=3)
        card = dict(desk.placed_fields)
        await until(bridge.capture_changed, capture_state("reading", "ID card"), "ID read")
        desk.remove()  # he takes his card back
        await shots("capture-id-card-reading")

        # -- the digital clerk asks, by text ------------------------------------------------
        await until(bridge.screen_changed, screen("assistant"), "the digital clerk")
        await until(bridge.assistant_turn, lambda: len(clerk_turns) >= 1, "a greeting")
        assert "多少" in clerk_turns[-1]  # the purpose came with the service: the amount next
        box = ui.window.findChild(QLineEdit, "AssistantInput")
        for n, text in enumerate(
            ("房子买了几年还能提公积金吗", "五万", ACCOUNT_TYPO, "带齐了"), start=2
        ):
            type_text(qtbot, box, text)
            qtbot.keyClick(box, Qt.Key.Key_Return)
            await until(bridge.assistant_turn, lambda n=n: len(clerk_turns) >= n, text)
        assert "3年" in clerk_turns[1]  # answered from the official guide, offline
        assert "材料" in clerk_turns[3]
        assert "7890" in clerk_turns[4] and "50,000" in clerk_turns[4]  # his answers read back
        await shots("assistant")
        click("assistant_choice_0")  # "是的": confirm the draft with a tap

        # -- the purchase contract; no invoice or bank card with him -------------------------
        await until(bridge.capture_changed, capture_state("place", "purchase contract"), "contract")
        await desk.place("purchase_contract", seed=5)
        contract = dict(desk.placed_fields)
        await until(bridge.capture_changed, capture_state("reading", "purchase contract"), "read")
        desk.remove()
        await shots("capture-contract-reading")
        await until(bridge.capture_changed, capture_state("place", "invoice"), "invoice")
        await shots("capture-invoice-place")
        click("CaptureSkipButton")
        await until(bridge.capture_changed, capture_state("place", "Bank card"), "bank card")
        click("CaptureSkipButton")

        # -- confirm: read fields, masked ID number, flagged checks, his corrections ---------
        await until(bridge.form_shown, lambda: bool(forms), "the confirm screen")
        assert bridge.screen == "confirm"
        view = {f.key: f for f in forms[-1].fields}
        # What OCR read: a misread name has no check to catch it, so he corrects it below;
        # a misread ID number fails its check digit and is flagged.
        read_id = view["id_number"].value
        assert read_id == card["id_number"] or view["id_number"].problem, read_id
        assert view["purchase_price"].value  # read from the contract
        assert view["amount"].value == "50000.00"  # from the conversation
        assert view["bank_account"].problem == "account.luhn"  # flagged, not blocking
        id_box = ui.window.findChild(QLineEdit, "edit_id_number")
        assert read_id and "*" in id_box.text() and read_id not in id_box.text()
        texts = [w.text() for w in ui.window.findChildren(QLineEdit)]
        assert read_id not in texts  # masked on screen...
        QApplication.sendEvent(id_box, QFocusEvent(QEvent.Type.FocusIn))
        assert id_box.text() == read_id  # ...except while he edits it
        QApplication.sendEvent(id_box, QFocusEvent(QEvent.Type.FocusOut))
        assert "*" in id_box.text()
        await shots("confirm-as-read")
        today = booth.clock.now().date()
        typed = {
            "phone": "13800138000",
            "property_address": "厦门市思明区湖滨南路88号3栋1202室",
            "contract_date": (today - dt.timedelta(days=40)).isoformat(),
            "bank_name": "中国工商银行",
            "bank_account": ACCOUNT,
        }
        truth = {
            "applicant_name": card["name"],
            "id_number": card["id_number"],
            "purchase_price": contract["total_price"],
        }
        misread = [k for k, v in truth.items() if view[k].value.removesuffix(".00") != v]
        typed.update({k: truth[k] for k in misread})
        for key, value in typed.items():
            edit = ui.window.findChild(QLineEdit, f"edit_{key}")
            QApplication.sendEvent(edit, QFocusEvent(QEvent.Type.FocusIn))
            edit.clear()
            type_text(qtbot, edit, value)
            QApplication.sendEvent(edit, QFocusEvent(QEvent.Type.FocusOut))
        print(f"story B: OCR misread {misread or 'nothing'} of {sorted(truth)}")
        await shots("confirm-corrected")
        click("ConfirmButton")
        # -- submitted: the fund centre's rules decide while he waits a moment -------------
        await until(bridge.done_shown, lambda: "checking" in waits, "the rules to decide")
        assert waits["checking"]  # he waits: no way out of the item while it is decided
        await faults.while_uploading(booth, ui)

        # -- decided; he rates the service --------------------------------------------------
        await until(bridge.screen_changed, screen("rating"), "the rating screen")
        await shots("rating")
        click("rating_5")
        await until(bridge.done_shown, lambda: _state(done_views[-1]) != "checking", "done")
        assert bridge.screen == "done"
        # Decided on the hub by its rules: the receipt, or "saved, will be sent" while the
        # hub is away (the fault test); never the promise of a receipt not yet decided.
        outcome = done_views[-1]
        assert _state(outcome) in ("done", "saved"), outcome
        assert outcome.certificate is not None
        session_s = booth.clock.monotonic() - started
        await shots("done")
        await faults.after_done(booth, ui)

        # -- the hub has the case; the citizen page shows it ---------------------------------
        assert runner.link_task is not None
        await asyncio.wait_for(runner.link_task, TIMEOUT_S)
        link = runner.link
        assert link.token and link.url.startswith(hub.url)
        await asyncio.wait_for(booth.outbox.wait_until_empty(), TIMEOUT_S)
        # -- the receipt on the booth's screen: its number, as the hub issued it ----------
        await until(bridge.done_shown, lambda: _state(done_views[-1]) == "done", "the receipt")
        number = done_views[-1].receipt_number
        shown = ui.window.findChild(QLabel, "ReceiptNumber")
        assert number and shown is not None and shown.isVisible() and number in shown.text()
        if _state(outcome) == "saved":
            await shots("done-receipt-after-reconnect")
        async with httpx.AsyncClient(base_url=hub.url, timeout=30) as phone:
            reply = await phone.get(
                "/api/v1/citizen/overview", headers={"Authorization": f"Bearer {link.token}"}
            )
            assert reply.status_code == 200, reply.text
            page = await phone.get(link.url.removeprefix(hub.url))
            assert page.status_code == 200
        cases = reply.json()["cases"]
        assert len(cases) == 1
        case = cases[0]
        assert case["id"] == link.hub_case_id and case["service"] == SERVICE
        form = case["form"]
        assert form["amount"] == "50000.00"
        assert form["bank_name"] == "中国工商银行"
        assert form["contract_date"] == typed["contract_date"]
        assert form["id_number"] != card["id_number"]  # masked for the citizen page too
        assert form["applicant_name"] == card["name"]
        assert form["purchase_price"].removesuffix(".00") == contract["total_price"]
        materials = {m["code"]: m for m in case["materials"]}
        assert set(materials) == {"id_card", "purchase_contract"}
        assert {m["trust_level"] for m in materials.values()} == {"C"}
        steps = {s["kind"]: s for s in case["steps"]}
        for kind in ("identify", "questions", "capture", "form", "review", "certificate", "rating"):
            assert steps[kind]["status"] == "done", (kind, steps)
        assert steps["review"]["done_by"] == "rules"  # the fund centre's rules, no clerk
        assert case["status"] == "done"
        # -- the receipt on his phone: in his case, in his inbox, and as a PDF ----------------
        (receipt,) = case["certificates"]
        assert receipt["title"] == "住房公积金提取回执" and receipt["department"] == "hpf"
        assert receipt["id"] == number  # the booth showed the receipt the phone has
        inbox = reply.json()["inbox"]
        assert any(n["kind"] == "certificate_issued" for n in inbox)
        async with httpx.AsyncClient(base_url=hub.url, timeout=30) as phone:
            # A link the phone opens is a one-time ticket; the token stays in the header.
            ticket = await phone.post(
                f"/api/v1/certificates/{receipt['id']}/download",
                headers={"Authorization": f"Bearer {link.token}"},
            )
            pdf = await phone.get(ticket.json()["url"])
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        if phone_in_browser:
            await receipt_on_the_citizen_page(link.url, receipt["title"], shots.folder)
        assert not case["clerks"]
        assert case["ratings"], "his rating of the service reached the hub"
        assert not any("clerk" in str(r.get("target", "")) for r in case["ratings"])

        # -- he leaves: nothing of him stays in the booth ---------------------------------------
        click("FinishButton")
        assert bridge.screen == "attract" and ui.session is None
        assert not session_dir.exists()
        assert not any(sessions.iterdir())
        assert booth.outbox.pending() == 0
        await shots("attract-after")

        # The session clock the booth shows (its Clock, started at his first touch).
        assert 0 < session_s < STORY_LIMIT_S
        assert 0 < max(elapsed) < STORY_LIMIT_S  # the "time used" the header showed him
        print(f"story B: session {session_s:.1f} s on the booth's clock, {len(shots.taken)} shots")
        return StoryRun(link.hub_case_id, link.token, session_s, list(shots.taken))
    finally:
        ui.close()
        await booth.stop()
        if keep_shots is not None:
            keep_screenshots(shots.taken, keep_shots)


def _state(view: Any) -> str:
    return str(view.shown_state)


async def receipt_on_the_citizen_page(url: str, title: str, folder: Path) -> None:
    """His phone: the citizen page in Debian's Chromium lists the receipt, linked to its PDF."""
    from tests.call.browser import chromium

    async with chromium() as browser:
        page = await browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
        await page.goto(url)
        receipt = page.locator("a.certificate", has_text=title)
        await receipt.wait_for(timeout=TIMEOUT_S * 1000)
        href = await receipt.get_attribute("href")
        assert href and href.endswith("/pdf") and "token" not in href, href
        await receipt.scroll_into_view_if_needed()
        await page.screenshot(path=str(folder / "phone-receipt.png"))
        await page.close()
