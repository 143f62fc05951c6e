"""Threat: a clerk lists or searches another department's cases, or reads citizens' names
and phone numbers in passing.

Control: ``GET /api/v1/desk/cases`` (kiosk.hub.api_desk) lists only the caller's
department's cases, whatever she searches, with names and phone numbers masked.
"""

from __future__ import annotations

from typing import Any

from tests.hub.conftest import Hub
from tests.hub.steps import TAX_CLEARANCE, reach_step


def _case(hub: Hub, booth: str, service: str, name: str, phone: str) -> dict[str, Any]:
    body = {"service": service, "citizen": {"name": name, "phone": phone}}
    r = hub.post(booth, "/api/v1/cases", body)
    assert r.status_code == 201, r.text
    return dict(r.json())


def _ids(groups: dict[str, Any], group: str) -> list[str]:
    return [row["id"] for row in groups[group]]


def test_a_department_lists_and_searches_only_its_own_cases(hub: Hub) -> None:
    booth = hub.booth("desk-booth")
    ours = _case(hub, booth, "enterprise-deregistration", "张三", "13800001234")
    theirs = _case(hub, booth, "hpf-withdrawal-rent", "李四", "13900005678")
    tax = hub.clerk("tax1", "tax")
    listed = hub.get(tax, "/api/v1/desk/cases")
    assert listed.status_code == 200, listed.text
    groups = listed.json()
    assert _ids(groups, "open") == [ours["id"]] and groups["waiting"] == []
    (row,) = groups["open"]
    assert row["applicant"] == "张*" and row["phone"] == "138****1234"
    assert "张三" not in listed.text and "13800001234" not in listed.text
    # another department's case is found by nothing the tax clerk types
    for q in (theirs["id"][:8], "李*", "5678", theirs["id"]):
        r = hub.get(tax, "/api/v1/desk/cases", params={"q": q}).json()
        assert all(not g for g in r.values()), (q, r)
    # her own: by number, masked name, phone tail
    for q in (ours["id"][:8], "张*", "1234"):
        r = hub.get(tax, "/api/v1/desk/cases", params={"q": q}).json()
        assert _ids(r, "open") == [ours["id"]], q
    # the case's next step is the tax bureau's review: it waits for us
    reach_step(hub, ours["id"], TAX_CLEARANCE - 1)
    assert _ids(hub.get(tax, "/api/v1/desk/cases").json(), "waiting") == [ours["id"]]
    # booths, citizens and strangers get nothing; a long query is refused
    for token in (booth, ours["citizen_token"], None):
        assert hub.get(token, "/api/v1/desk/cases").status_code in (401, 403)
    assert hub.get(tax, "/api/v1/desk/cases", params={"q": "x" * 41}).status_code == 422
