"""What the hub tells browsers and checks of them: a Content-Security-Policy and friends
on every response, WebSocket handshakes only from the hub's own pages, and the console,
citizen page and operator page running in Chromium under that policy (docs/security.md)."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from tests.hub.conftest import PASSWORD, Hub, image_bytes, login
from tests.hub.steps import TAX_CLEARANCE, reach_step

HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}


def _check(response: Any, what: str) -> None:
    for name, value in HEADERS.items():
        assert response.headers.get(name) == value, (what, name)
    policy = response.headers.get("content-security-policy", "")
    directives = {d.split()[0]: d.split()[1:] for d in policy.split("; ") if d}
    assert directives.get("default-src") == ["'self'"], (what, policy)
    assert directives.get("frame-ancestors") == ["'none'"], (what, policy)
    for kind in ("script-src", "style-src"):
        assert directives.get(kind) == ["'self'"], (what, policy)  # no 'unsafe-inline'
    assert "ws://" + response.url.netloc.decode() in directives["connect-src"]
    assert {"data:", "blob:"} <= set(directives["img-src"])
    assert {"blob:", "mediastream:"} <= set(directives["media-src"])


def test_every_response_carries_the_browser_headers(hub: Hub) -> None:
    booth = hub.booth("headers")
    for path in (
        "/console",
        "/m",
        "/ops",
        "/static/console.js",
        "/static/citizen.css",
        "/api/v1/health",
        "/api/v1/catalog",
        "/openapi.json",
        "/verify/0000",
        "/api/v1/no-such-route",
    ):
        _check(hub.http.get(path), path)
    _check(hub.post(None, "/api/v1/cases", {}), "refused write")
    _check(hub.put(booth, "/api/v1/cases/x/form", {"fields": {"x": "y" * 400_000}}), "413")
    # The interactive docs load a CDN's scripts: off, the schema stays.
    assert hub.http.get("/docs").status_code == 404


def test_a_socket_opened_by_another_sites_page_is_refused(hub: Hub) -> None:
    clerk = hub.clerk("origin-clerk", "tax")
    for origin in ("http://evil.example", "null", "http://127.0.0.1.evil.example"):
        with pytest.raises(InvalidStatus) as refused:
            connect(hub.server.ws_url + "/ws/clerk", origin=origin, open_timeout=5)  # type: ignore[arg-type]
        assert refused.value.response.status_code == 403, origin
    # The hub's own page (its origin) and clients that are no browser (no Origin) connect.
    with connect(hub.server.ws_url + "/ws/clerk", origin=hub.url, open_timeout=5) as own:  # type: ignore[arg-type]
        own.send(json.dumps({"type": "auth", "token": clerk}))
        assert json.loads(own.recv(timeout=5))["type"] == "welcome"


WATCH = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  const where = `${e.sourceFile}:${e.lineNumber}`;
  window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${where}`);
});
"""


class Watched:
    """A page whose policy violations (events and console reports) are collected."""

    def __init__(self, context: Any) -> None:
        self.page = context.new_page()
        self.page.add_init_script(WATCH)
        self.reports: list[str] = []
        self.page.on(
            "console",
            lambda m: self.reports.append(m.text) if "Content Security Policy" in m.text else None,
        )

    def violations(self) -> list[str]:
        return list(self.page.evaluate("window.__violations")) + self.reports


def test_the_pages_run_in_chromium_under_the_policy(hub: Hub, browser: Any) -> None:
    booth = hub.booth("csp-booth")
    clerk = hub.clerk(
        "csp-clerk", "tax", ("clerk", "admin", "supervisor", "operator"), operator_scope="*"
    )
    case = hub.post(
        booth,
        "/api/v1/cases",
        {"service": "enterprise-deregistration", "citizen": {"name": "王丽"}},
    ).json()
    photo = base64.b64encode(image_bytes("PNG", (120, 80))).decode()
    hub.post(
        booth,
        f"/api/v1/cases/{case['id']}/materials",
        {"code": "business_license", "image_base64": photo, "image_type": "image/png"},
    )
    reach_step(hub, case["id"], TAX_CLEARANCE)
    assert hub.post(clerk, f"/api/v1/cases/{case['id']}/certificates", {}).status_code == 201
    context = browser.new_context()

    # The clerk console: login, the socket, a case with its photo and certificate.
    console = Watched(context)
    first = console.page.goto(hub.url + "/console")
    _check_page(first)
    login(console.page, hub.url, "csp-clerk")
    console.page.evaluate("(id) => loadCase(id)", case["id"])
    console.page.wait_for_selector("#materials img[src^='blob:']")
    console.page.click("#certificates a.certificate")
    console.page.wait_for_function(
        "() => (window.xw.opened || '').startsWith('/api/v1/downloads/')"
    )
    assert console.violations() == []

    # The citizen page, signed in by its link.
    citizen = Watched(context)
    _check_page(citizen.page.goto(hub.url + "/m/#t=" + case["citizen_token"]))
    citizen.page.wait_for_selector("a.certificate")
    citizen.page.goto(hub.url + "/m/door/csp-booth")
    citizen.page.wait_for_selector("#open-door")
    assert citizen.violations() == []

    # The operator page.
    ops = Watched(context)
    _check_page(ops.page.goto(hub.url + "/ops"))
    ops.page.fill("#login input[name=username]", "csp-clerk")
    ops.page.fill("#login input[name=password]", PASSWORD)
    ops.page.click("#login button[type=submit]")
    ops.page.wait_for_selector("#ops:not([hidden])")
    ops.page.wait_for_selector('tr[data-booth="csp-booth"]')
    assert ops.violations() == []

    # A certificate's check page.
    check = Watched(context)
    cert_id = hub.get(clerk, f"/api/v1/cases/{case['id']}").json()["certificates"][0]["id"]
    _check_page(check.page.goto(hub.url + f"/verify/{cert_id}"))
    assert check.page.evaluate("getComputedStyle(document.body).marginTop") != "0px"
    assert check.violations() == []
    context.close()


def _check_page(response: Any) -> None:
    assert response is not None and response.ok
    headers = response.headers
    assert "frame-ancestors 'none'" in headers.get("content-security-policy", "")
    assert headers.get("x-frame-options") == "DENY"
