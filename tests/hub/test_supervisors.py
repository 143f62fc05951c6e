"""Issue #3's auth rules for supervisors: they see their department (its cases, its
calls, whoever runs them), not another department's; plain clerks see only calls they
took part in."""

from __future__ import annotations

from tests.hub.conftest import Hub
from tests.hub.test_calls import booth_online, clerk_online, request_call


def test_a_supervisor_sees_the_calls_and_cases_of_their_department_only(hub: Hub) -> None:
    booth_token, booth = booth_online(hub, "b1")
    case = hub.post(
        booth_token,
        "/api/v1/cases",
        {"service": "enterprise-deregistration", "citizen": {"name": "王"}},
    ).json()
    clerk, clerk_ws = clerk_online(hub, "tax1", "tax")
    entry = request_call(booth, "tax", case["id"])
    clerk_ws.wait_for(lambda f: f["type"] == "queue" and len(f["entries"]) == 1)
    call = hub.post(clerk, f"/api/v1/queue/{entry['id']}/accept").json()

    boss = hub.clerk("taxboss", "tax", ("clerk", "supervisor"))
    other_boss = hub.clerk("hpfboss", "hpf", ("clerk", "supervisor"))
    colleague = hub.clerk("tax2", "tax")
    admin = hub.clerk("root", "general", ("admin",))

    seen = hub.get(boss, f"/api/v1/calls/{call['call_id']}")
    assert seen.status_code == 200, seen.text
    assert {p["peer"] for p in seen.json()["participants"]} == {"booth:b1", call["you"]}
    listed = hub.get(boss, "/api/v1/calls").json()
    assert listed["department"] == "tax"
    assert [c["id"] for c in listed["calls"]] == [call["call_id"]]
    assert hub.get(boss, f"/api/v1/cases/{case['id']}").status_code == 200

    # Not their department: neither the call nor the case nor the list.
    assert hub.get(other_boss, f"/api/v1/calls/{call['call_id']}").status_code == 404
    assert hub.get(other_boss, "/api/v1/calls").json()["calls"] == []
    refused = hub.get(other_boss, "/api/v1/calls?department=tax")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "supervisors_only"
    assert hub.get(other_boss, f"/api/v1/cases/{case['id']}").status_code in (403, 404)

    # A plain clerk of the department sees the case, not a call they are not in.
    assert hub.get(colleague, f"/api/v1/calls/{call['call_id']}").status_code == 404
    assert hub.get(colleague, "/api/v1/calls").status_code == 403
    assert (
        hub.get(admin, "/api/v1/calls?department=tax").json()["calls"][0]["id"] == (call["call_id"])
    )


def test_an_invited_department_s_supervisor_sees_the_call(hub: Hub) -> None:
    _, booth = booth_online(hub, "b1")
    general, general_ws = clerk_online(hub, "gen1", "general")
    entry = request_call(booth, "general")
    general_ws.wait_for(lambda f: f["type"] == "queue" and len(f["entries"]) == 1)
    call = hub.post(general, f"/api/v1/queue/{entry['id']}/accept").json()
    tax, tax_ws = clerk_online(hub, "tax1", "tax")
    invite = hub.post(general, f"/api/v1/calls/{call['call_id']}/invite", {"department": "tax"})
    assert invite.status_code == 201, invite.text
    tax_ws.wait_for(lambda f: f["type"] == "queue" and len(f["entries"]) == 1)
    boss = hub.clerk("taxboss", "tax", ("clerk", "supervisor"))
    # Before a tax clerk joins, the call is the general department's alone.
    assert hub.get(boss, f"/api/v1/calls/{call['call_id']}").status_code == 404
    joined = hub.post(tax, f"/api/v1/queue/{invite.json()['id']}/accept")
    assert joined.status_code == 200, joined.text
    assert hub.get(boss, f"/api/v1/calls/{call['call_id']}").status_code == 200
    assert [c["id"] for c in hub.get(boss, "/api/v1/calls").json()["calls"]] == [call["call_id"]]
