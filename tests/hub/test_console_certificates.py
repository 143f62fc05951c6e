"""Certificates and the department's cases in the clerk console, in Debian's Chromium
against a real hub, in Chinese and in English: the tax clerk finds the case in her
department's list, chooses among her own department's certificates only, confirms what
she issues, cannot issue it twice, keeps the case across a reload; her supervisor revokes
it with a reason that the verification page and the citizen's phone show."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.hub.conftest import Hub, login
from tests.hub.steps import TAX_CLEARANCE, reach_step

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ARTIFACTS = Path(__file__).resolve().parents[2] / "build" / "test-artifacts" / "hub"
ID_NUMBER = "44010619900101123X"
MASKED_ID = "4401**********123X"

WORDS = {
    "zh": {
        "title": "清税证明",
        "department": "税务局",
        "confirm": "确认出具",
        "issued": "已出具",
        "twice": "该证明已出具，不能重复出具",
        "waiting": "等待本部门",
        "revoked": "已撤销",
    },
    "en": {
        "title": "Tax clearance certificate",
        "department": "Tax Bureau",
        "confirm": "Issue it",
        "issued": "issued",
        "twice": "This certificate was issued already; it cannot be issued twice",
        "waiting": "Waiting for us",
        "revoked": "Revoked",
    },
}


def _desk(browser: Any, hub: Hub, username: str, lang: str) -> Any:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_init_script(f"localStorage.setItem('xw.lang', '{lang}')")
    page = context.new_page()
    login(page, hub.url, username)
    return page


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_clerk_issues_her_departments_certificate_after_confirming_and_a_supervisor_revokes(
    hub: Hub, browser: Any, lang: str
) -> None:
    words = WORDS[lang]
    booth = hub.booth("b1")
    case = hub.post(booth, "/api/v1/cases", {"service": "enterprise-deregistration"}).json()
    fields = {"applicant_name": "张三", "id_number": ID_NUMBER}
    assert hub.put(booth, f"/api/v1/cases/{case['id']}/form", {"fields": fields}).status_code == 200
    reach_step(hub, case["id"], TAX_CLEARANCE)
    hub.clerk("tax1", "tax")
    page = _desk(browser, hub, "tax1", lang)

    # her department's list: the case waits for the tax bureau; found by the phone's tail
    # too (none given) -- and by its number
    row = f"#cases-waiting li.desk-case[data-case='{case['id']}']"
    page.wait_for_selector(row)
    assert words["waiting"] in page.locator("#cases-waiting-heading").text_content()
    page.fill("#case-search", case["id"][:6])
    page.wait_for_selector(row)
    page.click(f"{row} button.open-case")
    page.wait_for_function("() => document.querySelectorAll('#cert-choice option').length > 0")

    # only the tax bureau's certificate, never the market regulator's notice
    options = page.locator("#cert-choice option").all_text_contents()
    assert len(options) == 1 and words["title"] in options[0], options
    assert "准予注销登记通知书" not in page.locator("#cert-choice").inner_html()
    page.click("#issue")
    page.wait_for_selector("#cert-confirm:not([hidden])")
    facts = page.locator("#cert-confirm-facts dd").all_text_contents()
    assert facts == [words["title"], words["department"], "张*", MASKED_ID, case["id"]], facts
    assert ID_NUMBER not in page.locator("#cert-confirm").text_content()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"console-certificate-confirm-{lang}.png"))
    assert page.locator("#cert-confirm-ok").text_content() == words["confirm"]
    page.click("#cert-confirm-ok")
    page.wait_for_selector("#certificates li a.certificate")

    # not twice: the choice is marked issued, the button says why it cannot work
    page.wait_for_function("() => document.querySelector('#issue').disabled === true")
    assert words["issued"] in page.locator("#cert-choice option").first.text_content()
    assert page.locator("#cert-why").text_content() == words["twice"]
    (cert,) = hub.get(booth, f"/api/v1/cases/{case['id']}").json()["certificates"]
    assert cert["title"] == "清税证明" and cert["department"] == "tax"

    # the case survives a reload of the console
    page.reload()
    page.wait_for_selector("#case-panel:not([hidden])")
    page.wait_for_function(f"() => window.xw.caseView && window.xw.caseView.id === '{case['id']}'")
    assert page.locator("#certificates li a.certificate").count() == 1
    assert page.locator("#certificates button.revoke").count() == 0  # not a supervisor

    # her supervisor revokes it, with a reason
    hub.clerk("tax-sup", "tax", ("clerk", "supervisor"))
    sup = _desk(browser, hub, "tax-sup", lang)
    sup.wait_for_selector(f"li.desk-case[data-case='{case['id']}'] button.open-case")
    sup.click(f"li.desk-case[data-case='{case['id']}'] button.open-case")
    sup.wait_for_selector("#certificates button.revoke")
    sup.fill("#certificates input.revoke-reason", "名称有误 wrong name")
    sup.click("#certificates button.revoke")
    sup.wait_for_selector("#certificates strong.revoked")
    shown = sup.locator("#certificates strong.revoked").text_content()
    assert words["revoked"] in shown and "名称有误 wrong name" in shown
    # after it was revoked, it can be issued again (a corrected one)
    sup.wait_for_function("() => document.querySelector('#issue').disabled === false")

    verify = page.context.new_page()
    verify.goto(f"{hub.url}/verify/{cert['id']}")
    assert "名称有误 wrong name" in verify.content()
    phone = browser.new_context().new_page()
    phone.add_init_script(f"localStorage.setItem('xw.lang', '{lang}')")
    phone.goto(f"{hub.url}/m/#t={case['citizen_token']}")
    phone.wait_for_selector("strong.revoked")
    assert "名称有误 wrong name" in phone.locator("strong.revoked").text_content()
