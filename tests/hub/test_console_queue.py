"""The queue in the clerk console, in Debian's Chromium against a real hub, in Chinese and
English: a waiting citizen reads as her service, her masked name, the booth's name, her
appointment and the wait as mm:ss; the clerk who loses an accept race is told so in
words; an entry leaves every console when the booth's session ends (session_state)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from kiosk.hub.models import Case
from tests.hub.conftest import Hub, login, typed
from tests.hub.test_calls import request_call

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WORDS = {
    "zh": {"service": "企业注销登记", "lost": "该群众已由其他坐席接入", "slot": "预约"},
    "en": {
        "service": "Enterprise deregistration",
        "lost": "Another clerk accepted this citizen first",
        "slot": "appointment",
    },
}


def _desk(browser: Any, hub: Hub, username: str, lang: str) -> Any:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.add_init_script(f"localStorage.setItem('xw.lang', '{lang}')")
    page = context.new_page()
    login(page, hub.url, username)
    return page


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_queue_reads_in_words_and_forgets_citizens_who_left(
    hub: Hub, browser: Any, lang: str
) -> None:
    words = WORDS[lang]
    booth_token = hub.booth("b1")
    booth = hub.ws("/ws/booth", booth_token)
    booth.wait_for(typed("welcome"))
    slot = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).replace(microsecond=0)
    booked = hub.post(
        None,
        "/api/v1/appointments",
        {
            "service": "enterprise-deregistration",
            "booth_id": "b1",
            "slot_at": slot.isoformat(),
            "name": "张三",
            "phone": "13800001234",
        },
    )
    assert booked.status_code == 201, booked.text
    case = hub.post(
        booth_token,
        "/api/v1/cases",
        {"service": "enterprise-deregistration", "citizen": {"name": "张三"}},
    )
    assert case.status_code == 201, case.text
    with hub.state.db() as db:  # her case continues the appointment (the door opened for it)
        row = db.get(Case, case.json()["id"])
        assert row is not None
        row.appointment_id = booked.json()["appointment"]["id"]
    token1 = hub.clerk("tax1", "tax")
    hub.clerk("tax2", "tax")
    first, second = _desk(browser, hub, "tax1", lang), _desk(browser, hub, "tax2", lang)
    entry = request_call(booth, "tax", case.json()["id"])

    item = f"#queue li[data-entry='{entry['id']}']"
    for page in (first, second):
        page.wait_for_selector(item)
    text = second.locator(item).text_content()
    assert words["service"] in text and "张*" in text and "张三" not in text, text
    assert "晓屋 b1" in text and words["slot"] in text, text
    assert re.search(r"\d\d:\d\d", text.split(words["slot"])[1]), text  # the slot's time
    second.wait_for_function(
        f'() => /\\b00:0[1-9]\\b/.test(document.querySelector("{item} .wait").textContent)'
    )

    # the race: tax1 takes her; tax2's click arrives after -- and is told so in words
    r = hub.post(token1, f"/api/v1/queue/{entry['id']}/accept")
    assert r.status_code == 200, r.text
    second.evaluate("(e) => accept(e)", {**entry, "kind": "booth"})
    second.wait_for_function(
        "(lost) => document.querySelector('#queue-status').textContent === lost", arg=words["lost"]
    )

    # another citizen waits, then leaves: her entry leaves both consoles
    booth2_token = hub.booth("b2")
    booth2 = hub.ws("/ws/booth", booth2_token)
    booth2.wait_for(typed("welcome"))
    waiting = request_call(booth2, "tax")
    gone = f"#queue li[data-entry='{waiting['id']}']"
    for page in (first, second):
        page.wait_for_selector(gone)
    booth2.send(
        {"type": "event", "id": "s-end", "name": "session_state", "data": {"active": False}}
    )
    for page in (first, second):
        page.wait_for_selector(gone, state="detached")
