"""API v1 over real HTTP: cases, materials, form, steps, certificates, ratings, auth,
idempotency, clear 4xx codes. Runs on SQLite, and on PostgreSQL with XIAOWU_TEST_PG_URL."""

from __future__ import annotations

import base64
import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from kiosk.hub.models import AuditEntry, IdempotentResponse
from tests.hub.conftest import Hub, command, door_code_from, door_code_now, image_bytes, typed
from tests.hub.steps import TAX_CLEARANCE, reach_step

ID_NUMBER = "11010519491231002X"


def open_case(hub: Hub, booth_token: str, service: str = "enterprise-deregistration") -> Any:
    r = hub.post(
        booth_token,
        "/api/v1/cases",
        {
            "service": service,
            "citizen": {"name": "张三", "id_number": ID_NUMBER, "phone": "13800138000"},
        },
    )
    assert r.status_code == 201, r.text
    return r.json()


def test_a_booth_opens_a_case_with_steps_and_departments_from_the_catalog(
    hub: Hub, catalog: Any
) -> None:
    case = open_case(hub, hub.booth("b1"))
    service = catalog.service("enterprise-deregistration")
    assert [s["kind"] for s in case["steps"]] == [s.kind for s in service.steps]
    departments = {d["department"] for d in case["departments"]}
    assert {"tax", "market"} <= departments
    assert case["citizen"]["id_number"] == "1101**********002X"
    assert ID_NUMBER not in str(case)
    assert case["citizen_token"].startswith("ct.")


def test_clerks_see_only_cases_of_their_department(hub: Hub) -> None:
    case = open_case(hub, hub.booth("b1"))
    tax = hub.clerk("tax1", "tax")
    hpf = hub.clerk("hpf1", "hpf")
    assert hub.get(tax, f"/api/v1/cases/{case['id']}").status_code == 200
    r = hub.get(hpf, f"/api/v1/cases/{case['id']}")
    assert r.status_code == 404 and r.json()["error"]["code"] == "case_not_found"
    assert case["id"] in [c["id"] for c in hub.get(tax, "/api/v1/cases").json()["cases"]]
    assert hub.get(hpf, "/api/v1/cases").json()["cases"] == []
    # Another booth and another citizen cannot read it either.
    assert hub.get(hub.booth("b2"), f"/api/v1/cases/{case['id']}").status_code == 404
    code = {"door_code": door_code_now(hub, "b2")}
    other = hub.post(None, "/api/v1/booths/b2/open-door", code)  # offline booth: no token
    assert other.status_code == 409
    citizen = case["citizen_token"]
    assert hub.get(citizen, f"/api/v1/cases/{case['id']}").status_code == 200
    forged = citizen[:-2] + ("AA" if not citizen.endswith("AA") else "BB")
    assert hub.get(forged, f"/api/v1/cases/{case['id']}").json()["error"]["code"] == "invalid_token"


def test_every_read_and_write_of_personal_data_is_audited(hub: Hub) -> None:
    case = open_case(hub, hub.booth("b1"))
    tax = hub.clerk("tax1", "tax")
    hub.get(tax, f"/api/v1/cases/{case['id']}")
    tax_id = hub.clerk_id(tax)
    with hub.state.sessions() as db:
        entries = db.scalars(
            select(AuditEntry).where(AuditEntry.subject == f"case:{case['id']}")
        ).all()
        assert ("booth:b1", "write") in [(e.actor, e.action) for e in entries]
        assert (f"clerk:{tax_id}", "read") in [(e.actor, e.action) for e in entries]
        assert all(ID_NUMBER not in e.detail for e in entries)
        entries[0].detail = "tampered"
        try:
            db.commit()
        except PermissionError:
            db.rollback()
        else:
            raise AssertionError("the audit log accepted a change")


