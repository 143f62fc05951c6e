"""The hub skeleton over real HTTP and WebSocket: health, catalog, search, booths, /ws/booth."""

from __future__ import annotations

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from tests.hub.conftest import Hub, command, door_code_from, door_code_now, hub_settings, typed


def test_health_reports_version_db_and_booths_online(hub: Hub) -> None:
    r = hub.http.get("/api/v1/health")
    assert r.status_code == 200
    body = r.json()
    assert body == {"status": "ok", "version": body["version"], "db": "ok", "booths_online": 0}
    booth = hub.ws("/ws/booth", hub.booth("b1"))
    booth.wait_for(typed("welcome"))
    assert hub.http.get("/api/v1/health").json()["booths_online"] == 1
    booth.close()


def test_catalog_has_an_etag_and_answers_304_when_unchanged(hub: Hub, catalog: object) -> None:
    r = hub.http.get("/api/v1/catalog")
    assert r.status_code == 200
    assert r.json() == catalog.to_json()  # type: ignore[attr-defined]
    etag = r.headers["etag"]
    again = hub.http.get("/api/v1/catalog", headers={"If-None-Match": etag})
    assert again.status_code == 304
    other = hub.http.get("/api/v1/catalog", headers={"If-None-Match": '"stale"'})
    assert other.status_code == 200


def test_service_search_uses_the_catalog_search(hub: Hub, catalog: object) -> None:
    r = hub.http.get("/api/v1/services", params={"q": "gongjijin"})
    assert r.status_code == 200
    codes = [s["code"] for s in r.json()["services"]]
    expected = [s.code for s in catalog.search("gongjijin")]  # type: ignore[attr-defined]
    assert codes == expected[: len(codes)] and "hpf-withdrawal-purchase" in codes
    r = hub.http.get("/api/v1/services", params={"department": "market"})
    assert "enterprise-deregistration" in [s["code"] for s in r.json()["services"]]
    assert all(s["department"] == "market" for s in r.json()["services"])


def test_openapi_is_published(hub: Hub) -> None:
    doc = hub.http.get("/openapi.json").json()
    assert "/api/v1/health" in doc["paths"] and "/api/v1/cases/{case_id}" in doc["paths"]


def test_openapi_declares_the_idempotency_header_and_the_error_shape(hub: Hub) -> None:
    doc = hub.http.get("/openapi.json").json()
    writes = [
        (path, method, op)
        for path, ops in doc["paths"].items()
        for method, op in ops.items()
        if path.startswith("/api/") and method in ("post", "put", "patch", "delete")
    ]
    assert len(writes) > 20
    for path, method, op in writes:
        names = [p["name"] for p in op.get("parameters", []) if p["in"] == "header"]
        assert "Idempotency-Key" in names, f"{method} {path}"
    for ops in doc["paths"].values():
        for op in ops.values():
            refs = {
                r["content"]["application/json"]["schema"]["$ref"]
                for s, r in op["responses"].items()
                if s.startswith("4")
            }
            assert refs == {"#/components/schemas/Error"}
    assert "HTTPValidationError" not in doc["components"]["schemas"]
    # What the document promises is what the hub answers: a 422 in the published shape.
    admin = hub.clerk("doc-admin", "general", ("admin",))
    r = hub.post(admin, "/api/v1/booths", {"id": 7})
    assert r.status_code == 422 and set(r.json()) == {"error"}
    assert {"code", "message"} <= set(r.json()["error"])


def test_admin_registers_a_booth_and_its_token_opens_the_booth_socket(hub: Hub) -> None:
    admin = hub.clerk("root", "general", ("admin",))
    r = hub.post(admin, "/api/v1/booths", {"id": "street-7", "name": "街道七号晓屋"})
    assert r.status_code == 201, r.text
    token = r.json()["token"]
    assert r.json()["id"] == "street-7"
    assert r.json()["push_key"] == hub.server.push_key()  # the booth's [hub] push_key
    with hub.state.sessions() as db:  # only a hash is stored
        from kiosk.hub.models import Booth

        assert token not in db.get(Booth, "street-7").token_hash
    clerk = hub.clerk("plain", "tax")
    assert (
        hub.post(clerk, "/api/v1/booths", {"id": "x", "name": "x"}).json()["error"]["code"]
        == "admins_only"
    )
    booth = hub.ws("/ws/booth", token)
    welcome = booth.wait_for(typed("welcome"))
    assert welcome["booth_id"] == "street-7" and welcome["heartbeat_s"] == 10
    booth.close()


def test_booth_socket_refuses_a_bad_token(hub: Hub) -> None:
    with pytest.raises(InvalidStatus) as refused:
        connect(
            hub.server.ws_url + "/ws/booth",
            additional_headers={"Authorization": "Bearer bt_wrong"},
            open_timeout=5,
        )
    assert refused.value.response.status_code == 403


