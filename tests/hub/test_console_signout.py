"""The clerk console in Debian's Chromium, in Chinese and English: a refused sign-in is told
in words under the form, and the clerk signs out (the hub ends the session)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.hub.conftest import PASSWORD, Hub, login

pytestmark = [pytest.mark.browser]

WRONG = {"zh": "用户名或密码错误", "en": "Wrong user name or password"}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_refused_sign_in_in_words_then_sign_out(hub: Hub, browser: Any, lang: str) -> None:
    hub.clerk("wang", "tax")
    page = browser.new_context().new_page()
    page.goto(hub.url + "/console")
    page.evaluate(f"localStorage.setItem('xw.lang', '{lang}')")
    page.reload()
    assert page.is_hidden("#desk")  # no queue panels before sign-in
    page.fill("input[name=username]", "wang")
    page.fill("input[name=password]", "not the password")
    page.click("#login button[type=submit]")
    page.wait_for_function("() => document.querySelector('#login-error').textContent !== ''")
    assert page.text_content("#login-error") == WRONG[lang]
    assert page.is_hidden("#logout")
    login(page, hub.url, "wang")
    token = page.evaluate("sessionStorage.getItem('xw.clerk')")
    assert hub.get(token, "/api/v1/me").status_code == 200
    with page.expect_navigation():  # the page starts afresh, signed out
        page.click("#logout")
    page.wait_for_selector("#login-view:not([hidden])")
    assert page.is_hidden("#desk") and page.is_hidden("#logout")
    assert page.evaluate("sessionStorage.getItem('xw.clerk')") is None
    assert hub.get(token, "/api/v1/me").status_code == 401  # the session ended at the hub
    page.context.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_operator_page_refused_sign_in_in_words_then_sign_out(
    hub: Hub, browser: Any, lang: str
) -> None:
    hub.booth("b1")
    token = hub.clerk("op", "ops", roles=("operator",), operator_scope="b1")
    page = browser.new_context().new_page()
    page.goto(hub.url + "/ops")
    page.evaluate(f"localStorage.setItem('xw.lang', '{lang}')")
    page.reload()
    page.fill("#login input[name=username]", "op")
    page.fill("#login input[name=password]", "not the password")
    page.click("#login button[type=submit]")
    page.wait_for_function("() => document.querySelector('#login-error').textContent !== ''")
    assert page.text_content("#login-error") == WRONG[lang]  # not "bad_credentials"
    page.fill("#login input[name=password]", PASSWORD)
    page.click("#login button[type=submit]")
    page.wait_for_selector("#ops:not([hidden])")
    mine = page.evaluate("sessionStorage.getItem('xw.ops.token')")
    with page.expect_navigation():
        page.click("#logout")
    page.wait_for_selector("#login-view:not([hidden])")
    assert page.is_hidden("#ops") and page.is_hidden("#logout")
    assert hub.get(mine, "/api/v1/me").status_code == 401
    assert hub.get(token, "/api/v1/me").status_code == 200  # only that session ended
    page.context.close()