def test_materials_are_captured_at_level_c_and_verified_to_b(hub: Hub) -> None:
    booth = hub.booth("b1")
    case = open_case(hub, booth)
    png = base64.b64encode(image_bytes("PNG")).decode()
    r = hub.post(
        booth,
        f"/api/v1/cases/{case['id']}/materials",
        {
            "code": "business_license",
            "doc_type": "business_license",
            "image_base64": png,
            "image_type": "image/png",
            "ocr_fields": {"uscc": "91350100M000100Y43", "legal_person_id": ID_NUMBER},
        },
    )
    assert r.status_code == 201, r.text
    material = r.json()
    assert material["trust_level"] == "C"
    assert material["ocr_fields"]["legal_person_id"] == "1101**********002X"
    tax = hub.clerk("tax1", "tax")
    image = hub.get(tax, f"/api/v1/materials/{material['id']}/image")
    assert image.status_code == 200 and image.content.startswith(b"\x89PNG")
    r = hub.post(
        tax,
        f"/api/v1/materials/{material['id']}/verify",
        {"against": "original licence in locker slot 3"},
    )
    assert r.status_code == 200, r.text
    verified = r.json()
    assert verified["trust_level"] == "B"
    assert verified["verified_by"] == hub.clerk_id(tax)
    assert verified["verified_against"] == "original licence in locker slot 3"
    bad = hub.post(
        booth,
        f"/api/v1/cases/{case['id']}/materials",
        {"code": "x", "image_base64": "***not base64***"},
    )
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "bad_image"
    assert (
        hub.post(booth, f"/api/v1/materials/{material['id']}/verify", {"against": "x"}).json()[
            "error"
        ]["code"]
        == "clerks_only"
    )


