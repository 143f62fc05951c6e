"""Story A as a script: enterprise deregistration by appointment, four clerks.

The story of tests/e2e/test_story_a.py, shared with its fault tests
(tests/e2e/test_hub_restart.py restarts the hub while the booth uploads her materials;
tests/e2e/test_booth_sigkill_story_a.py kills the booth after the locker deposit).

A real hub on 127.0.0.1 with its demo clerks; the booth (tests/e2e/story_booth.py: the
composition root with emulated door relay, locker board and GA 467 ID-card reader on
ptys and generated photos under the document camera, its UI offscreen) in this process
or in a child process; in Debian's Chromium, the citizen page on her phone and the
clerks on the real /console: general desk, tax, social security (for the consultation)
and market regulation, who accept the booth's call and invite each other. The script
plays every person: it books, scans the door, consents, places documents, confirms;
the clerks click their consoles.

:class:`StoryA` runs the story in parts, so a fault test can put its fault between two
of them and end the story its own way. It notes what the people did (the materials
captured and the ones a clerk checked, the slot, the certificates, the form the clerk
typed, the ratings), and :meth:`StoryA.expected_case` turns that into the case a clean
run leaves on the hub, which :func:`case_summary` reads back from the hub's database.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select

from kiosk.config import Config
from kiosk.core.catalog import load_catalog
from kiosk.hub.cli import DEMO_PASSWORD
from tests.e2e import harness
from tests.e2e.harness import TIMEOUT_S, clerk_console, invited_clerk, keep_screenshots, poll

SERVICE = "enterprise-deregistration"
CITIZEN = "张晓屋"  # the name on the emulated reader's ID card (kiosk.devices.idcard.emulator)
ID_NUMBER = "11010519491231002X"  # and its ID number
PHONE = "13912345678"
WAIT_MS = TIMEOUT_S * 1000
LEVELS = [5, 5, 4, 5, 5]  # her ratings: the service item, then each clerk


class Faults:
    """What happens around the story besides the people in it: nothing, by default."""

    async def while_uploading(self, story: StoryA) -> None:
        """She confirmed the tax form: the booth is sending her materials and the form."""


class StoryA:
    """Story A's people (her phone, the clerks' consoles) around one booth."""

    def __init__(self, hub: Any, booth: Any, browser: Any, booth_id: str, shots: Path) -> None:
        self.hub = hub  # url, state (the hub's database), register_booth
        self.booth = booth  # a StoryBooth or a RemoteBooth
        self.browser = browser
        self.booth_id = booth_id
        self.shots = shots  # where the phone's screenshot goes
        self.clerks: dict[str, Any] = {}  # department -> console page
        self.case_id = ""
        self.call_id = ""
        self.session_dir = ""
        self.started = 0.0
        # What the people did, from which the clean run's case follows (expected_case).
        self.captured: list[str] = []
        self.checked: list[str] = []
        self.typed: dict[str, str] = {}
        self.slot = ""
        self.certificates: list[tuple[str, str]] = []  # (title, department)
        self.ratings: list[tuple[str, str, int]] = []  # (target, clerk id, level)
        self.phone: Any = None

    # -- the parts of the story -------------------------------------------------------------

    async def to_the_locker(self, faults: Faults | None = None) -> None:
        """From her booking to the locker slot open for her originals."""
        faults = faults or Faults()
        booth, hub = self.booth, self.hub
        await booth.shot("attract")
        self.started = await booth.session_clock()

        # -- she booked on her phone; at the booth she scans the door's QR code ------------
        context = await self.browser.new_context(
            viewport={"width": 390, "height": 844}, locale="zh-CN"
        )
        phone = self.phone = await context.new_page()
        await phone.goto(hub.url + "/m")
        await phone.wait_for_selector(
            f"#book-form [name=service] option[value='{SERVICE}']", state="attached"
        )
        await phone.select_option("#book-form [name=service]", SERVICE)
        await phone.select_option("#book-form [name=booth_id]", self.booth_id)
        await phone.fill("#book-form [name=name]", CITIZEN)
        await phone.fill("#book-form [name=phone]", PHONE)
        await phone.click("#book-form button[type=submit]")
        await phone.wait_for_selector("#appointments li", timeout=WAIT_MS)
        await phone.goto(await booth.door_link())  # the QR code on the booth's screen
        await phone.wait_for_function(
            "() => document.querySelector('#door-appointment').value !== ''", timeout=WAIT_MS
        )
        assert not await booth.door_pulsed()
        await phone.click("#open-door")
        await poll_page(phone, "#door-result", lambda text: "门已打开" in text, "the door opened")
        assert await booth.door_pulsed()  # the relay's emulator saw the strike pulse

        # -- the appointment's case starts; the reader says who she is; a clerk is called --
        await booth.wait_consent()
        case = await booth.case()
        assert case["service"] == SERVICE
        self.case_id = case["hub_case_id"]
        assert self.case_id and case["adopted"] == self.case_id  # her appointment's case
        assert case["id_number"] == ID_NUMBER  # read from the card reader
        self.session_dir = case["session_dir"]
        await booth.shot("call-consent")
        await booth.click("ConsentAgree")

        general = await clerk_console(self.browser, hub.url, "general", DEMO_PASSWORD)
        self.clerks["general"] = general
        await general.click("#queue li[data-kind=booth] button.accept", timeout=WAIT_MS)
        await general.wait_for_selector("#case-panel:not([hidden])", timeout=WAIT_MS)
        assert await general.evaluate("window.xw.caseView.id") == self.case_id
        await booth.wait_clerks(1, "the general clerk in the call")
        await booth.wait_painted(1, "the general clerk's video at the booth")
        await booth.shot("call-general")

        # -- the general clerk sees the taxes and invites a tax clerk ----------------------
        tax = self.clerks["tax"] = await invited_clerk(self.browser, hub.url, general, "tax")
        await booth.wait_clerks(2, "the tax clerk in the call")
        await booth.wait_painted(2, "the tax clerk's video at the booth")
        await booth.shot("call-general-tax")
        # The general desk's questions are settled; that clerk leaves the call.
        await general.click("#steps li[data-position='1'] button.complete")
        await booth.wait_capture("place", "ID card")
        self.call_id = await general.evaluate("window.xw.call.id")
        await leave_call(general, self.call_id)
        await booth.wait_clerks(1, "the general clerk gone")

        # -- captures: the tax clerk asks for the licence first ----------------------------
        await tax.select_option("#capture-material", "business_license")
        await tax.click("#request-capture")
        await booth.wait_capture("place", "licence (original)")
        await booth.shot("capture-licence-place")
        licence = await booth.place("business_license", 11)
        await booth.wait_capture("reading", "licence (original)")
        await booth.remove()
        self.captured.append("business_license")
        await booth.shot("capture-licence-reading")
        await booth.wait_capture("place", "ID card")
        await booth.place("id_card", 4)
        await booth.wait_capture("reading", "ID card")
        await booth.remove()
        self.captured.append("legal_rep_id_card")
        await booth.wait_capture("place", "duplicate")
        await booth.shot("capture-duplicate-place")
        for material in (
            "duplicate",
            "Tax clearance",
            "Application for deregistration",
            "resolution",
            "Liquidation",
        ):  # the originals go into the locker later; no photos of them
            await booth.wait_capture("place", material)
            await booth.click("CaptureSkipButton")

        # -- the tax clerk fills the clearance form with her; both see the same fields ----
        await booth.wait_screen("confirm")
        liquidation = hub_today(hub).replace(day=1).isoformat()
        self.typed = {
            "company_name": licence["name"],
            "uscc": licence["uscc"],
            "legal_rep_name": CITIZEN,
            "phone": PHONE,
            "dissolution_reason": "resolution",
            "liquidation_date": liquidation,
        }
        for key, value in self.typed.items():  # she sees each field as the clerk types it
            field = f"#case-form input[name='{key}']"
            await tax.fill(field, value)
            await tax.dispatch_event(field, "change")
            await booth.wait_value(key, value)
        shown = await booth.confirm_shown(list(self.typed))
        assert shown["fields"] == self.typed  # what the clerk typed is on her screen
        assert shown["reason"] == [True, "股东会决议解散"]  # the reason's label, not its value
        assert "*" in shown["id_number"] and ID_NUMBER not in shown["id_number"]  # masked
        await booth.shot("confirm-tax-form")
        await booth.click("ConfirmButton")
        await faults.while_uploading(self)

        # -- tax review: materials on the hub, one checked against the original ------------
        await poll(
            lambda: len(self.rows("MaterialRecord", "id")) == len(self.captured),
            "her materials on the hub",
            seen=lambda: self.rows("MaterialRecord", "code"),
        )
        await tax.wait_for_selector("#materials li.material img", timeout=WAIT_MS)
        await booth.wait_painted(1, "the tax clerk's video during the review")
        await booth.shot("call-tax-review")
        licence_item = "#materials li.material[data-code='business_license']"
        await tax.fill(f"{licence_item} input.against", "营业执照正本（视频核验）")
        await tax.click(f"{licence_item} button.verify")
        await tax.wait_for_selector("#materials .trust-B", timeout=WAIT_MS)
        self.checked.append("business_license")
        await booth.wait_checked("business_license")
        await tax.click("#steps li[data-position='4'] button.complete")  # approved
        await booth.wait_step(6)  # the consultation

        # -- the tax clerk invites social security for her pension question ----------------
        social = self.clerks["social"] = await invited_clerk(self.browser, hub.url, tax, "social")
        await booth.wait_clerks(2, "the social-security clerk in the call")
        await booth.wait_screen("call")
        await booth.wait_painted(2, "the social-security clerk's video at the booth")
        await booth.shot("call-tax-social-consult")
        # The clearance certificate reaches her phone while she is still asking.
        await self.issue(tax, "清税证明", "tax")  # issued, its step is done
        await phone.goto(hub.url + "/m")
        await phone.wait_for_selector("a.certificate:text-is('清税证明')", timeout=WAIT_MS)
        assert await booth.current_step() == 6  # still in the consultation
        await booth.wait_certificate("tax")
        await social.click("#steps li[data-position='6'] button.complete")

        # -- market regulation deregisters the licence -------------------------------------
        self.clerks["market"] = await invited_clerk(self.browser, hub.url, tax, "market")
        await booth.wait_clerks(3, "the market clerk in the call")
        for page in (social, tax):  # the others leave her with the market clerk
            await leave_call(page, self.call_id)
        await booth.wait_clerks(1, "only the market clerk left")
        await booth.wait_screen("confirm")
        await booth.shot("confirm-market-form")
        assert (await booth.locker())["unlocks"] == []
        await booth.click("ConfirmButton")

        # -- the locker opens; she posts the originals; the door closes on them ------------
        self.slot = await booth.wait_locker("open")
        locker = await booth.locker()
        assert locker["unlocks"] == [int(self.slot)] and locker["open"] == [int(self.slot)]
        await booth.shot("locker-open")

    async def door_closes(self) -> None:
        """She posts the originals and shuts the locker's door on them."""
        booth = self.booth
        await booth.post_originals(self.slot)
        assert await booth.wait_locker("closed_with_item") == self.slot
        locker = await booth.locker()
        assert locker["open"] == [] and locker["holding"] == [int(self.slot)]
        await booth.shot("call-market-review")  # the door closed: the review begins

    async def market_reviews(self) -> None:
        """The deposit reached the hub; the market clerk checks the originals, approves."""
        await poll(lambda: self.rows("LockerDeposit", "id"), "the deposit on the hub")
        deposits = self.rows("LockerDeposit", "slot", "door", "item_present")
        assert deposits == [(self.slot, "closed", True)]
        await self.clerks["market"].click("#steps li[data-position='9'] button.complete")

    async def market_issues(self) -> None:
        """The deregistration notice, and the last step done."""
        market = self.clerks["market"]
        await self.issue(market, "准予注销登记通知书", "market")  # issued, its step is done

    async def rated_at_the_booth(self) -> None:
        """The market clerk ends the call; she rates the item and each clerk (好差评)."""
        booth = self.booth
        await booth.wait_rating(1)
        await self.market_issues()
        await self.clerks["market"].click("#end-call")
        await booth.wait_call_over()
        await booth.shot("rating-service")
        for n, level in enumerate(LEVELS, start=1):
            targets = await booth.wait_rating(n)
            if n == 2:
                await booth.shot("rating-clerk")
            await booth.click(f"rating_{level}")
        await booth.wait_done()
        await booth.shot("done")
        assert targets[0] == "service" and len(set(targets)) == len(LEVELS)
        self.ratings = [("service", "", LEVELS[0])] + [
            ("clerk", clerk, level) for clerk, level in zip(targets[1:], LEVELS[1:], strict=True)
        ]

    async def continues_on_her_phone(self) -> None:
        """The booth closed her session: her phone tells her how to go on, and she rates
        the item and each clerk there (好差评)."""
        phone = self.phone
        await phone.goto(self.hub.url + "/m")
        await phone.wait_for_selector("#inbox li:has-text('设备重启')", timeout=WAIT_MS)
        await phone.screenshot(path=str(self.shots / "phone-continue.png"), full_page=True)
        rating = "#cases .case .rating"
        await phone.wait_for_selector(f"{rating} button.rate", timeout=WAIT_MS)
        clerks = await phone.eval_on_selector_all(
            f"{rating} select[data-target=clerk]", "(els) => els.map((s) => s.dataset.clerk)"
        )
        assert len(clerks) == len(LEVELS) - 1, clerks  # the four clerks who served her
        await phone.select_option(f"{rating} select[data-target=service]", str(LEVELS[0]))
        for clerk, level in zip(clerks, LEVELS[1:], strict=True):
            await phone.select_option(f"{rating} select[data-clerk='{clerk}']", str(level))
        await phone.click(f"{rating} button.rate")
        await phone.wait_for_selector(f"{rating} p.rated", timeout=WAIT_MS)
        self.ratings = [("service", "", LEVELS[0])] + [
            ("clerk", clerk, level) for clerk, level in zip(clerks, LEVELS[1:], strict=True)
        ]

    async def certificates_on_her_phone(self) -> None:
        """Both certificates on the citizen page (its screenshot kept with the booth's)."""
        phone = self.phone
        await phone.goto(self.hub.url + "/m")
        await phone.wait_for_selector(
            "a.certificate:text-is('准予注销登记通知书')", timeout=WAIT_MS
        )
        titles = await phone.eval_on_selector_all(
            "a.certificate", "(els) => els.map((a) => a.textContent)"
        )
        assert sorted(titles) == sorted(title for title, _ in self.certificates)
        await phone.screenshot(path=str(self.shots / "phone-certificates.png"), full_page=True)

    async def she_leaves(self) -> None:
        """She touches 'finish': nothing of her stays in the booth."""
        booth = self.booth
        await booth.wait_outbox_empty()
        await booth.click("FinishButton")
        assert await booth.screen() == "attract"
        assert await booth.holds_her(self.session_dir, [CITIZEN, ID_NUMBER]) == {
            "session": False,
            "session_dir": False,
            "sessions": [],
            "files": [],  # none of her in plain text anywhere in the booth's data
        }
        assert await booth.outbox_pending() == 0
        await booth.shot("attract-after")

    # -- the hub -----------------------------------------------------------------------------

    async def issue(self, page: Any, title: str, department: str) -> None:
        before = await page.locator("#certificates li a").count()
        # she chooses her department's certificate and confirms what is issued
        await page.wait_for_function(
            "(title) => [...document.querySelectorAll('#cert-choice option')]"
            ".some((o) => !o.disabled && o.textContent.startsWith(title))",
            arg=title,
            timeout=WAIT_MS,
        )
        await page.eval_on_selector(
            "#cert-choice",
            "(sel, title) => { sel.value = [...sel.options]"
            ".find((o) => o.textContent.startsWith(title)).value; }",
            title,
        )
        await page.click("#issue")
        await page.wait_for_selector("#cert-confirm:not([hidden])")
        assert title in await page.text_content("#cert-confirm-facts")
        await page.click("#cert-confirm-ok")
        await page.wait_for_function(
            f"() => document.querySelectorAll('#certificates li a').length > {before}",
            timeout=WAIT_MS,
        )
        self.certificates.append((title, department))

    def rows(self, model_name: str, *columns: str) -> list[tuple[Any, ...]]:
        """The hub's rows of a model (kiosk.hub.models) for the case, as tuples."""
        from kiosk.hub import models

        model = getattr(models, model_name)
        with self.hub.state.db() as db:
            found = db.scalars(select(model).where(model.case_id == self.case_id))
            return [tuple(getattr(r, c) for c in columns) for r in found]

    def expected_case(self) -> dict[str, Any]:
        """The case a clean run leaves on the hub, from the catalog and what people did."""
        service = load_catalog().service(SERVICE)
        return {
            "status": "done",
            "form": self.typed,
            "steps": [(n, step.kind, "done") for n, step in enumerate(service.steps)],
            "materials": sorted(
                (code, "B" if code in self.checked else "C") for code in self.captured
            ),
            "deposits": [(self.slot, "closed", True)],
            "certificates": sorted(self.certificates),
            "ratings": sorted(self.ratings),
        }


