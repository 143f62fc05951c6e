"""The certificate check page says when a certificate was issued on the district's clock,
to the minute (not UTC with microseconds)."""

from __future__ import annotations

import re

from tests.hub.conftest import Hub
from tests.security.test_certificates import _issue


def test_verify_page_shows_the_issue_time_on_the_districts_clock(hub: Hub) -> None:
    _case, cert, _tax = _issue(hub)
    page = hub.http.get(f"/verify/{cert['id']}").text
    issued = re.search(r"出具时间 Issued</dt><dd>([^<]*)</dd>", page)
    assert issued is not None, page
    shown = issued.group(1)
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d 北京时间 Beijing time \(UTC\+08:00\)", shown), (
        shown
    )
