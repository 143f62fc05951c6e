"""A self-service review decided by the department's rules, over real HTTP.

The booth submits story B's case (materials, form, its own steps) and reports the review
step; the hub evaluates the catalog's rules: approved -> the receipt is issued to the
citizen; a rule not met -> the case waits in the department's review queue with the
reasons, and a clerk decides.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from kiosk.core.clock import CHINA_TZ
from tests.backend.test_review_decision import story_b_form
from tests.hub.conftest import Hub

SERVICE = "hpf-withdrawal-purchase"
ID_NUMBER = "11010519491231002X"


def submitted_case(hub: Hub, booth: str, **changes: str) -> dict[str, Any]:
    """Story B's case as the booth submits it, up to (not including) the review."""
    r = hub.post(
        booth,
        "/api/v1/cases",
        {"service": SERVICE, "citizen": {"name": "王小明", "id_number": ID_NUMBER}},
    )
    assert r.status_code == 201, r.text
    case = r.json()
    today = hub.state.clock.now().astimezone(CHINA_TZ).date()
    form = story_b_form(today, **changes)
    for code in ("id_card", "purchase_contract"):
        r = hub.post(booth, f"/api/v1/cases/{case['id']}/materials", {"code": code})
        assert r.status_code == 201, r.text
    assert hub.put(booth, f"/api/v1/cases/{case['id']}/form", {"fields": form}).status_code == 200
    for step in case["steps"]:
        if step["kind"] in ("identify", "questions", "capture", "form"):
            r = hub.post(booth, f"/api/v1/cases/{case['id']}/steps/{step['position']}/complete")
            assert r.status_code == 200, r.text
    return case


def position(case: dict[str, Any], kind: str) -> int:
    return int(next(s["position"] for s in case["steps"] if s["kind"] == kind))


def test_rules_approve_and_the_receipt_reaches_the_citizen(hub: Hub) -> None:
    booth = hub.booth("b1")
    case = submitted_case(hub, booth)
    review = position(case, "review")
    r = hub.post(booth, f"/api/v1/cases/{case['id']}/steps/{review}/complete")
    assert r.status_code == 200, r.text
    decided = r.json()
    assert decided["review"] == {"approved": True, "reasons": []}
    steps = {s["kind"]: s for s in decided["steps"]}
    assert steps["review"]["status"] == "done" and steps["review"]["done_by"] == "rules"
    assert steps["certificate"]["status"] == "done"
    overview = hub.get(case["citizen_token"], "/api/v1/citizen/overview").json()
    (mine,) = overview["cases"]
    (receipt,) = mine["certificates"]
    assert receipt["title"] == "住房公积金提取回执" and receipt["department"] == "hpf"
    pdf = hub.get(case["citizen_token"], receipt["pdf_url"])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert any(n["kind"] == "certificate_issued" for n in overview["inbox"])
    # Reported again (a retry under another key): decided once, issued once.
    again = hub.post(booth, f"/api/v1/cases/{case['id']}/steps/{review}/complete")
    assert again.status_code == 200 and len(again.json()["certificates"]) == 1
    # The rating, the booth's last step, closes the case.
    r = hub.post(booth, f"/api/v1/cases/{case['id']}/steps/{position(case, 'rating')}/complete")
    assert r.json()["status"] == "done"


def test_reviews_from_six_booths_at_once_are_all_decided(hub: Hub) -> None:
    """Each approval renders a receipt inside its transaction. When that transaction
    yielded the event loop while it held SQLite's write lock, a second booth's review
    waited for the lock on the loop itself: the hub stood still for the 30-second busy
    timeout and that review failed with "database is locked"."""
    booths = [hub.booth(f"b{i}") for i in range(6)]
    cases = [submitted_case(hub, booth) for booth in booths]
    start = threading.Barrier(len(booths))

    def review(i: int) -> tuple[int, bool | None]:
        case = cases[i]
        with httpx.Client(base_url=hub.url, timeout=60.0) as http:
            start.wait()
            r = http.post(
                f"/api/v1/cases/{case['id']}/steps/{position(case, 'review')}/complete",
                json={},
                headers={"Authorization": f"Bearer {booths[i]}"},
            )
        return r.status_code, r.json().get("review", {}).get("approved")

    with ThreadPoolExecutor(len(booths)) as pool:
        assert list(pool.map(review, range(len(booths)))) == [(200, True)] * len(booths)


def test_a_rule_not_met_sends_the_case_to_the_departments_clerks(hub: Hub) -> None:
    booth = hub.booth("b1")
    case = submitted_case(hub, booth, bank_account="6222021234567890", amount="1300000")
    review = position(case, "review")
    r = hub.post(booth, f"/api/v1/cases/{case['id']}/steps/{review}/complete")
    assert r.status_code == 200, r.text
    assert r.json()["review"] == {
        "approved": False,
        "reasons": ["field_check:bank_account", "over_limit:amount", "over_limit:amount"],
    }
    steps = {s["kind"]: s["status"] for s in r.json()["steps"]}
    assert steps["review"] == "referred" and steps["certificate"] == "pending"
    assert r.json()["certificates"] == []
    hpf = hub.clerk("hpf1", "hpf")
    tax = hub.clerk("tax1", "tax")
    queue = hub.get(hpf, "/api/v1/reviews").json()["reviews"]
    assert [(q["case_id"], q["position"]) for q in queue] == [(case["id"], review)]
    assert queue[0]["reasons"] == r.json()["review"]["reasons"]
    assert hub.get(tax, "/api/v1/reviews").json()["reviews"] == []
    assert hub.get(booth, "/api/v1/reviews").status_code == 403
    # The booth reporting it again does not decide it again.
    again = hub.post(booth, f"/api/v1/cases/{case['id']}/steps/{review}/complete")
    assert {s["kind"]: s["status"] for s in again.json()["steps"]}["review"] == "referred"
    # The clerk looks, approves and issues the receipt.
    r = hub.post(hpf, f"/api/v1/cases/{case['id']}/steps/{review}/complete")
    assert {s["kind"]: s["status"] for s in r.json()["steps"]}["review"] == "done"
    assert hub.post(hpf, f"/api/v1/cases/{case['id']}/certificates").status_code == 201
    assert hub.get(hpf, "/api/v1/reviews").json()["reviews"] == []