def test_booth_socket_refuses_the_token_in_the_query(hub: Hub) -> None:
    """A token in a URL lands in access logs: the hub takes it only in a header or frame."""
    token = hub.booth("q1")
    with pytest.raises(InvalidStatus) as refused:
        connect(f"{hub.server.ws_url}/ws/booth?token={token}", open_timeout=5)
    assert refused.value.response.status_code == 403


def test_heartbeats_are_answered_and_events_acked_once(hub: Hub) -> None:
    booth = hub.ws("/ws/booth", hub.booth("hb"))
    booth.wait_for(typed("welcome"))
    booth.send({"type": "ping", "ts": 12.5})
    assert booth.wait_for(typed("pong"))["ts"] == 12.5
    event = {"type": "event", "id": "e-1", "name": "health", "data": {"cpu": 0.3}}
    booth.send(event)
    assert booth.wait_for(typed("ack", id="e-1"))["ok"] is True
    booth.send(event)  # a resend (outbox retry) is acked again
    assert booth.wait_for(typed("ack", id="e-1"))["ok"] is True
    booth.send({"type": "event", "id": "e-2", "name": "no_such_event", "data": {}})
    assert booth.wait_for(typed("ack", id="e-2"))["error"] == "unknown_event"
    booth.send({"type": "nonsense"})
    assert booth.wait_for(typed("error"))["code"] == "unknown_frame"
    booth.conn.send("not json")
    assert booth.wait_for(typed("error"))["code"] == "bad_frame"
    booth.close()


def test_hub_pings_and_a_newer_connection_replaces_the_old(db_url: str, catalog: object) -> None:
    from kiosk.hub.server import HubServer

    with HubServer(hub_settings(db_url, heartbeat_s=0.2), catalog=catalog) as server:
        h = Hub(server)
        request_close = h.close
        token = h.booth("hb2")
        first = h.ws("/ws/booth", token)
        ping = first.wait_for(typed("ping"))
        first.send({"type": "pong", "ts": ping["ts"]})
        second = h.ws("/ws/booth", token)
        second.wait_for(typed("welcome"))
        with pytest.raises(Exception):  # noqa: B017 - closed by the hub, any close error
            first.wait_for(typed("never"), timeout=5)
        assert first.conn.close_code == 4000
        # A silent socket is closed after three missed heartbeats.
        with pytest.raises(Exception):  # noqa: B017
            second.wait_for(typed("never"), timeout=5)
        assert second.conn.close_code == 4408
        request_close()


def test_open_door_command_reaches_the_booth_and_waits_for_its_ack(hub: Hub) -> None:
    booth = hub.ws("/ws/booth", hub.booth("door-1"))
    code = {"door_code": door_code_from(booth.wait_for(typed("welcome")))}
    import threading

    result: dict[str, object] = {}
    t = threading.Thread(
        target=lambda: result.update(r=hub.post(None, "/api/v1/booths/door-1/open-door", code))
    )
    t.start()
    cmd = booth.wait_for(command("open_door"))
    booth.send({"type": "ack", "id": cmd["id"], "ok": True})
    start = booth.wait_for(command("start_session"))
    assert start["data"]["citizen_token"].startswith("ct.")
    booth.send({"type": "ack", "id": start["id"], "ok": True})
    t.join(10)
    response = result["r"]
    assert response.status_code == 200 and response.json()["opened"] is True  # type: ignore[attr-defined]
    booth.close()


def test_open_door_failures_are_clear(hub: Hub) -> None:
    hub.booth("door-2")
    code = {"door_code": door_code_now(hub, "door-2")}
    r = hub.post(None, "/api/v1/booths/door-2/open-door", code)
    assert r.status_code == 409 and r.json()["error"]["code"] == "booth_offline"
    assert (
        hub.post(None, "/api/v1/booths/nope/open-door", code).json()["error"]["code"]
        == "booth_not_found"
    )
    booth = hub.ws("/ws/booth", hub.booth("door-3"))
    code = {"door_code": door_code_from(booth.wait_for(typed("welcome")))}
    import threading

    out: dict[str, object] = {}
    t = threading.Thread(
        target=lambda: out.update(r=hub.post(None, "/api/v1/booths/door-3/open-door", code))
    )
    t.start()
    cmd = booth.wait_for(command("open_door"))
    booth.send({"type": "ack", "id": cmd["id"], "ok": False, "error": "relay_fault"})
    t.join(10)
    body = out["r"].json()  # type: ignore[attr-defined]
    assert body["error"]["code"] == "door_failed"
    assert body["error"]["details"]["booth_error"] == "relay_fault"
    booth.close()
