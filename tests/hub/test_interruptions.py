"""A booth that closed a session safely at a restart: the hub notes it and tells the citizen."""

from __future__ import annotations

from typing import Any

from tests.hub.conftest import Hub, typed


def _case(hub: Hub, booth: str) -> dict[str, Any]:
    body = {
        "service": "social-insurance-record",
        "citizen": {"name": "张三", "phone": "13800138000"},
    }
    reply = hub.post(booth, "/api/v1/cases", body)
    assert reply.status_code == 201, reply.text
    return dict(reply.json())


def _session_ended(ws: Any, n: int, data: dict[str, Any]) -> None:
    ws.send({"type": "event", "id": f"end-{n}", "name": "session_ended", "data": data})
    ack = ws.wait_for(typed("ack", id=f"end-{n}"))
    assert ack["ok"], ack


def test_a_session_closed_by_a_restart_tells_the_citizen_how_to_continue(hub: Hub) -> None:
    booth = hub.booth("b1")
    ws = hub.ws("/ws/booth", booth)
    ws.wait_for(typed("welcome"))
    case = _case(hub, booth)
    citizen = case["citizen_token"]
    ended = {"session_id": "s1", "reason": "booth_restart", "case_id": case["id"]}
    _session_ended(ws, 1, {**ended, "case_ids": [case["id"]]})
    _session_ended(ws, 2, {**ended, "case_ids": [case["id"]]})  # its ack was lost: again
    page = hub.get(citizen, "/api/v1/citizen/overview").json()
    told = [n for n in page["inbox"] if n["kind"] == "session_interrupted"]
    assert len(told) == 1, page["inbox"]
    assert "社会保险" in told[0]["text"] and "扫码" in told[0]["text"]  # what, and how to go on
    # Her page, where the case is; the inbox keeps no login token (she is logged in).
    assert told[0]["link"].endswith("/m/")
    (mine,) = page["cases"]
    assert mine["id"] == case["id"] and mine["status"] == "open"  # the case stays on the hub


def test_an_ordinary_end_or_another_booths_case_tells_nobody(hub: Hub) -> None:
    b1, b2 = hub.booth("b1"), hub.booth("b2")
    ws = hub.ws("/ws/booth", b1)
    ws.wait_for(typed("welcome"))
    mine, theirs = _case(hub, b1), _case(hub, b2)
    _session_ended(ws, 1, {"session_id": "s1", "reason": "done", "case_id": mine["id"]})
    _session_ended(
        ws, 2, {"session_id": "s2", "reason": "booth_restart", "case_ids": [theirs["id"]]}
    )
    for case in (mine, theirs):
        inbox = hub.get(case["citizen_token"], "/api/v1/citizen/overview").json()["inbox"]
        assert not [n for n in inbox if n["kind"] == "session_interrupted"]
