"""The peer routes between two (or three) real hubs over HTTP: a configured peer's signed
request is served; unsigned, changed, replayed and foreign requests are refused, and a
peer sees only the cases it asked for."""

from __future__ import annotations

import json
from contextlib import ExitStack

import httpx
import pytest

from kiosk.hub.federation import PeerRefused
from kiosk.hub.federation_signing import load_private_key, sign_request
from tests.federation.two_hubs import SHARED, call, hub_of, region, running

A, B, C = "440113", "440300", "440600"  # Panyu district, Shenzhen, Foshan


@pytest.fixture
def hubs(tmp_path, catalog):
    """Hub B serves; A is its peer; C is a peer of B too; D knows B but B does not know D."""
    a, b, c, d = region(A), region(B), region(C), region("441900")
    with ExitStack() as stack:
        started = {
            "A": stack.enter_context(running(hub_of(tmp_path, a, [b]), catalog, a)),
            "B": stack.enter_context(running(hub_of(tmp_path, b, [a, c]), catalog, b)),
            "C": stack.enter_context(running(hub_of(tmp_path, c, [b]), catalog, c)),
            "D": stack.enter_context(running(hub_of(tmp_path, d, [b]), catalog, d)),
        }
        started["regions"] = {"A": a, "B": b, "C": c, "D": d}
        yield started


def _case_body(ref: str = "ref-0001-a", service: str = SHARED) -> dict:
    return {"ref": ref, "service": service, "citizen": {"name": "张三", "phone": "13800138000"}}


def test_a_peer_sees_the_shared_services_with_the_serving_region(hubs):
    answer = call(hubs["A"], B, "GET", "/api/v1/peer/services")
    assert answer["region"] == B
    assert [s["code"] for s in answer["services"]] == [SHARED]
    assert answer["services"][0]["region"] == B
    assert answer["services"][0]["name"]["zh_CN"] == "住房公积金异地转移接续"


def test_an_unsigned_request_is_refused(hubs):
    r = httpx.get(hubs["B"].url + "/api/v1/peer/services")
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "peer_signature_missing"
    r = httpx.post(hubs["B"].url + "/api/v1/peer/cases", json=_case_body())
    assert r.json()["error"]["code"] == "peer_signature_missing"


def test_a_changed_body_breaks_the_signature(hubs):
    key = load_private_key(hubs["regions"]["A"].key)
    signed = json.dumps(_case_body(service=SHARED)).encode()
    headers = sign_request(key, A, "POST", "/api/v1/peer/cases", signed)
    tampered = json.dumps(_case_body(service="household-migration")).encode()
    r = httpx.post(
        hubs["B"].url + "/api/v1/peer/cases",
        content=tampered,
        headers={**headers, "Content-Type": "application/json"},
    )
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "peer_signature_invalid"


def test_a_replayed_request_is_refused(hubs):
    key = load_private_key(hubs["regions"]["A"].key)
    headers = sign_request(key, A, "GET", "/api/v1/peer/services", b"")
    first = httpx.get(hubs["B"].url + "/api/v1/peer/services", headers=headers)
    assert first.status_code == 200, first.text
    again = httpx.get(hubs["B"].url + "/api/v1/peer/services", headers=headers)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "peer_replay"


def test_a_hub_that_is_not_a_configured_peer_is_refused(hubs):
    with pytest.raises(PeerRefused) as refused:
        call(hubs["D"], B, "GET", "/api/v1/peer/services")
    assert refused.value.status == 403
    assert refused.value.body["error"]["code"] == "peer_unknown"
    # D claiming to be A, signing with its own key:
    key = load_private_key(hubs["regions"]["D"].key)
    headers = sign_request(key, A, "GET", "/api/v1/peer/services", b"")
    r = httpx.get(hubs["B"].url + "/api/v1/peer/services", headers=headers)
    assert r.json()["error"]["code"] == "peer_signature_invalid"


def test_a_peer_case_lives_at_the_serving_hub_once_however_often_it_is_sent(hubs):
    first = call(hubs["A"], B, "POST", "/api/v1/peer/cases", _case_body())
    again = call(hubs["A"], B, "POST", "/api/v1/peer/cases", _case_body())
    assert again["case_id"] == first["case_id"]
    assert first["region"] == B and first["status"] == "open"
    assert "citizen" not in first  # no personal data goes back to the peer
    clerk = hubs["B"].clerk("hpf-b", "hpf")
    listed = hubs["B"].get(clerk, "/api/v1/cases").json()["cases"]
    assert [c["id"] for c in listed] == [first["case_id"]]
    seen = call(hubs["A"], B, "GET", f"/api/v1/peer/cases/{first['case_id']}")
    assert seen["case_id"] == first["case_id"]


def test_a_peer_never_sees_a_case_it_does_not_serve(hubs):
    of_a = call(hubs["A"], B, "POST", "/api/v1/peer/cases", _case_body())
    with pytest.raises(PeerRefused) as refused:
        call(hubs["C"], B, "GET", f"/api/v1/peer/cases/{of_a['case_id']}")
    assert refused.value.status == 404
    booth = hubs["B"].booth("booth-b")
    local = hubs["B"].post(booth, "/api/v1/cases", {"service": SHARED})
    assert local.status_code == 201, local.text
    with pytest.raises(PeerRefused) as refused:
        call(hubs["A"], B, "GET", f"/api/v1/peer/cases/{local.json()['id']}")
    assert refused.value.status == 404


def test_a_service_that_is_not_shared_is_refused(hubs):
    with pytest.raises(PeerRefused) as refused:
        call(hubs["A"], B, "POST", "/api/v1/peer/cases", _case_body(service="household-migration"))
    assert refused.value.body["error"]["code"] == "peer_service_not_shared"


def test_a_hub_without_federation_refuses_every_peer(tmp_path, catalog):
    from tests.hub.conftest import hub_settings, running_hub

    a = region(A)
    with running_hub(hub_settings(f"sqlite:///{tmp_path}/plain.sqlite3"), catalog) as plain:
        key = load_private_key(a.key)
        headers = sign_request(key, A, "GET", "/api/v1/peer/services", b"")
        r = httpx.get(plain.url + "/api/v1/peer/services", headers=headers)
        assert r.status_code == 403
        assert r.json()["error"]["code"] == "peer_unknown"


def test_a_peer_past_its_rate_is_refused_and_another_peer_is_not(tmp_path, catalog):
    import dataclasses

    a, b, c = region(A), region(B), region(C)
    settings_b = hub_of(tmp_path, b, [a, c])
    settings_b = dataclasses.replace(
        settings_b,
        federation=dataclasses.replace(settings_b.federation, peer_requests_per_minute=3),
    )
    with (
        running(settings_b, catalog, b),
        running(hub_of(tmp_path, a, [b]), catalog, a) as hub_a,
        running(hub_of(tmp_path, c, [b]), catalog, c) as hub_c,
    ):
        for _ in range(2):  # A's start-up refresh of its peers' services is one more
            call(hub_a, B, "GET", "/api/v1/peer/services")
        with pytest.raises(PeerRefused) as refused:
            for _ in range(3):
                call(hub_a, B, "GET", "/api/v1/peer/services")
        assert refused.value.status == 429
        assert call(hub_c, B, "GET", "/api/v1/peer/services")["region"] == B
