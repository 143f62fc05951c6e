"""Queues, calls and WebRTC signaling relay between a booth WebSocket and clerk
WebSockets, invitations into a running call, presence, shared form editing."""

from __future__ import annotations

from typing import Any

from tests.hub.conftest import Hub, WsClient, command, typed


def booth_online(hub: Hub, booth_id: str) -> tuple[str, WsClient]:
    token = hub.booth(booth_id)
    ws = hub.ws("/ws/booth", token)
    ws.wait_for(typed("welcome"))
    return token, ws


def clerk_online(hub: Hub, username: str, department: str) -> tuple[str, WsClient]:
    token = hub.clerk(username, department)
    ws = hub.ws("/ws/clerk", token)
    ws.wait_for(typed("welcome"))
    return token, ws


def request_call(booth: WsClient, department: str, case_id: str | None = None) -> Any:
    booth.send(
        {
            "type": "event",
            "id": f"req-{department}",
            "name": "call_request",
            "data": {"department": department, "case_id": case_id},
        }
    )
    ack = booth.wait_for(typed("ack", id=f"req-{department}"))
    assert ack["ok"], ack
    return ack["data"]


def test_a_booth_waits_in_the_department_queue_with_position_and_wait(hub: Hub) -> None:
    _, clerk_ws = clerk_online(hub, "tax1", "tax")
    clerk_ws.wait_for(lambda f: f["type"] == "queue" and f["entries"] == [])
    _, b1 = booth_online(hub, "b1")
    _, b2 = booth_online(hub, "b2")
    request_call(b1, "tax")
    request_call(b2, "tax")
    update = b2.wait_for(lambda f: f.get("name") == "queue" and f["data"]["position"] == 2)
    assert update["data"]["status"] == "waiting" and update["data"]["estimated_wait_s"] > 0
    queue = clerk_ws.wait_for(lambda f: f["type"] == "queue" and len(f["entries"]) == 2)
    assert [e["booth_id"] for e in queue["entries"]] == ["b1", "b2"]
    assert all(e["waiting_s"] >= 0 for e in queue["entries"])
    other = hub.clerk("hpf1", "hpf")
    r = hub.get(other, "/api/v1/queues/tax")
    assert r.status_code == 403 and r.json()["error"]["code"] == "other_department"
    unknown = b1.send(
        {"type": "event", "id": "bad", "name": "call_request", "data": {"department": "nope"}}
    )
    assert unknown is None
    assert b1.wait_for(typed("ack", id="bad"))["error"] == "unknown_department"


