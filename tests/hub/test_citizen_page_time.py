"""The citizen page in Debian's Chromium shows and books appointment times on the booths'
clock (the hub's zone, Asia/Shanghai), labelled, on a phone set to another zone."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.hub.conftest import Hub

pytestmark = [pytest.mark.browser]


def test_a_phone_in_another_zone_books_and_sees_the_booths_time(hub: Hub, browser: Any) -> None:
    hub.booth("b1")
    # A visitor's phone on Los Angeles time (UTC-8 in March, 16 hours behind Beijing).
    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="zh-CN", timezone_id="America/Los_Angeles"
    )
    page = phone.new_page()
    page.goto(hub.url + "/m")
    page.wait_for_function(
        "() => document.querySelectorAll('#book-form select[name=booth_id] option').length > 0"
    )
    assert page.text_content("#slot-zone") == "（北京时间）"
    page.select_option("#book-form select[name=service]", "hpf-withdrawal-rent")
    page.fill("#book-form input[name=slot_at]", "2099-03-01T09:30")
    page.fill("#book-form input[name=phone]", "13912345678")
    page.click("#book-form button[type=submit]")
    shown = page.wait_for_selector("#appointments li.appointment").text_content() or ""
    assert shown.startswith("2099-03-01 09:30 北京时间 (UTC+08:00)"), shown
    # 09:30 at the booth is 01:30 UTC, whatever the phone's zone.
    from kiosk.hub.models import Appointment

    with hub.state.sessions() as db:
        (booked,) = db.query(Appointment).all()
        at = booked.slot_at if booked.slot_at.tzinfo else booked.slot_at.replace(tzinfo=dt.UTC)
    assert at == dt.datetime(2099, 3, 1, 1, 30, tzinfo=dt.UTC)
    page.click("#lang")
    assert page.text_content("#slot-zone") == " (Beijing time)"
    english = page.text_content("#appointments li.appointment") or ""
    assert english.startswith("2099-03-01 09:30 Beijing time (UTC+08:00)"), english
    phone.close()
