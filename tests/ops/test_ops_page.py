"""The operator page in Debian's Chromium: emulated booths' health, a locker fault raised by
the locker emulator, and the work order driven from dispatch to close on the page."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from kiosk.core.clock import SystemClock
from kiosk.devices.locker.bank import LockerBank, SlotJammed
from kiosk.devices.locker.store import SlotStore
from kiosk.ops.health import HealthCollector
from tests.hub.conftest import PASSWORD
from tests.ops.conftest import OpsHub
from tests.ops.emulated_booth import BOOTH_RSS, FAST, EmulatedBooth

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--no-first-run",
]
HAVE_CHROMIUM = Path(CHROMIUM).exists()
ARTIFACTS = Path(__file__).resolve().parents[2] / "build" / "test-artifacts" / "ops"


@pytest.fixture
async def page() -> AsyncIterator[Any]:
    if not HAVE_CHROMIUM:
        pytest.skip("Debian's chromium is not installed")
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            page = await browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(15_000)
            yield page
        finally:
            await browser.close()


async def test_operator_page_drives_a_locker_fault_to_closed(
    ops_hub: OpsHub, stuck_locker: Any, tmp_path: Path, page: Any
) -> None:
    from playwright.async_api import expect

    _model, bus = stuck_locker
    booth = EmulatedBooth(ops_hub, "booth-1")
    bank = LockerBank(bus, SlotStore(tmp_path / "slots.json"), booth.reporter, SystemClock(), FAST)
    booth.collector = HealthCollector(
        SystemClock(), version="1.2.3", locker=bank, rss=lambda: BOOTH_RSS
    )
    booth.reporter.collector = booth.collector
    other = EmulatedBooth(ops_hub, "booth-2")
    await booth.start()
    await other.start()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        await page.goto(ops_hub.url + "/ops")
        await page.fill("#login input[name=username]", "operator")
        await page.fill("#login input[name=password]", PASSWORD)
        await page.click("#login button[type=submit]")
        row1 = page.locator('tr[data-booth="booth-1"]')
        row2 = page.locator('tr[data-booth="booth-2"]')
        await expect(row1.locator(".status")).to_have_text("在线")
        await expect(row2.locator(".status")).to_have_text("在线")
        await expect(row1).to_contain_text("1.2.3")
        await expect(row1.locator(".locker")).to_have_text("16/16")
        await expect(row2.locator(".devices")).to_contain_text("door")

        # a maintainer, added on the page
        await page.fill("#maintainer-form input[name=name]", "王师傅")
        await page.fill("#maintainer-form input[name=phone]", "13800000000")
        await page.click("#maintainer-form button[type=submit]")
        await expect(page.locator("#maintainers")).to_contain_text("王师傅")

        # the emulator's stuck door: the bank alerts, the booth reports, the page shows it
        with pytest.raises(SlotJammed):
            await bank.deposit("case-a", "M")
        await expect(row1.locator(".alert")).to_have_text("柜门卡住")
        card = page.locator('li.order[data-kind="locker.jammed"]')
        await expect(card).to_have_attribute("data-stage", "alerted")
        await expect(row1.locator(".locker")).to_have_text("15/16")  # one slot out of service
        await page.screenshot(path=str(ARTIFACTS / "alerted.png"), full_page=True)

        await card.locator("select.pick").select_option(label="王师傅")
        await card.locator("button.dispatch").click()
        await expect(card).to_have_attribute("data-stage", "dispatched")
        await expect(card.locator(".maintainer")).to_contain_text("13800000000")
        await card.locator("button.start").click()
        await expect(card).to_have_attribute("data-stage", "handling")
        await card.locator("input.note-input").fill("更换门锁弹簧")
        await card.locator("button.close").click()
        closed = page.locator('.column[data-stage="closed"] li.order[data-kind="locker.jammed"]')
        await expect(closed).to_contain_text("更换门锁弹簧")
        await expect(row1.locator(".alerts")).to_have_text("无")
        stats = page.locator('#stats-kind tr[data-key="locker.jammed"]')
        await expect(stats.locator(".ttf")).to_contain_text("秒")
        await expect(stats.locator(".ttd")).to_contain_text("秒")

        # English, and a restart from the page reaching booth-2 over its WebSocket
        await page.click("#lang")
        await expect(page.locator("#orders-panel h2")).to_have_text("Work orders")
        await expect(row1.locator(".status")).to_have_text("Online")
        await expect(closed.locator(".kind")).to_have_text("Locker door jammed")
        page.on("dialog", lambda dialog: asyncio.ensure_future(dialog.accept()))
        await row2.locator("button.restart").click()
        await expect(page.locator("#notice")).to_contain_text("Restart sent")
        assert other.restarts == ["operator: operator page"]

        await row2.locator("button.config").click()
        await page.fill("#config-form input[name=key]", "booth.idle_timeout_s")
        await page.fill("#config-form input[name=value]", "120")
        await page.click("#config-form button[type=submit]")
        await expect(page.locator("#notice")).to_have_text("Configuration pushed")
        assert [c["settings"] for c in other.configs] == [{"booth.idle_timeout_s": 120}]
        # the hub's address is never pushed: the page shows the hub's refusal
        await row2.locator("button.config").click()
        await page.fill("#config-form input[name=key]", "hub.url")
        await page.fill("#config-form input[name=value]", "http://elsewhere.example")
        await page.click("#config-form button[type=submit]")
        await expect(page.locator("#notice")).to_contain_text("config_locked_key")
        assert len(other.configs) == 1
        await page.screenshot(path=str(ARTIFACTS / "closed.png"), full_page=True)

        # booth-2 goes away: the page shows it offline
        await other.stop()
        await expect(row2.locator(".status")).to_contain_text("Offline")
    finally:
        await booth.stop()
        await other.stop()
