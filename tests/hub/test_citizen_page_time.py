"""The citizen page in Debian's Chromium shows and books appointment times on the booths'
clock (the hub's zone, Asia/Shanghai), labelled, on a phone set to another zone."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest

from tests.hub.conftest import Hub
from tests.hub.sms_gateway import Gateway

pytestmark = [pytest.mark.browser]
ARTIFACTS = Path(__file__).resolve().parents[2] / "build" / "test-artifacts" / "citizen"


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


def booking_page(hub: Hub, browser: Any) -> tuple[Any, Any]:
    """A phone (its browser context) on the booking form, a service and a time chosen."""
    hub.booth("b1")
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = phone.new_page()
    page.goto(hub.url + "/m")
    page.wait_for_function(
        "() => document.querySelectorAll('#book-form select[name=booth_id] option').length > 0"
    )
    page.select_option("#book-form select[name=service]", "hpf-withdrawal-rent")
    page.fill("#book-form input[name=slot_at]", "2099-03-01T09:30")
    return phone, page


def test_a_wrong_number_and_a_second_booking_are_told_in_words(hub: Hub, browser: Any) -> None:
    phone, page = booking_page(hub, browser)
    page.fill("#book-form input[name=phone]", "12345")
    page.click("#book-form button[type=submit]")
    result = page.locator("#book-result")
    result.wait_for()
    page.wait_for_function("() => document.querySelector('#book-result').textContent.length > 1")
    assert "11位手机号码" in (result.text_content() or "")
    page.fill("#book-form input[name=phone]", "139 1234 5678")
    page.click("#book-form button[type=submit]")
    page.wait_for_function(
        "() => document.querySelector('#book-result').textContent === '预约成功'"
    )
    page.click("#book-form button[type=submit]")  # the same booking again
    page.wait_for_function(
        "() => document.querySelector('#book-result').textContent.includes('已经预约过')"
    )
    page.click("#lang")
    page.click("#book-form button[type=submit]")
    page.wait_for_function(
        "() => document.querySelector('#book-result').textContent.includes('already booked')"
    )
    phone.close()


def test_a_citizen_signs_in_by_sms_and_cancels_her_booking(
    sms_hub: Hub, browser: Any, sms_gateway: Gateway
) -> None:
    hub = sms_hub
    phone, page = booking_page(hub, browser)
    page.fill("#book-form input[name=phone]", "13912345678")
    page.click("#book-form button[type=submit]")
    page.wait_for_selector("#appointments li.appointment")
    assert page.is_hidden("#login")  # signed in by booking
    page.click("#logout")
    assert page.is_visible("#login") and page.is_hidden("#mine")

    # on another day: sign in with the code the SMS brings
    page.fill("#login-form input[name=phone]", "13912345678")
    gateway = sms_gateway
    before = len(gateway.posts)
    page.click("#send-code")
    page.wait_for_function("() => document.querySelector('#login-result').textContent.length > 1")
    post = next(p for p in gateway.wait(before + 1)[before:] if p["template"] == "login_code")
    code = re.search(r"\d{6}", post["text"]).group(0)  # type: ignore[union-attr]
    page.fill("#login-form input[name=code]", "000000" if code != "000000" else "111111")
    page.click("#login-form button[type=submit]")
    page.wait_for_function(
        "() => document.querySelector('#login-result').textContent.includes('验证码不对')"
    )
    page.fill("#login-form input[name=code]", code)
    page.click("#login-form button[type=submit]")
    booked = page.wait_for_selector("#appointments li.appointment")
    assert "已预约" in (booked.text_content() or "")

    # cancelling takes two taps
    page.click("#appointments button.cancel")
    assert "确认取消" in (page.text_content("#appointments button.cancel") or "")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "citizen-cancel-asked.png"), full_page=True)
    page.click("#appointments button.cancel")
    cancelled = "document.querySelector('#appointments li.appointment').textContent"
    page.wait_for_function(f"() => {cancelled}.includes('已取消')")
    assert page.locator("#appointments button.cancel").count() == 0
    phone.close()