def case_summary(hub: Any, case_id: str, form_keys: list[str]) -> dict[str, Any]:
    """What the hub holds of the case, in the shape of :meth:`StoryA.expected_case`: one
    entry per row, so a write that took effect twice shows up as a second entry."""
    from kiosk.hub import models as m

    with hub.state.db() as db:
        case = db.get(m.Case, case_id)
        assert case is not None, case_id

        def rows(model: Any, *columns: str) -> list[tuple[Any, ...]]:
            found = db.scalars(select(model).where(model.case_id == case_id))
            return sorted(tuple(getattr(r, c) for c in columns) for r in found)

        steps = db.scalars(
            select(m.CaseStep).where(m.CaseStep.case_id == case_id).order_by(m.CaseStep.position)
        )
        return {
            "status": case.status,
            "form": {key: (case.form or {}).get(key) for key in form_keys},
            "steps": [(s.position, s.kind, s.status) for s in steps],
            "materials": rows(m.MaterialRecord, "code", "trust_level"),
            "deposits": rows(m.LockerDeposit, "slot", "door", "item_present"),
            "certificates": rows(m.Certificate, "title", "department"),
            "ratings": rows(m.Rating, "target", "clerk_id", "level"),
        }


def keys_stored_twice(hub: Any) -> list[str]:
    """Idempotency keys the hub stored an answer for more than once (under two callers,
    e.g. once as the booth and once as the citizen): a write that took effect twice."""
    from kiosk.hub.models import IdempotentResponse

    with hub.state.db() as db:
        keys = Counter(db.scalars(select(IdempotentResponse.key)))
    return sorted(key for key, n in keys.items() if n > 1)