def test_accept_relay_invite_presence_and_end(hub: Hub) -> None:
    booth_token, booth = booth_online(hub, "b1")
    case = hub.post(
        booth_token,
        "/api/v1/cases",
        {"service": "enterprise-deregistration", "citizen": {"name": "王"}},
    ).json()
    general, general_ws = clerk_online(hub, "gen1", "market")
    tax, tax_ws = clerk_online(hub, "tax1", "tax")
    entry = request_call(booth, "market", case["id"])
    general_ws.wait_for(lambda f: f["type"] == "queue" and len(f["entries"]) == 1)
    r = hub.post(general, f"/api/v1/queue/{entry['id']}/accept")
    assert r.status_code == 200, r.text
    call = r.json()
    assert call["peers"] == ["booth:b1"]
    twice = hub.post(hub.clerk("gen2", "market"), f"/api/v1/queue/{entry['id']}/accept")
    assert twice.status_code == 409 and twice.json()["error"]["code"] == "already_taken"
    accepted = booth.wait_for(
        lambda f: f.get("name") == "queue" and f["data"]["status"] == "accepted"
    )
    general_peer = accepted["data"]["peer"]
    assert accepted["data"]["call_id"] == call["call_id"]
    # The clerk offers; the booth receives the offer as a signal command and answers.
    general_ws.send(
        {
            "type": "signal",
            "call_id": call["call_id"],
            "to": "booth:b1",
            "kind": "offer",
            "sdp": "v=0 offer",
            "info": {"name": "forged", "department": "tax"},
        }
    )
    offer = booth.wait_for(command("signal"))
    assert offer["data"]["from"] == general_peer and offer["data"]["sdp"] == "v=0 offer"
    # The booth's tile names the clerk from the hub's login, not from what the page said.
    assert offer["data"]["info"]["department"] == "market"
    assert offer["data"]["info"]["name"] not in ("", "forged")
    booth.send(
        {
            "type": "event",
            "id": "ans-1",
            "name": "signal",
            "data": {
                "call_id": call["call_id"],
                "to": general_peer,
                "kind": "answer",
                "sdp": "v=0 answer",
            },
        }
    )
    assert booth.wait_for(typed("ack", id="ans-1"))["ok"]
    answer = general_ws.wait_for(typed("signal", kind="answer"))
    assert answer["from"] == "booth:b1" and answer["sdp"] == "v=0 answer"
    # A clerk outside the call cannot signal into it.
    tax_ws.send(
        {
            "type": "signal",
            "call_id": call["call_id"],
            "to": "booth:b1",
            "kind": "offer",
            "sdp": "x",
        }
    )
    assert tax_ws.wait_for(typed("error"))["code"] == "not_in_call"
    # Presence: the accepting clerk is busy.
    clerks = hub.get(tax, "/api/v1/clerks").json()["clerks"]
    assert {c["username"]: c["presence"] for c in clerks}["gen1"] == "busy"
    tax_ws.send({"type": "presence", "status": "away"})
    assert tax_ws.wait_for(typed("presence"))["status"] == "away"
    tax_ws.send({"type": "presence", "status": "online"})
    tax_ws.wait_for(typed("presence", status="online"))
    # Invite the tax department: the tax clerk sees the invite and the case.
    assert hub.get(tax, f"/api/v1/cases/{case['id']}").status_code == 200  # routed to tax
    hpf = hub.clerk("hpf1", "hpf")
    assert hub.get(hpf, f"/api/v1/cases/{case['id']}").status_code == 404
    r = hub.post(general, f"/api/v1/calls/{call['call_id']}/invite", {"department": "hpf"})
    assert r.status_code == 201, r.text
    hpf_ws = hub.ws("/ws/clerk", hpf)
    invite = hpf_ws.wait_for(lambda f: f["type"] == "queue" and f["entries"])["entries"][0]
    assert invite["kind"] == "invite" and invite["call_id"] == call["call_id"]
    joined = hub.post(hpf, f"/api/v1/queue/{invite['id']}/accept").json()
    assert sorted(joined["peers"]) == sorted(["booth:b1", general_peer])
    assert general_ws.wait_for(typed("call", event="joined"))["peer"] == joined["you"]
    assert hub.get(hpf, f"/api/v1/cases/{case['id']}").status_code == 200
    # The newcomer offers to the other clerk too (mesh).
    hpf_ws.send(
        {
            "type": "signal",
            "call_id": call["call_id"],
            "to": general_peer,
            "kind": "offer",
            "sdp": "mesh",
        }
    )
    assert general_ws.wait_for(typed("signal", kind="offer"))["from"] == joined["you"]
    # Shared form: a clerk's edit reaches the booth, the booth's edit reaches the clerks.
    r = hub.put(general, f"/api/v1/cases/{case['id']}/form", {"fields": {"company_name": "晓屋"}})
    assert r.status_code == 200
    pushed = booth.wait_for(lambda f: f.get("name") == "push" and f["data"]["kind"] == "form_field")
    assert pushed["data"]["key"] == "company_name" and pushed["data"]["value"] == "晓屋"
    assert hpf_ws.wait_for(typed("form_field", key="company_name"))["from"] == general_peer
    booth.send(
        {
            "type": "event",
            "id": "ff",
            "name": "form_field",
            "data": {"case_id": case["id"], "key": "uscc", "value": "91350100M000100Y43"},
        }
    )
    assert general_ws.wait_for(typed("form_field", key="uscc"))["value"] == "91350100M000100Y43"
    assert hpf_ws.wait_for(typed("form_field", key="uscc"))["from"] == "booth:b1"
    assert hub.get(general, f"/api/v1/cases/{case['id']}").json()["form"] == {
        "company_name": "晓屋",
        "uscc": "91350100M000100Y43",
    }
    # Push a capture request to the booth; the call's clerk gets the booth's ack.
    import threading

    out: dict[str, Any] = {}
    t = threading.Thread(
        target=lambda: out.update(
            r=hub.post(
                general,
                "/api/v1/booths/b1/push",
                {"kind": "request_capture", "data": {"material": "business_license"}},
            )
        )
    )
    t.start()
    cmd = booth.wait_for(command("push"))
    assert cmd["data"] == {
        "kind": "request_capture",
        "material": "business_license",
        "clerk": hub.clerk_id(general),  # the hub names who pushed, for the workflow
        "department": "market",  # this test's "general" clerk sits in market regulation
    }
    booth.send({"type": "ack", "id": cmd["id"], "ok": True})
    t.join(10)
    assert out["r"].json()["ok"] is True
    assert (
        hub.post(tax, "/api/v1/booths/b1/push", {"kind": "open_slot"}).json()["error"]["code"]
        == "not_in_call"
    )
    # End: every participant hears bye, the call record is closed.
    r = hub.post(general, f"/api/v1/calls/{call['call_id']}/end")
    assert r.json()["ended"] is True
    assert booth.wait_for(command("signal"))["data"]["kind"] == "bye"
    assert hpf_ws.wait_for(typed("call", event="ended"))
    record = hub.get(general, f"/api/v1/calls/{call['call_id']}").json()
    assert record["status"] == "ended" and len(record["participants"]) == 3
    clerks = hub.get(tax, "/api/v1/clerks").json()["clerks"]
    assert {c["username"]: c["presence"] for c in clerks}["gen1"] == "online"
    del tax_ws


