"""Fleet operations end to end: a real hub on 127.0.0.1, booths connecting with the
booth's own channel client, health reports, and a locker fault raised by the locker
emulator (a stuck door) that runs through the whole work-order loop."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from kiosk.core.clock import SystemClock
from kiosk.core.push_signing import check_push
from kiosk.devices.locker.bank import LockerBank, SlotJammed
from kiosk.devices.locker.profiles import PROFILES
from kiosk.devices.locker.store import SlotStore
from kiosk.hub.api_ops import push_key, sweep_offline
from kiosk.hub.fleet_alerts import AlertLimits
from kiosk.hub.models import AuditEntry
from kiosk.ops.health import HealthCollector
from tests.ops.conftest import OpsHub
from tests.ops.emulated_booth import BOOTH_RSS, FAST, EmulatedBooth, eventually


async def test_locker_fault_runs_the_whole_work_order_loop(
    ops_hub: OpsHub, stuck_locker: Any, tmp_path: Path
) -> None:
    model, bus = stuck_locker
    hub = ops_hub
    booth = EmulatedBooth(hub, "booth-1")
    bank = LockerBank(bus, SlotStore(tmp_path / "slots.json"), booth.reporter, SystemClock(), FAST)
    booth.collector = HealthCollector(SystemClock(), locker=bank, rss=lambda: BOOTH_RSS)
    booth.reporter.collector = booth.collector
    other = EmulatedBooth(hub, "booth-2")
    await booth.start()
    await other.start()
    try:
        # both booths' health is on the hub, with the locker counted
        listed = (await asyncio.to_thread(hub.get, "/api/v1/ops/booths")).json()["booths"]
        by_id = {b["id"]: b for b in listed}
        assert by_id["booth-1"]["online"] and by_id["booth-2"]["online"]
        assert by_id["booth-1"]["health"]["locker"]["free"] == len(PROFILES["kerong-cu16"].slots)
        assert by_id["booth-2"]["health"]["camera"] is True
        assert by_id["booth-1"]["alerts"] == []

        # a citizen's deposit meets a stuck door: the bank alerts, the reporter tells the hub
        with pytest.raises(SlotJammed):
            await bank.deposit("case-a", "M")
        assert model.unlocks, "the emulator never saw an unlock"

        def jam_order() -> Any:
            r = hub.get("/api/v1/ops/work-orders?status=open").json()["work_orders"]
            return [o for o in r if o["kind"] == "locker.jammed" and o["booth_id"] == "booth-1"]

        (order,) = await eventually(jam_order)
        assert order["stage"] == "alerted" and order["detected_at"] and order["alerted_at"]

        # the same fault again attaches to the open order
        with pytest.raises(SlotJammed):
            await bank.deposit("case-b", "M")
        (order,) = await eventually(lambda: [o for o in jam_order() if o["occurrences"] == 2])

        # the booth's next health shows the jammed slot out of service
        def health_shows_jam() -> Any:
            b = {x["id"]: x for x in hub.get("/api/v1/ops/booths").json()["booths"]}["booth-1"]
            return b["health"]["locker"]["out_of_service"] >= 1 and b["alerts"]

        alerts = await eventually(health_shows_jam)
        assert [a["id"] for a in alerts if a["kind"] == "locker.jammed"] == [order["id"]]

        # dispatch -> handling -> closed with a note
        m = hub.post("/api/v1/ops/maintainers", {"name": "王师傅", "phone": "13800000000"})
        assert m.status_code == 201, m.text
        maintainer = m.json()["id"]
        refused = hub.post(f"/api/v1/ops/work-orders/{order['id']}/start")
        assert refused.status_code == 409
        assert refused.json()["error"]["code"] == "work_order_stage"
        r = hub.post(
            f"/api/v1/ops/work-orders/{order['id']}/dispatch", {"maintainer_id": maintainer}
        )
        assert r.status_code == 200 and r.json()["stage"] == "dispatched"
        assert r.json()["maintainer"]["name"] == "王师傅"
        assert (
            hub.post(f"/api/v1/ops/work-orders/{order['id']}/start").json()["stage"] == "handling"
        )
        r = hub.post(f"/api/v1/ops/work-orders/{order['id']}/close", {"note": "更换门锁"})
        closed = r.json()
        assert closed["stage"] == "closed" and closed["note"] == "更换门锁"
        assert (
            closed["time_to_dispatch_s"] >= 0
            and closed["time_to_fix_s"] >= closed["time_to_dispatch_s"]
        )

        stats = hub.get("/api/v1/ops/work-orders/stats").json()
        kind_row = {r["kind"]: r for r in stats["by_kind"]}["locker.jammed"]
        assert kind_row["orders"] == 1 and kind_row["open"] == 0
        assert kind_row["mean_time_to_fix_s"] == closed["time_to_fix_s"]
        assert {r["booth_id"] for r in stats["by_booth"]} == {"booth-1"}

        # a fault after the order closed opens a new one
        with pytest.raises(SlotJammed):
            await bank.deposit("case-c", "S")
        (fresh,) = await eventually(jam_order)
        assert fresh["id"] != order["id"]

        # operator commands reach the booth over its WebSocket and are audited
        r = await asyncio.to_thread(
            hub.post,
            "/api/v1/ops/booths/booth-2/config",
            {"settings": {"booth.idle_timeout_s": 90}},
        )
        assert r.status_code == 200, r.text
        (pushed,) = other.configs
        assert pushed["settings"] == {"booth.idle_timeout_s": 90}
        # signed with the hub's key, for booth-2 only
        now = dt.datetime.now(dt.UTC)
        assert check_push(push_key(hub.state), "booth-2", pushed, now) is None
        assert check_push(push_key(hub.state), "booth-1", pushed, now) == "config_bad_signature"
        other.policy.session_started()  # a citizen is inside booth-2
        r = await asyncio.to_thread(
            hub.post, "/api/v1/ops/booths/booth-2/restart", {"reason": "upgrade"}
        )
        assert r.status_code == 200, r.text
        assert other.restarts == []  # deferred until the citizen leaves
        assert other.policy.session_ended()
        assert other.restarts == ["operator: upgrade"]
        with hub.state.sessions() as db:
            details = [
                a.detail for a in db.query(AuditEntry).filter(AuditEntry.actor.like("clerk:%"))
            ]
        assert any(d.startswith("config keys=booth.idle_timeout_s -> ok") for d in details)
        assert any(d.startswith("restart reason=upgrade -> ok") for d in details)
        assert any(d.startswith("dispatch maintainer=") for d in details)
        assert "close" in details
    finally:
        await booth.stop()
        await other.stop()

    # booth-2 is gone; past the limit the sweep opens a booth.offline order
    hub.state.alert_limits = AlertLimits(offline_after_s=0)
    await eventually(lambda: not hub.state.switchboard.online("booth:booth-2"))
    opened = await asyncio.to_thread(sweep_offline, hub.state)
    assert len(opened) == 2  # both booths are offline now
    again = await asyncio.to_thread(sweep_offline, hub.state)
    assert sorted(again) == sorted(opened)  # attached, not reopened
    listed = {b["id"]: b for b in hub.get("/api/v1/ops/booths").json()["booths"]}
    assert not listed["booth-2"]["online"] and listed["booth-2"]["offline_s"] is not None
    assert [a["kind"] for a in listed["booth-2"]["alerts"]] == ["booth.offline"]


async def test_operator_api_needs_an_operator_and_an_online_booth(ops_hub: OpsHub) -> None:
    hub = ops_hub
    clerk = await asyncio.to_thread(hub.login, "clerk1", ("clerk",))
    r = hub.get("/api/v1/ops/booths", token=clerk)
    assert r.status_code == 403 and r.json()["error"]["code"] == "operators_only"
    assert hub.get("/api/v1/ops/booths", token="cs_nope").status_code == 401
    hub.booth("booth-9")
    r = hub.post("/api/v1/ops/booths/booth-9/restart", {"reason": "x"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "booth_offline"
    assert hub.post("/api/v1/ops/booths/nope/restart").status_code == 404
    assert hub.post("/api/v1/ops/booths/booth-9/config", {"settings": {}}).status_code == 422
    r = hub.post("/api/v1/ops/work-orders/nope/close", {"note": "x"})
    assert r.status_code == 404 and r.json()["error"]["code"] == "work_order_not_found"