def test_a_booth_cannot_decide_a_clerks_review(hub: Hub) -> None:
    booth = hub.booth("b1")
    r = hub.post(
        booth,
        "/api/v1/cases",
        {"service": "enterprise-deregistration", "citizen": {"name": "张三"}},
    )
    case = r.json()
    review = position(case, "review")
    r = hub.post(booth, f"/api/v1/cases/{case['id']}/steps/{review}/complete")
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"


def test_a_referred_review_is_refused_with_a_reason_the_citizen_is_told(hub: Hub) -> None:
    booth = hub.booth("b1")
    case = submitted_case(hub, booth, amount="1300000")
    review = position(case, "review")
    hub.post(booth, f"/api/v1/cases/{case['id']}/steps/{review}/complete")
    inbox = hub.get(case["citizen_token"], "/api/v1/citizen/overview").json()["inbox"]
    assert [n["kind"] for n in inbox] == ["review_referred"]  # his phone hears of it
    hpf = hub.clerk("hpf1", "hpf")
    (item,) = hub.get(hpf, "/api/v1/reviews").json()["reviews"]
    assert item["service_name"]["zh_CN"] == "购房提取住房公积金"
    assert item["reason_subjects"]["amount"]["en"]  # the field's name, for the console
    tax = hub.clerk("tax1", "tax")
    path = f"/api/v1/cases/{case['id']}/steps/{review}/refuse"
    assert hub.post(tax, path, {"reason": "x"}).status_code in (403, 404)
    assert hub.post(booth, path, {"reason": "x"}).status_code == 403
    assert hub.post(hpf, path, {"reason": "  "}).status_code == 422
    assert (
        hub.post(hpf, f"/api/v1/cases/{case['id']}/steps/0/refuse", {"reason": "x"}).status_code
        == 409
    )
    r = hub.post(hpf, path, {"reason": "提取金额超过购房总价"})
    assert r.status_code == 200, r.text
    refused = r.json()
    assert refused["status"] == "rejected"
    assert {s["kind"]: s["status"] for s in refused["steps"]}["review"] == "rejected"
    assert hub.post(hpf, path, {"reason": "again"}).status_code == 409
    assert hub.get(hpf, "/api/v1/reviews").json()["reviews"] == []
    inbox = hub.get(case["citizen_token"], "/api/v1/citizen/overview").json()["inbox"]
    assert inbox[0]["kind"] == "review_refused" and "提取金额超过购房总价" in inbox[0]["text"]


def test_a_clerk_approves_a_referred_review_in_one_step_and_only_once(
    hub: Hub, monkeypatch: Any
) -> None:
    booth = hub.booth("b1")
    case = submitted_case(hub, booth, amount="1300000")
    review, certificate = position(case, "review"), position(case, "certificate")
    hub.post(booth, f"/api/v1/cases/{case['id']}/steps/{review}/complete")
    hpf, tax = hub.clerk("hpf1", "hpf"), hub.clerk("tax1", "tax")
    path = f"/api/v1/cases/{case['id']}/steps/{review}/approve"
    assert hub.post(tax, path).status_code in (403, 404)
    assert hub.post(booth, path).status_code == 403
    assert hub.post(hpf, f"/api/v1/cases/{case['id']}/steps/0/approve").status_code == 409

    # The receipt cannot be made: nothing of the approval is kept, the review still waits.
    import kiosk.hub.issuing

    def broken(*args: Any, **kwargs: Any) -> bytes:
        raise OSError("disk full")

    with monkeypatch.context() as patch:
        patch.setattr(kiosk.hub.issuing, "render_pdf", broken)
        failed = hub.post(hpf, path)
        assert failed.status_code == 503
        assert failed.json()["error"]["code"] == "certificate_unavailable"
    steps = {s["kind"]: s for s in hub.get(hpf, f"/api/v1/cases/{case['id']}").json()["steps"]}
    assert steps["review"]["status"] == "referred" and steps["certificate"]["status"] == "pending"
    assert [
        (q["case_id"], q["position"]) for q in hub.get(hpf, "/api/v1/reviews").json()["reviews"]
    ] == [(case["id"], review)]

    r = hub.post(hpf, path)
    assert r.status_code == 200, r.text
    approved = r.json()
    steps = {s["position"]: s for s in approved["steps"]}
    assert steps[review]["status"] == "done" and steps[certificate]["status"] == "done"
    assert steps[review]["done_by"] == steps[certificate]["done_by"] == hub.clerk_id(hpf)
    (receipt,) = approved["certificates"]
    assert receipt["title"] == "住房公积金提取回执"
    assert hub.get(hpf, "/api/v1/reviews").json()["reviews"] == []
    # Approved again (a double click, a second clerk): refused, nothing issued twice.
    again = hub.post(hpf, path)
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_decided"
    assert len(hub.get(hpf, f"/api/v1/cases/{case['id']}").json()["certificates"]) == 1
    overview = hub.get(case["citizen_token"], "/api/v1/citizen/overview").json()
    assert [c["title"] for c in overview["cases"][0]["certificates"]] == ["住房公积金提取回执"]
