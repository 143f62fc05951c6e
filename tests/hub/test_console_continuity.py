"""Case continuity in the clerk console, in Debian's Chromium against a real hub, in
Chinese and English: when the tax bureau's last step is done, the social-security clerk
is told the case now waits for her and finds it in her list; the case's history reads in
words, not JSON; a clerk leaves a call without ending it for the others."""

from __future__ import annotations

from typing import Any

import pytest

from tests.hub.conftest import Hub, login, typed
from tests.hub.steps import TAX_CLEARANCE, reach_step
from tests.hub.test_calls import request_call

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WORDS = {
    "zh": {
        "notice": "新案件等待本部门：",
        "issued": "出具证明：清税证明",
        "step": "完成步骤：税务清税审核",
        "leave": "离开通话（其他人继续）",
        "left": "您已离开通话，其他人继续",
    },
    "en": {
        "notice": "A case now waits for us: ",
        "issued": "Certificate issued: 清税证明",
        "step": "Step done: 税务清税审核",
        "leave": "Leave the call (the others go on)",
        "left": "You left the call; the others go on",
    },
}


def _desk(browser: Any, hub: Hub, username: str, lang: str) -> Any:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.add_init_script(f"localStorage.setItem('xw.lang', '{lang}')")
    page = context.new_page()
    login(page, hub.url, username)
    return page


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_next_department_is_told_and_the_history_reads_in_words(
    hub: Hub, browser: Any, lang: str
) -> None:
    words = WORDS[lang]
    booth = hub.booth("b1")
    case = hub.post(
        booth,
        "/api/v1/cases",
        {"service": "enterprise-deregistration", "citizen": {"name": "张三"}},
    ).json()
    tax = hub.clerk("tax1", "tax")
    hub.clerk("soc1", "social")
    social = _desk(browser, hub, "soc1", lang)
    reach_step(hub, case["id"], TAX_CLEARANCE, booth=booth, clerk=tax)
    assert social.locator("#cases-notice").text_content() == ""  # not hers yet
    # the tax bureau's last step is its certificate: issued, the step is done
    assert hub.post(tax, f"/api/v1/cases/{case['id']}/certificates", {}).status_code == 201
    social.wait_for_function(
        "(w) => document.querySelector('#cases-notice').textContent.startsWith(w)",
        arg=words["notice"],
    )
    assert case["id"][:8] in social.locator("#cases-notice").text_content()
    row = f"#cases-waiting li.desk-case[data-case='{case['id']}']"
    social.wait_for_selector(row)
    social.click(f"{row} button.open-case")
    social.wait_for_function("() => document.querySelectorAll('#case-history li').length > 0")
    history = social.locator("#case-history li").all_text_contents()
    assert any(words["issued"] in line for line in history), history
    assert any(words["step"] in line and "tax1" in line for line in history), history
    assert not any("{" in line or "step_done" in line for line in history), history


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_clerk_leaves_the_call_and_the_others_go_on(hub: Hub, browser: Any, lang: str) -> None:
    words = WORDS[lang]
    booth_token = hub.booth("b1")
    booth = hub.ws("/ws/booth", booth_token)
    booth.wait_for(typed("welcome"))
    gen = hub.clerk("gen1", "general")
    tax = hub.clerk("tax1", "tax")
    general = _desk(browser, hub, "gen1", lang)
    entry = request_call(booth, "general")
    general.click(f"#queue li[data-entry='{entry['id']}'] button.accept")
    general.wait_for_selector("#call-panel:not([hidden])")
    call_id = general.evaluate("() => window.xw.call.id")
    r = hub.post(gen, f"/api/v1/calls/{call_id}/invite", {"department": "tax"})
    assert r.status_code == 201, r.text
    (invite,) = hub.get(tax, "/api/v1/queues/tax").json()["entries"]
    assert hub.post(tax, f"/api/v1/queue/{invite['id']}/accept").status_code == 200
    assert general.locator("#leave-call").text_content() == words["leave"]
    general.click("#leave-call")
    general.wait_for_selector("#call-panel", state="hidden")
    assert general.locator("#queue-status").text_content() == words["left"]
    call = hub.get(tax, f"/api/v1/calls/{call_id}").json()
    assert call["status"] == "active", call  # the tax clerk and the citizen go on


def test_a_clerk_hands_the_citizen_over_and_leaves_once_the_other_joined(
    hub: Hub, browser: Any
) -> None:
    booth_token = hub.booth("b1")
    booth = hub.ws("/ws/booth", booth_token)
    booth.wait_for(typed("welcome"))
    hub.clerk("gen1", "general")
    tax = hub.clerk("tax1", "tax")
    general = _desk(browser, hub, "gen1", "zh")
    entry = request_call(booth, "general")
    general.click(f"#queue li[data-entry='{entry['id']}'] button.accept")
    general.wait_for_selector("#call-panel:not([hidden])")
    call_id = general.evaluate("() => window.xw.call.id")
    general.select_option("#invite-dept", "tax")
    general.click("#hand-over")
    general.wait_for_function(
        "() => document.querySelector('#push-status').textContent.startsWith('正在转交')"
    )
    assert general.locator("#call-panel").is_visible()  # not gone before the other came
    (invite,) = hub.get(tax, "/api/v1/queues/tax").json()["entries"]
    assert hub.post(tax, f"/api/v1/queue/{invite['id']}/accept").status_code == 200
    general.wait_for_selector("#call-panel", state="hidden")
    assert general.locator("#queue-status").text_content() == "已转交，您已离开通话"
    assert hub.get(tax, f"/api/v1/calls/{call_id}").json()["status"] == "active"