def test_a_clerks_step_and_check_reach_the_booth_as_pushes(hub: Hub) -> None:
    """Completing a step of the booth's case (an approval, the end of a consultation) and
    checking a capture against the original are pushed to the case's booth."""
    token, booth = booth_online(hub, "b1")
    tax = hub.clerk("tax1", "tax")
    r = hub.post(token, "/api/v1/cases", {"service": "enterprise-deregistration"})
    assert r.status_code == 201, r.text
    case = r.json()
    review = next(s for s in case["steps"] if s["kind"] == "review" and s["department"] == "tax")
    material = hub.post(
        token, f"/api/v1/cases/{case['id']}/materials", {"code": "business_license"}
    ).json()
    r = hub.post(tax, f"/api/v1/cases/{case['id']}/steps/{review['position']}/complete")
    assert r.status_code == 200, r.text
    pushed = booth.wait_for(lambda f: f.get("name") == "push" and f["data"]["kind"] == "step_done")
    assert pushed["data"] == {
        "kind": "step_done",
        "case_id": case["id"],
        "position": review["position"],
        "step_kind": "review",
        "department": "tax",
        "clerk": hub.clerk_id(tax),
    }
    r = hub.post(tax, f"/api/v1/materials/{material['id']}/verify", {"against": "原件"})
    assert r.json()["trust_level"] == "B"
    pushed = booth.wait_for(
        lambda f: f.get("name") == "push" and f["data"]["kind"] == "material_verified"
    )
    assert pushed["data"]["material"] == "business_license"
    assert pushed["data"]["clerk"] == hub.clerk_id(tax)
    # The booth's own steps are not echoed back to it.
    identify = next(s for s in case["steps"] if s["kind"] == "identify")
    hub.post(token, f"/api/v1/cases/{case['id']}/steps/{identify['position']}/complete")
    booth.send({"type": "event", "id": "h", "name": "health", "data": {}})
    booth.wait_for(typed("ack", id="h"))
    assert not [
        f
        for f in booth.frames
        if f.get("name") == "push" and f["data"].get("step_kind") == "identify"
    ]
