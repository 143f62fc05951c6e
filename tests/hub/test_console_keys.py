"""The clerk console from the keyboard, in Debian's Chromium against a real hub: A accepts
the next citizen, M mutes and unmutes the clerk's microphone, I invites the department
chosen beside the invite button, C completes the case's current step; the shortcuts are
listed on screen in zh_CN, en and zh_HK, and a letter typed into an input stays text."""

from __future__ import annotations

from typing import Any

import pytest

from tests.hub.conftest import Hub, login, typed
from tests.hub.test_calls import request_call

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LISTED = {
    "zh": ["接入下一位", "静音", "邀请所选部门", "完成当前步骤"],
    "en": [
        "Accept the next citizen",
        "Mute",
        "Invite the chosen department",
        "Complete the current step",
    ],
    "zh_HK": ["接入下一位", "靜音", "邀請所選部門", "完成當前步驟"],
}


def _desk(browser: Any, hub: Hub, username: str, lang: str) -> Any:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.add_init_script(f"localStorage.setItem('xw.lang', '{lang}')")
    page = context.new_page()
    login(page, hub.url, username)
    return page


@pytest.mark.parametrize("lang", ["zh", "en", "zh_HK"])
def test_the_shortcuts_are_listed_on_screen(hub: Hub, browser: Any, lang: str) -> None:
    hub.clerk("gen1", "general")
    page = _desk(browser, hub, "gen1", lang)
    help_line = page.locator("#keys-help")
    help_line.wait_for()
    text = help_line.text_content() or ""
    for words in LISTED[lang]:
        assert words in text, text
    for key in ("A", "M", "I", "C"):
        assert page.locator(f"#keys-help kbd:text-is('{key}')").count() == 1, text


def test_a_clerk_accepts_mutes_invites_and_completes_from_the_keyboard(
    hub: Hub, browser: Any
) -> None:
    booth_token = hub.booth("b1")
    booth = hub.ws("/ws/booth", booth_token)
    booth.wait_for(typed("welcome"))
    case = hub.post(
        booth_token,
        "/api/v1/cases",
        {"service": "enterprise-deregistration", "citizen": {"name": "张三"}},
    ).json()
    hub.clerk("gen1", "general")
    tax = hub.clerk("tax1", "tax")
    page = _desk(browser, hub, "gen1", "zh")
    entry = request_call(booth, "general", case["id"])
    page.wait_for_selector(f"#queue li[data-entry='{entry['id']}']")

    # a letter typed into an input is text, never a shortcut
    page.click("#case-search")
    page.keyboard.type("ac")
    assert page.input_value("#case-search") == "ac"
    page.evaluate("document.activeElement.blur()")

    page.keyboard.press("a")
    page.wait_for_selector("#call-panel:not([hidden])")
    page.wait_for_selector("#case-panel:not([hidden])")
    assert page.evaluate("() => window.xw.call.case_id") == case["id"]

    page.wait_for_function("() => window.xw.keys.localStream() !== null")
    page.keyboard.press("m")
    page.wait_for_function(
        "() => window.xw.keys.localStream().getAudioTracks().every((t) => !t.enabled)"
    )
    assert page.text_content("#mute") == "取消静音"
    page.keyboard.press("m")
    page.wait_for_function(
        "() => window.xw.keys.localStream().getAudioTracks().every((t) => t.enabled)"
    )
    assert page.text_content("#mute") == "静音"

    page.select_option("#invite-dept", "tax")
    page.evaluate("document.activeElement.blur()")  # the select had the focus
    page.keyboard.press("i")
    page.wait_for_function(
        "() => document.querySelector('#keys-status').textContent.startsWith('已邀请')"
    )
    entries = hub.get(tax, "/api/v1/queues/tax").json()["entries"]
    assert [e["kind"] for e in entries] == ["invite"], entries

    first = case_step(hub, booth_token, case["id"], 0)
    assert first["status"] == "pending"
    page.keyboard.press("c")
    page.wait_for_function(
        "() => document.querySelector('#keys-status').textContent.startsWith('已完成')"
    )
    assert case_step(hub, booth_token, case["id"], 0)["status"] == "done"
    # only the keys pressed outside inputs acted: the "a" and "c" typed into the search did not
    assert page.evaluate("() => window.xw.keys.done") == [
        "accept",
        "mute",
        "mute",
        "invite",
        "complete",
    ]
    assert case_step(hub, booth_token, case["id"], 1)["status"] == "pending"


def case_step(hub: Hub, token: str, case_id: str, position: int) -> Any:
    steps = hub.get(token, f"/api/v1/cases/{case_id}").json()["steps"]
    return steps[position]