def story_config(hub: Any, tmp_path: Path) -> Config:
    """The demo booth's configuration for story A."""
    return calmer_video(harness.story_config(hub, tmp_path))


def calmer_video(config: Config) -> Config:
    """Two video tracks to up to two clerks on two shared cores: a calmer frame rate."""
    return dataclasses.replace(config, call=dataclasses.replace(config.call, video_fps=8.0))


async def run_story_a(
    hub: Any,
    tmp_path: Path,
    *,
    faults: Faults | None = None,
    adjust: Callable[[Config], Config] | None = None,
    built: Callable[[Any], None] | None = None,
) -> StoryA:
    """Story A from her booking to her leaving, on a booth in this process; checks that
    the hub holds the case a clean run leaves, each write once, and the booth nothing of
    her. ``faults`` acts during the story, ``adjust`` changes the booth's configuration,
    ``built`` sees the booth before it starts."""
    from tests.call.browser import chromium
    from tests.e2e.story_booth import StoryBooth

    config = story_config(hub, tmp_path)
    if adjust is not None:
        config = adjust(config)
    booth = StoryBooth(config, tmp_path / "shots", built)
    try:
        await booth.start()
        async with chromium() as browser:
            story = StoryA(hub, booth, browser, config.booth.id, tmp_path / "shots")
            await story.to_the_locker(faults)
            await story.door_closes()
            await story.market_reviews()
            await story.rated_at_the_booth()
            session_s = await booth.session_clock() - story.started
            await booth.wait_outbox_empty()
            await story.certificates_on_her_phone()
        summary = case_summary(hub, story.case_id, list(story.typed))
        assert summary == story.expected_case()
        assert keys_stored_twice(hub) == []
        await story.she_leaves()
        shots = await booth.screenshots()
        print(f"story A: session {session_s:.1f} s on the booth's clock, {len(shots)} shots")
        return story
    finally:
        await booth.stop()
        if faults is None:
            keep_story_screenshots(await booth.screenshots())


def hub_today(hub: Any) -> Any:
    return hub.state.clock.now().date()


async def leave_call(page: Any, call_id: str) -> None:
    await page.evaluate("(id) => api('POST', `/api/v1/calls/${id}/leave`)", call_id)


async def poll_page(page: Any, selector: str, ok: Any, what: str) -> None:
    """Wait until the text of ``selector`` on ``page`` is ``ok``; fail saying what it was."""
    text = ""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + TIMEOUT_S
    while loop.time() < deadline:
        text = await page.text_content(selector) or ""
        if ok(text):
            return
        await asyncio.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}: {selector} says {text!r}")


def keep_story_screenshots(taken: list[str]) -> None:
    """Copy the screenshots to ``STORY_SCREENSHOTS_DIR`` when it is set (docs/story-a/)."""
    keep = os.environ.get("STORY_SCREENSHOTS_DIR")
    if keep:
        keep_screenshots([Path(p) for p in taken], Path(keep))
