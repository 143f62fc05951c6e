"""The citizen page in Debian's Chromium, in Chinese and English: a wrong phone number is
told at its field in words (not a code), a booking is cancelled, the citizen signs out, and
signs in again by an SMS code."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.hub.conftest import Hub
from tests.hub.sms_gateway import Gateway

pytestmark = [pytest.mark.browser]

WORDS = {
    "zh": {"bad_phone": "请输入正确的11位手机号码", "cancel": "取消预约", "cancelled": "已取消"},
    "en": {
        "bad_phone": "Enter a valid 11-digit mainland mobile number",
        "cancel": "Cancel booking",
        "cancelled": "cancelled",
    },
}


def _open(browser: Any, hub: Hub, lang: str) -> Any:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(hub.url + "/m")
    page.evaluate(f"localStorage.setItem('xw.lang', '{lang}')")
    page.reload()
    page.wait_for_function(
        "() => document.querySelectorAll('#book-form select[name=booth_id] option').length > 0"
    )
    return page


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_phone_checked_at_its_field_then_cancel_logout_and_sms_login(
    sms_hub: Hub, sms_gateway: Gateway, browser: Any, lang: str
) -> None:
    hub, gateway = sms_hub, sms_gateway
    hub.booth("b1")
    page = _open(browser, hub, lang)
    words = WORDS[lang]
    page.select_option("#book-form select[name=service]", "hpf-withdrawal-rent")
    page.fill("#book-form input[name=slot_at]", "2099-03-01T09:30")
    page.fill("#book-form input[name=phone]", "12345")
    page.click("#book-form button[type=submit]")
    assert page.wait_for_selector("#phone-error").text_content() == words["bad_phone"]
    assert page.get_attribute("#book-form input[name=phone]", "aria-invalid") == "true"
    assert hub.get(None, "/api/v1/health").status_code == 200  # the hub saw no booking
    # A right number books; the booking has a cancel button that works.
    page.fill("#book-form input[name=phone]", "13912345678")
    page.click("#book-form button[type=submit]")
    page.wait_for_selector("#appointments li.appointment button.cancel")
    assert page.text_content("#phone-error") == ""
    page.get_by_role("button", name=words["cancel"]).click()
    page.wait_for_function(
        "(w) => document.querySelector('#appointments li.appointment').textContent.endsWith(w)",
        arg=words["cancelled"],
    )
    # Sign out: the page forgets the citizen.
    page.click("#logout")
    assert page.is_hidden("#mine") and page.is_hidden("#logout")
    assert page.evaluate("localStorage.getItem('xw.citizen')") is None
    # Sign in again by SMS code; a wrong number is told at the field first.
    page.fill("#sms-form input[name=phone]", "12345")
    page.click("#send-code")
    assert page.text_content("#sms-error") == words["bad_phone"]
    before = len(gateway.posts)
    page.fill("#sms-form input[name=phone]", "13912345678")
    page.click("#send-code")
    post = gateway.wait(before + 1)[before]
    code = re.search(r"\d{6}", post["text"]).group(0)  # type: ignore[union-attr]
    page.fill("#sms-form input[name=code]", f"{(int(code) + 1) % 10**6:06d}")
    page.click("#sms-form button[type=submit]")
    page.wait_for_function("() => document.querySelector('#sms-error').textContent.length > 3")
    wrong = {"zh": "验证码错误或已过期", "en": "The code is wrong or has expired"}[lang]
    assert page.text_content("#sms-error") == wrong
    page.fill("#sms-form input[name=code]", code)
    page.click("#sms-form button[type=submit]")
    page.wait_for_selector("#appointments li.appointment")
    assert page.is_visible("#logout") and page.is_hidden("#sms-login")
    page.context.close()