def test_idempotency_key_returns_the_first_result_without_doing_it_twice(hub: Hub) -> None:
    booth = hub.booth("b1")
    body = {"service": "enterprise-deregistration", "citizen": {"name": "李四"}}
    headers = {"Idempotency-Key": "case-123"}
    first = hub.post(booth, "/api/v1/cases", body, headers=headers)
    again = hub.post(booth, "/api/v1/cases", body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert again.headers.get("idempotent-replay") == "true"
    listed = hub.get(booth, "/api/v1/cases").json()["cases"]
    assert len(listed) == 1
    other = hub.post(booth, "/api/v1/cases", {**body, "citizen": {"name": "王五"}}, headers=headers)
    assert other.status_code == 422 and other.json()["error"]["code"] == "idempotency_key_reused"
    # Another caller's identical key is its own.
    second_booth = hub.booth("b2")
    mine = hub.post(second_booth, "/api/v1/cases", body, headers=headers)
    assert mine.status_code == 201 and mine.json()["id"] != first.json()["id"]
    # Concurrent retries still do the work once.
    results: list[Any] = []
    threads = [
        threading.Thread(
            target=lambda: results.append(
                hub.post(booth, "/api/v1/cases", body, headers={"Idempotency-Key": "race"})
            )
        )
        for _ in range(5)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({r.json()["id"] for r in results}) == 1
    with hub.state.sessions() as db:
        assert db.scalar(select(IdempotentResponse).where(IdempotentResponse.key == "race"))


def test_form_edits_of_different_fields_at_once_all_land(hub: Hub) -> None:
    """Two clerks and the citizen fill the shared form at once: merging a field into the
    case's form is atomic (it lost most of 24 concurrent edits when it was not)."""
    booth = hub.booth("b1")
    clerk = hub.clerk("tax1", "tax")
    r = hub.post(booth, "/api/v1/cases", {"service": "enterprise-deregistration"})
    assert r.status_code == 201, r.text
    case_id = r.json()["id"]
    keys = [f"note_{i}" for i in range(24)]
    start = threading.Barrier(len(keys))

    def edit(key: str) -> int:
        with httpx.Client(base_url=hub.url, timeout=30.0) as http:
            start.wait()
            r = http.put(
                f"/api/v1/cases/{case_id}/form",
                json={"fields": {key: key}},
                headers={"Authorization": f"Bearer {booth}"},
            )
            return r.status_code

    with ThreadPoolExecutor(len(keys)) as pool:
        assert list(pool.map(edit, keys)) == [200] * len(keys)
    form = hub.get(clerk, f"/api/v1/cases/{case_id}").json()["form"]
    assert {k: v for k, v in form.items() if k.startswith("note_")} == {k: k for k in keys}


def test_bad_input_gets_a_4xx_with_a_machine_readable_code(hub: Hub) -> None:
    booth = hub.booth("b1")
    cases = [
        (hub.post(booth, "/api/v1/cases", {"service": "no-such-service"}), 422, "unknown_service"),
        (hub.post(booth, "/api/v1/cases", {"nothing": 1}), 422, "invalid_request"),
        (
            hub.http.post(
                "/api/v1/cases",
                content=b"{not json",
                headers={"Authorization": f"Bearer {booth}", "Content-Type": "application/json"},
            ),
            422,
            "invalid_request",
        ),
        (
            hub.post(
                booth,
                "/api/v1/cases",
                {"service": "enterprise-deregistration", "citizen": {"id_number": "123"}},
            ),
            422,
            "invalid_request",
        ),
        (hub.get(None, "/api/v1/cases"), 401, "unauthorized"),
        (hub.get("garbage", "/api/v1/cases"), 401, "invalid_token"),
        (hub.get(booth, "/api/v1/nowhere"), 404, "not_found"),
        (hub.http.delete("/api/v1/health"), 405, "method_not_allowed"),
        (hub.get(booth, "/api/v1/services", params={"limit": "many"}), 422, "invalid_request"),
        (
            hub.post(
                booth, "/api/v1/cases", {"service": "x"}, headers={"Idempotency-Key": "k" * 300}
            ),
            400,
            "bad_idempotency_key",
        ),
    ]
    for response, status, code in cases:
        assert response.status_code == status, response.text
        assert response.json()["error"]["code"] == code
        assert set(response.json()["error"]) >= {"code", "message"}


def test_login_is_rate_limited_and_sessions_expire(hub: Hub) -> None:
    token = hub.clerk("tax1", "tax")
    assert hub.get(token, "/api/v1/me").json()["kind"] == "clerk"
    for _ in range(5):
        r = hub.post(None, "/api/v1/auth/login", {"username": "tax1", "password": "wrong-one"})
        assert r.json()["error"]["code"] == "bad_credentials"
    r = hub.post(None, "/api/v1/auth/login", {"username": "tax1", "password": "wrong-one"})
    assert r.status_code == 429 and r.json()["error"]["code"] == "too_many_attempts"
    hub.post(token, "/api/v1/auth/logout")
    assert hub.get(token, "/api/v1/me").json()["error"]["code"] == "invalid_token"


def test_steps_certificates_and_ratings(hub: Hub) -> None:
    booth = hub.booth("b1")
    case = open_case(hub, booth)
    tax = hub.clerk("tax1", "tax")
    market = hub.clerk("mkt1", "market")
    tax_step = next(s for s in case["steps"] if s["department"] == "tax")
    market_step = next(
        s for s in case["steps"] if s["department"] == "market" and s["kind"] != "identify"
    )
    r = hub.post(market, f"/api/v1/cases/{case['id']}/steps/{tax_step['position']}/complete")
    assert r.status_code == 403 and r.json()["error"]["code"] == "other_department"
    r = hub.post(tax, f"/api/v1/cases/{case['id']}/steps/{tax_step['position']}/complete")
    assert r.status_code == 200
    assert (
        next(s for s in r.json()["steps"] if s["position"] == tax_step["position"])["status"]
        == "done"
    )
    reach_step(hub, case["id"], TAX_CLEARANCE)
    r = hub.post(tax, f"/api/v1/cases/{case['id']}/certificates", {"title": "清税证明"})
    assert r.status_code == 201, r.text
    cert = r.json()
    pdf = hub.get(case["citizen_token"], cert["pdf_url"])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # A link the phone opens: a one-time ticket, not the token in the URL.
    ticket = hub.post(case["citizen_token"], f"/api/v1/certificates/{cert['id']}/download").json()
    assert "token" not in ticket["url"] and ticket["expires_in_s"] <= 60
    assert hub.http.get(ticket["url"]).content.startswith(b"%PDF")
    assert hub.http.get(ticket["url"]).status_code == 404  # used up
    page = hub.http.get(f"/verify/{cert['id']}")
    assert page.status_code == 200 and "真实有效" in page.text
    assert hub.http.get("/verify/0000").status_code == 404
    inbox = hub.get(case["citizen_token"], "/api/v1/citizen/overview").json()["inbox"]
    assert any(n["kind"] == "certificate_issued" for n in inbox)
    # 好差评: the service item and each clerk who served, once each.
    citizen = case["citizen_token"]
    tax_id = hub.clerk_id(tax)
    r = hub.post(
        citizen,
        f"/api/v1/cases/{case['id']}/ratings",
        {
            "ratings": [
                {"target": "service", "level": 5},
                {"target": "clerk", "clerk_id": tax_id, "level": 4},
            ]
        },
    )
    assert r.status_code == 201, r.text
    assert {(x["target"], x["level"]) for x in r.json()["ratings"]} == {
        ("service", 5),
        ("clerk", 4),
    }
    again = hub.post(
        citizen,
        f"/api/v1/cases/{case['id']}/ratings",
        {"ratings": [{"target": "service", "level": 1}]},
    )
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_rated"
    stranger = hub.post(
        citizen,
        f"/api/v1/cases/{case['id']}/ratings",
        {"ratings": [{"target": "clerk", "clerk_id": hub.clerk_id(market), "level": 1}]},
    )
    assert stranger.json()["error"]["code"] == "clerk_not_on_case"
    assert (
        hub.post(
            citizen,
            f"/api/v1/cases/{case['id']}/ratings",
            {"ratings": [{"target": "service", "level": 6}]},
        ).status_code
        == 422
    )
    del market_step


def test_appointment_then_door_opens_a_case_bound_to_it(hub: Hub) -> None:
    booth_ws = hub.ws("/ws/booth", hub.booth("b1"))
    code = door_code_from(booth_ws.wait_for(typed("welcome")))
    r = hub.post(
        None,
        "/api/v1/appointments",
        {
            "service": "enterprise-deregistration",
            "booth_id": "b1",
            "slot_at": "2099-01-02T10:00:00+08:00",
            "name": "王女士",
            "phone": "13900000000",
        },
    )
    assert r.status_code == 201, r.text
    token = r.json()["citizen_token"]
    appointment = r.json()["appointment"]
    out: dict[str, Any] = {}
    t = threading.Thread(
        target=lambda: out.update(
            r=hub.post(
                token,
                "/api/v1/booths/b1/open-door",
                {"door_code": code, "appointment_id": appointment["id"]},
            )
        )
    )
    t.start()
    for name in ("open_door", "start_session"):
        cmd = booth_ws.wait_for(command(name))
        booth_ws.send({"type": "ack", "id": cmd["id"], "ok": True})
    t.join(10)
    opened = out["r"].json()
    assert opened["case_id"] and cmd["data"]["case_id"] == opened["case_id"]
    overview = hub.get(token, "/api/v1/citizen/overview").json()
    assert overview["appointments"][0]["status"] == "used"
    assert overview["cases"][0]["id"] == opened["case_id"]
    assert overview["cases"][0]["service"] == "enterprise-deregistration"
    booth_ws.send(  # she has left: the booth is free again
        {"type": "event", "id": "e1", "name": "session_state", "data": {"active": False}}
    )
    booth_ws.wait_for(typed("ack", id="e1"))
    reuse = hub.post(
        token,
        "/api/v1/booths/b1/open-door",
        {"door_code": door_code_now(hub, "b1"), "appointment_id": appointment["id"]},
    )
    assert reuse.json()["error"]["code"] == "appointment_not_open"
    past = hub.post(
        None,
        "/api/v1/appointments",
        {
            "service": "enterprise-deregistration",
            "booth_id": "b1",
            "slot_at": "2001-01-02T10:00:00+08:00",
        },
    )
    assert past.json()["error"]["code"] == "slot_in_past"


def test_appointment_times_are_the_districts_wall_clock(hub: Hub) -> None:
    hub.booth("b1")
    r = hub.post(
        None,
        "/api/v1/appointments",
        {"service": "hpf-withdrawal-rent", "booth_id": "b1", "slot_at": "2099-01-02T10:00"},
    )
    assert r.status_code == 201, r.text
    booked = r.json()["appointment"]
    # Written without an offset, the slot is 10:00 at the booth (Asia/Shanghai), not UTC.
    at = dt.datetime.fromisoformat(booked["slot_at"])
    assert at == dt.datetime(2099, 1, 2, 2, 0, tzinfo=dt.UTC)
    local = {"local": "2099-01-02 10:00", "utc_offset": "+08:00", "time_zone": "Asia/Shanghai"}
    assert booked["slot_local"] == local
    r = hub.post(
        None,
        "/api/v1/appointments",
        {"service": "hpf-withdrawal-rent", "booth_id": "b1", "slot_at": "2099-01-02T09:30Z"},
    )
    assert r.json()["appointment"]["slot_local"]["local"] == "2099-01-02 17:30"
    overview = hub.get(r.json()["citizen_token"], "/api/v1/citizen/overview").json()
    assert overview["time_zone"] == "Asia/Shanghai"
    assert overview["appointments"][0]["slot_local"]["local"] == "2099-01-02 17:30"
    assert hub.get(None, "/api/v1/booths").json()["time_zone"] == "Asia/Shanghai"


def test_an_unknown_time_zone_is_a_configuration_error() -> None:
    from kiosk.config import HubServerConfig
    from kiosk.core.errors import ConfigError
    from kiosk.hub.settings import HubSettings

    with pytest.raises(ConfigError, match="time_zone"):
        HubSettings.from_config(HubServerConfig(time_zone="Mars/Olympus_Mons"))
    assert HubSettings.from_config(HubServerConfig(time_zone="Europe/Lisbon")).time_zone


def test_clerk_sessions_and_citizen_links_expire(tmp_path: Any, catalog: Any) -> None:
    from kiosk.core.clock import FakeClock
    from kiosk.hub.server import HubServer
    from tests.hub.conftest import hub_settings

    clock = FakeClock()
    settings = hub_settings(
        f"sqlite:///{tmp_path}/hub.sqlite3", clerk_session_ttl_s=3600.0, citizen_link_ttl_s=7200.0
    )
    with HubServer(settings, catalog=catalog, clock=clock) as server:
        h = Hub(server)
        try:
            clerk = h.clerk("tax1", "tax")
            citizen = h.state.links.issue("someone")
            assert h.get(clerk, "/api/v1/me").status_code == 200
            assert h.get(citizen, "/api/v1/me").status_code == 200
            clock.advance(3601)
            assert h.get(clerk, "/api/v1/me").json()["error"]["code"] == "invalid_token"
            assert h.get(citizen, "/api/v1/me").status_code == 200
            clock.advance(3600)
            assert h.get(citizen, "/api/v1/me").json()["error"]["code"] == "invalid_token"
        finally:
            h.close()


def test_verifying_a_material_needs_a_written_basis(hub: Hub) -> None:
    """Attack: a blank or whitespace basis must not record a verification (level stays C)."""
    booth = hub.booth("b1")
    case = open_case(hub, booth)
    png = base64.b64encode(image_bytes("PNG")).decode()
    material = hub.post(
        booth,
        f"/api/v1/cases/{case['id']}/materials",
        {"code": "id_card", "doc_type": "id_card", "image_base64": png, "image_type": "image/png"},
    ).json()
    tax = hub.clerk("tax1", "tax")
    for blank in ("", "   ", "\t\n"):
        r = hub.post(tax, f"/api/v1/materials/{material['id']}/verify", {"against": blank})
        assert r.status_code == 422, r.text
        assert r.json()["error"]["code"] == "basis_required"
    missing = hub.post(tax, f"/api/v1/materials/{material['id']}/verify", {})
    assert missing.status_code == 422
    view = hub.get(tax, f"/api/v1/cases/{case['id']}").json()
    assert all(m["trust_level"] == "C" for m in view["materials"])


def test_a_clerk_cannot_store_a_value_the_booth_would_refuse(hub: Hub) -> None:
    """Attack: free text into a choice and an impossible date are refused; good ones stored."""
    booth = hub.booth("b1")
    case = open_case(hub, booth)
    clerk = hub.clerk("amr1", "market")
    form = f"/api/v1/cases/{case['id']}/form"
    for key, value in (
        ("dissolution_reason", "dissolved by resolution"),
        ("liquidation_date", "2024-13-45"),
    ):
        r = hub.put(clerk, form, {"fields": {key: value}})
        assert r.status_code == 422, r.text
        assert r.json()["error"]["code"] == "invalid_field_value"
        assert key in r.json()["error"]["message"]
    ok = {"dissolution_reason": "resolution", "liquidation_date": "2024-12-30"}
    r = hub.put(clerk, form, {"fields": ok})
    assert r.status_code == 200, r.text
    assert r.json()["form"]["liquidation_date"] == "2024-12-30"
