"""The clerk console's materials in Debian's Chromium: verifying needs a written basis.

Before, a blank basis was sent as "original" and the capture went to trust level B with
nothing written; now the page says under the field what is missing, in the console's
language, and the capture stays at level C.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest

from tests.hub.conftest import Hub, login
from tests.hub.test_api import image_bytes
from tests.hub.test_console_reviews import referred

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.mark.parametrize(
    ("switch_to_english", "message"),
    [(False, "请写明核验依据"), (True, "Say what the capture was checked against")],
)
def test_a_blank_basis_is_refused_under_the_field_and_nothing_is_verified(
    hub: Hub, browser: Any, switch_to_english: bool, message: str
) -> None:
    booth = hub.booth("b1")
    case = referred(hub, booth, amount="1300000")
    png = base64.b64encode(image_bytes("PNG")).decode()
    material = hub.post(
        booth,
        f"/api/v1/cases/{case['id']}/materials",
        {"code": "id_card", "doc_type": "id_card", "image_base64": png, "image_type": "image/png"},
    ).json()
    clerk = hub.clerk("hpf1", "hpf")
    desk = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    page = desk.new_page()
    login(page, hub.url, "hpf1")
    if switch_to_english:
        page.click("#lang")
    page.click(f"#reviews li.review[data-case='{case['id']}'] button.open-case")
    page.wait_for_selector("#materials li.material button.verify")
    page.fill("#materials li.material input.against", "   ")
    page.click("#materials li.material button.verify")
    page.wait_for_selector(f"#materials li.material p.field-error:has-text('{message}')")
    view = hub.get(clerk, f"/api/v1/cases/{case['id']}").json()
    stored = next(m for m in view["materials"] if m["id"] == material["id"])
    assert stored["trust_level"] == "C"
    page.screenshot(path=f"/tmp/form-materials-{'en' if switch_to_english else 'zh'}.png")
    desk.close()
