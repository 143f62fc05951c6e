"""The clerk console's shared form in Debian's Chromium while the case reloads under it.

A case reloads whenever another party changes it (a material arrives, a step is done). The
clerk typing in its form keeps the focus, the caret and her text, and a reloaded copy that
was read before her edit reached the hub does not put the old value back (which the next
change event would have sent to the booth, erasing what she typed there too).
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.hub.conftest import Hub, login
from tests.hub.test_console_reviews import referred

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def pump_until(page: Any, condition: Any, what: str, timeout: float = 20.0) -> None:
    """Let Playwright dispatch its events (route handlers) until ``condition()`` holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        page.evaluate("0")


OPEN_CASE = "#reviews li.review[data-case='{case}'] button.open-case"
FIELD = "#case-form input[name='bank_name']"


def hpf_clerk_on_a_referred_case(hub: Hub, browser: Any) -> tuple[Any, Any, Any, str]:
    """A provident-fund clerk's console (its browser context and page) with a referred
    case open, its bank name as the booth filled it; and the clerk's API token."""
    booth = hub.booth("b1")
    case = referred(hub, booth, amount="1300000")
    clerk = hub.clerk("hpf1", "hpf")
    desk = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    page = desk.new_page()
    login(page, hub.url, "hpf1")
    page.click(OPEN_CASE.format(case=case["id"]))
    page.wait_for_selector("#case-panel:not([hidden])")
    assert page.input_value(FIELD) == "中国工商银行"
    return desk, page, case, clerk


def hold_reloads(page: Any, case_id: str) -> list[tuple[Any, Any]]:
    """Hold the console's reloads of the case: each (route, the case as the hub had it when
    asked), answered when the test fulfils the route."""
    held: list[tuple[Any, Any]] = []

    def hold(route: Any) -> None:
        if route.request.method != "GET":
            route.continue_()
            return
        held.append((route, route.fetch()))

    page.route(f"**/api/v1/cases/{case_id}", hold)
    return held


def test_the_clerk_keeps_typing_while_the_case_reloads_and_a_stale_copy_keeps_her_edit(
    hub: Hub, browser: Any
) -> None:
    desk, page, case, clerk = hpf_clerk_on_a_referred_case(hub, browser)
    open_case, field = OPEN_CASE.format(case=case["id"]), FIELD

    # She types in a field; the case reloads twice (another party changed it; she switched
    # the console's language) between her keys. Both reloads are started by script, which
    # moves no focus, as a frame from the hub does not.
    page.focus(field)
    page.keyboard.press("End")
    page.keyboard.type("厦门")
    page.evaluate("window.before = window.xw.caseView")
    page.evaluate(f"document.querySelector({open_case!r}).click()")  # loads the case again
    page.wait_for_function("() => window.xw.caseView !== window.before")
    page.evaluate("document.querySelector('#lang').click()")
    page.keyboard.type("分行")
    assert page.evaluate("document.activeElement.name") == "bank_name"
    assert page.input_value(field) == "中国工商银行厦门分行"
    page.dispatch_event(field, "change")  # she leaves the field: the hub gets it
    pump_until(
        page,
        lambda: (
            hub.get(clerk, f"/api/v1/cases/{case['id']}").json()["form"]["bank_name"]
            == "中国工商银行厦门分行"
        ),
        "her edit on the hub",
    )

    # A reload asked for before her next edit and answered after it reached the hub.
    held = hold_reloads(page, case["id"])
    page.evaluate(f"document.querySelector({open_case!r}).click()")
    pump_until(page, lambda: bool(held), "the reload to be asked for")
    page.fill(field, "中国银行")
    page.dispatch_event(field, "change")
    pump_until(
        page,
        lambda: (
            hub.get(clerk, f"/api/v1/cases/{case['id']}").json()["form"]["bank_name"] == "中国银行"
        ),
        "her second edit on the hub",
    )
    route, stale = held[0]
    assert stale.json()["form"]["bank_name"] == "中国工商银行厦门分行"
    route.fulfill(response=stale)
    page.wait_for_function(
        "() => window.xw.caseView.form.bank_name === '中国工商银行厦门分行'"
    )  # the stale copy was rendered
    assert page.input_value(field) == "中国银行"
    page.unroute(f"**/api/v1/cases/{case['id']}")

    # Another clerk's edit of a field she is not typing in shows at once.
    r = hub.put(clerk, f"/api/v1/cases/{case['id']}/form", {"fields": {"bank_name": "建设银行"}})
    assert r.status_code == 200, r.text
    page.evaluate(f"document.querySelector({open_case!r}).click()")
    page.wait_for_function(
        "() => document.querySelector(\"#case-form input[name='bank_name']\").value === '建设银行'"
    )
    desk.close()


def test_another_partys_value_is_not_undone_by_a_reload_that_crossed_it(
    hub: Hub, browser: Any
) -> None:
    """In a call, another clerk types a field: the hub pushes it to this console while a
    reload of the case (started by another change) is on its way. The reload, read before
    the push, must not put the old value back (seen as a flaky whole-story test)."""
    desk, page, case, _clerk = hpf_clerk_on_a_referred_case(hub, browser)
    open_case, field = OPEN_CASE.format(case=case["id"]), FIELD

    held = hold_reloads(page, case["id"])
    page.evaluate(f"document.querySelector({open_case!r}).click()")
    pump_until(page, lambda: bool(held), "the reload to be asked for")
    # the other clerk's value arrives on the console's socket, as the hub sends it
    frame = {"type": "form_field", "case_id": case["id"], "key": "bank_name", "value": "建设银行"}
    page.evaluate(
        "f => ws.dispatchEvent(new MessageEvent('message', {data: JSON.stringify(f)}))", frame
    )
    page.wait_for_function(f"() => document.querySelector({field!r}).value === '建设银行'")
    page.evaluate("window.before = window.xw.caseView")
    route, stale = held[0]
    assert stale.json()["form"]["bank_name"] == "中国工商银行"
    route.fulfill(response=stale)
    page.wait_for_function("() => window.xw.caseView !== window.before")  # the reload rendered
    assert page.input_value(field) == "建设银行"
    page.unroute(f"**/api/v1/cases/{case['id']}")
    desk.close()
