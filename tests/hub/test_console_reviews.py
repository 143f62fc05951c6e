"""The clerk console's reviews in Debian's Chromium: a fund-centre clerk sees the cases
its rules referred, with the reasons in words, and approves or refuses them through the
hub's API; the decisions reach the cases and the citizens' phones."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.hub.conftest import Hub, login
from tests.hub.test_rules_review import position, submitted_case

pytestmark = [pytest.mark.browser, pytest.mark.slow]
WAIT_MS = 20_000
ARTIFACTS = Path(__file__).resolve().parents[2] / "build" / "test-artifacts" / "hub"


def referred(hub: Hub, booth: str, **changes: str) -> dict[str, Any]:
    case = submitted_case(hub, booth, **changes)
    r = hub.post(booth, f"/api/v1/cases/{case['id']}/steps/{position(case, 'review')}/complete")
    assert r.json()["review"]["approved"] is False, r.text
    return case


def test_a_clerk_approves_and_refuses_referred_reviews_in_the_console(
    hub: Hub, browser: Any
) -> None:
    booth = hub.booth("b1")
    too_much = referred(hub, booth, amount="1300000")
    bad_card = referred(hub, booth, bank_account="6222021234567890")
    hpf = hub.clerk("hpf1", "hpf")
    desk = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    page = desk.new_page()
    login(page, hub.url, "hpf1")
    page.wait_for_function("() => document.querySelectorAll('#reviews li.review').length === 2")
    first = page.locator(f"#reviews li.review[data-case='{too_much['id']}']")
    assert "购房提取住房公积金" in first.locator("b").text_content()
    reasons = first.locator("li.reason").all_text_contents()
    assert reasons == ["提取金额（元）：超出限额"], reasons  # two limits, said once
    second = page.locator(f"#reviews li.review[data-case='{bad_card['id']}']")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "console-reviews.png"))
    assert second.locator("li.reason").all_text_contents() == ["收款银行卡号：未通过校验"]

    # Approve: the review is done, the receipt issued to the phone, the queue shorter.
    first.locator("button.approve").click()
    page.wait_for_function("() => document.querySelectorAll('#reviews li.review').length === 1")
    case = hub.get(hpf, f"/api/v1/cases/{too_much['id']}").json()
    steps = {s["kind"]: s for s in case["steps"]}
    assert steps["review"]["status"] == "done" and steps["certificate"]["status"] == "done"
    (receipt,) = case["certificates"]
    assert receipt["department"] == "hpf"
    phone = hub.get(too_much["citizen_token"], "/api/v1/citizen/overview").json()
    assert phone["cases"][0]["certificates"][0]["id"] == receipt["id"]

    # Refuse: a reason is required; it reaches the case's history and the citizen.
    second.locator("button.refuse").click()
    page.wait_for_function(
        "() => document.querySelector('#reviews-status').textContent === '请填写驳回理由'"
    )
    second.locator("input.refuse-reason").fill("银行卡号有误，请核对后重新申请")
    second.locator("button.refuse").click()
    page.wait_for_selector("#reviews-empty:not([hidden])", timeout=WAIT_MS)
    case = hub.get(hpf, f"/api/v1/cases/{bad_card['id']}").json()
    assert case["status"] == "rejected"
    assert {s["kind"]: s["status"] for s in case["steps"]}["review"] == "rejected"
    inbox = hub.get(bad_card["citizen_token"], "/api/v1/citizen/overview").json()["inbox"]
    assert inbox[0]["kind"] == "review_refused" and "银行卡号有误" in inbox[0]["text"]

    # The console speaks English too.
    page.click("#lang")
    assert page.text_content("#reviews-panel h2") == "Reviews referred to a clerk"
    assert page.text_content("#reviews-empty") == "No reviews waiting"
    desk.close()


def test_a_referred_review_reaches_an_open_console_when_it_happens(hub: Hub, browser: Any) -> None:
    """The hub tells the department's consoles (reviews_changed): a review referred while
    the clerk looks shows up, and leaves when another clerk decides it, well before the
    console's 30-second poll would have found either."""
    booth = hub.booth("b1")
    other = hub.clerk("hpf2", "hpf")
    hub.clerk("hpf1", "hpf")
    page = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN").new_page()
    login(page, hub.url, "hpf1")
    page.wait_for_selector("#reviews-empty:not([hidden])")

    case = referred(hub, booth, amount="1300000")
    page.wait_for_selector(f"#reviews li.review[data-case='{case['id']}']", timeout=10_000)
    r = hub.post(other, f"/api/v1/cases/{case['id']}/steps/{position(case, 'review')}/approve")
    assert r.status_code == 200, r.text
    page.wait_for_selector("#reviews-empty:not([hidden])", timeout=10_000)
