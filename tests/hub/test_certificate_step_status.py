"""The citizen's view of her steps once a department issued its certificate: the step of
that certificate reads done (her phone showed 清税证明 as 待办 after the certificate
reached it), and the next department is told the case is now theirs."""

from __future__ import annotations

from tests.hub.conftest import Hub, typed
from tests.hub.steps import TAX_CLEARANCE, reach_step


def test_issuing_a_certificate_completes_its_step(hub: Hub) -> None:
    booth = hub.booth("b1")
    case = hub.post(
        booth,
        "/api/v1/cases",
        {"service": "enterprise-deregistration", "citizen": {"name": "张三"}},
    ).json()
    tax = hub.clerk("tax1", "tax")
    social = hub.clerk("soc1", "social")
    social_ws = hub.ws("/ws/clerk", social)
    reach_step(hub, case["id"], TAX_CLEARANCE, booth=booth, clerk=tax)
    r = hub.post(tax, f"/api/v1/cases/{case['id']}/certificates", {})
    assert r.status_code == 201, r.text
    steps = hub.get(booth, f"/api/v1/cases/{case['id']}").json()["steps"]
    assert steps[TAX_CLEARANCE]["name"] == "清税证明"
    assert steps[TAX_CLEARANCE]["status"] == "done", steps[TAX_CLEARANCE]
    assert steps[TAX_CLEARANCE + 1]["status"] == "pending"
    social_ws.wait_for(typed("case_waiting", case_id=case["id"]))
    # the clerk's "complete" afterwards changes nothing
    r = hub.post(tax, f"/api/v1/cases/{case['id']}/steps/{TAX_CLEARANCE}/complete")
    assert r.status_code == 200, r.text
