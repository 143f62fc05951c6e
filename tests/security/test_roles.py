"""Threat: a clerk who is not the fleet's operator rules the booths (kiosk.hub.api_ops).

Only the ``operator`` role opens the ops API, and only for the booths of the operator's
scope; a supervisor of any department is not an operator.
"""

from __future__ import annotations

from typing import Any

from kiosk.hub import api_ops
from kiosk.hub.fleet_alerts import Fault
from tests.hub.conftest import Hub


def _error(r: Any) -> str:
    return str(r.json()["error"]["code"])


def test_a_supervisor_is_not_an_operator(hub: Hub) -> None:
    hub.booth("tianhe-01")
    supervisor = hub.clerk("sup", "tax", ("clerk", "supervisor"))
    admin = hub.clerk("boss", "tax", ("admin", "supervisor", "clerk"))
    for token in (supervisor, admin):
        r = hub.get(token, "/api/v1/ops/booths")
        assert r.status_code == 403 and _error(r) == "operators_only", r.text
        r = hub.post(token, "/api/v1/ops/booths/tianhe-01/restart", {"reason": "mine now"})
        assert r.status_code == 403, r.text
        body = {"settings": {"booth.idle_timeout_s": 5}}
        r = hub.post(token, "/api/v1/ops/booths/tianhe-01/config", body)
        assert r.status_code == 403, r.text
    # an operator role with no scope manages nothing
    nobody = hub.clerk("noscope", "tax", ("operator",))
    assert hub.get(nobody, "/api/v1/ops/booths").status_code == 403


def test_an_operator_manages_only_the_booths_of_their_scope(hub: Hub) -> None:
    for booth_id in ("tianhe-01", "tianhe-02", "yuexiu-01"):
        hub.booth(booth_id)
    tianhe = hub.clerk("tianhe-ops", "tax", ("operator",), operator_scope="tianhe-*")
    everyone = hub.clerk("city-ops", "tax", ("operator",), operator_scope="*")
    listed = [b["id"] for b in hub.get(tianhe, "/api/v1/ops/booths").json()["booths"]]
    assert listed == ["tianhe-01", "tianhe-02"]
    listed = [b["id"] for b in hub.get(everyone, "/api/v1/ops/booths").json()["booths"]]
    assert listed == ["tianhe-01", "tianhe-02", "yuexiu-01"]

    # another district's booth: no commands, no health history
    for path, body in (
        ("/api/v1/ops/booths/yuexiu-01/restart", {"reason": "x"}),
        ("/api/v1/ops/booths/yuexiu-01/config", {"settings": {"booth.idle_timeout_s": 5}}),
    ):
        r = hub.post(tianhe, path, body)
        assert r.status_code == 403 and _error(r) == "outside_scope", r.text
    r = hub.get(tianhe, "/api/v1/ops/booths/yuexiu-01/health")
    assert r.status_code == 403 and _error(r) == "outside_scope", r.text

    # nor its work orders
    (order_id,) = api_ops._raise_faults(
        hub.state,
        "yuexiu-01",
        [Fault("locker.jammed", "slot 3 jammed")],
        hub.state.clock.now(),
    )
    orders = hub.get(tianhe, "/api/v1/ops/work-orders").json()["work_orders"]
    assert order_id not in [o["id"] for o in orders]
    maintainer = hub.post(tianhe, "/api/v1/ops/maintainers", {"name": "陈师傅"}).json()
    r = hub.post(
        tianhe, f"/api/v1/ops/work-orders/{order_id}/dispatch", {"maintainer_id": maintainer["id"]}
    )
    assert r.status_code == 403 and _error(r) == "outside_scope", r.text
    r = hub.post(
        everyone,
        f"/api/v1/ops/work-orders/{order_id}/dispatch",
        {"maintainer_id": maintainer["id"]},
    )
    assert r.status_code == 200, r.text


def test_an_operator_is_made_with_a_scope(hub: Hub) -> None:
    admin = hub.clerk("boss", "tax", ("admin", "clerk"))
    body: dict[str, Any] = {
        "username": "ops2",
        "password": "long enough",
        "name": "运维",
        "department": "tax",
        "roles": ["operator"],
    }
    r = hub.post(admin, "/api/v1/clerks", body)
    assert r.status_code == 422 and _error(r) == "operator_scope", r.text
    r = hub.post(admin, "/api/v1/clerks", {**body, "operator_scope": "tianhe-*"})
    assert r.status_code == 201, r.text
    login = hub.http.post(
        "/api/v1/auth/login", json={"username": "ops2", "password": "long enough"}
    ).json()
    me = hub.get(login["token"], "/api/v1/me").json()
    assert me["roles"] == ["operator"] and me["operator_scope"] == ["tianhe-*"]
