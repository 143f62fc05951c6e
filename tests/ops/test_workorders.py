"""The work-order state machine and its figures (pure: timestamps from a FakeClock)."""

from __future__ import annotations

import pytest

from kiosk.core.clock import FakeClock
from kiosk.hub import workorders as wo
from kiosk.hub.fleet_alerts import AlertLimits, fault_of_event, faults_of_health


def new_order(clock: FakeClock, booth: str = "b1", kind: str = "locker.jammed") -> wo.WorkOrder:
    detected = clock.now()
    clock.advance(5)  # the event reaches the hub
    return wo.detect(f"{booth}-{kind}", booth, kind, "locker jammed", detected, clock.now())


def test_full_loop_is_timed_at_each_stage() -> None:
    clock = FakeClock()
    order = new_order(clock)
    assert order.stage == "alerted" and order.open
    clock.advance(55)
    order = wo.dispatch(order, "m1", clock.now())
    clock.advance(600)
    order = wo.start(order, clock.now())
    clock.advance(1200)
    order = wo.close(order, "replaced the latch", clock.now())
    assert order.stage == "closed" and not order.open
    assert order.time_to_dispatch_s == 60
    assert order.time_to_fix_s == 1860
    assert order.note == "replaced the latch"


def test_wrong_transitions_are_refused_with_codes() -> None:
    clock = FakeClock()
    order = new_order(clock)
    with pytest.raises(wo.WorkOrderError) as exc:
        wo.start(order, clock.now())  # nobody dispatched yet
    assert exc.value.code == "work_order_stage"
    with pytest.raises(wo.WorkOrderError) as exc:
        wo.close(order, "  ", clock.now())
    assert exc.value.code == "note_required"
    closed = wo.close(order, "went away by itself", clock.now())
    for action in (
        lambda: wo.dispatch(closed, "m1", clock.now()),
        lambda: wo.attach(closed, clock.now()),
        lambda: wo.close(closed, "again", clock.now()),
    ):
        with pytest.raises(wo.WorkOrderError):
            action()


def test_attach_counts_repeats_and_redispatch_keeps_first_time() -> None:
    clock = FakeClock()
    order = new_order(clock)
    clock.advance(10)
    order = wo.attach(order, clock.now())
    assert order.occurrences == 2 and order.last_seen_at == clock.now()
    first = wo.dispatch(order, "m1", clock.now())
    clock.advance(30)
    again = wo.dispatch(first, "m2", clock.now())
    assert again.maintainer_id == "m2" and again.dispatched_at == first.dispatched_at


def test_aggregate_per_booth_and_kind() -> None:
    clock = FakeClock()
    a = new_order(clock, "b1", "locker.jammed")
    b = new_order(clock, "b1", "camera.missing")
    c = new_order(clock, "b2", "locker.jammed")
    clock.advance(95)
    a = wo.close(wo.dispatch(a, "m", clock.now()), "fixed", clock.now())
    clock.advance(100)
    c = wo.dispatch(c, "m", clock.now())
    by_kind = {r["kind"]: r for r in wo.aggregate([a, b, c], "kind")}
    jam = by_kind["locker.jammed"]
    assert (jam["orders"], jam["open"]) == (2, 1)
    # a: detected at 0, dispatched and closed at 110; c: detected at 10, dispatched at 210
    assert jam["mean_time_to_dispatch_s"] == 155.0
    assert jam["mean_time_to_fix_s"] == 110.0
    assert by_kind["camera.missing"]["mean_time_to_dispatch_s"] is None
    by_booth = {r["booth_id"]: r for r in wo.aggregate([a, b, c], "booth_id")}
    assert by_booth["b1"]["orders"] == 2 and by_booth["b2"]["open"] == 1


def test_faults_read_from_events_and_health() -> None:
    fault = fault_of_event({"device": "locker", "kind": "jammed", "slot": 3, "message": "m"})
    assert fault.kind == "locker.jammed" and "slot 3" in fault.summary
    assert fault_of_event({}).kind == "device.fault"
    report = {
        "camera": False,
        "microphone": True,
        "devices": [
            {"name": "idcard", "present": False, "faults": []},
            {"name": "locker", "present": True, "faults": ["left_open"]},
        ],
        "disk": {"free_bytes": 100 << 20, "total_bytes": 100 << 30},
        "rss_bytes": 100 << 20,
    }
    kinds = {f.kind for f in faults_of_health(report, AlertLimits())}
    # the locker's listed fault came as a device_fault event: not a second order
    assert kinds == {"camera.missing", "idcard.missing", "disk.low"}
    healthy = {"camera": True, "disk": {"free_bytes": 50 << 30, "total_bytes": 100 << 30}}
    assert faults_of_health(healthy, AlertLimits()) == []


def test_alert_limits_come_from_the_ops_config() -> None:
    from kiosk.config import OpsConfig

    limits = AlertLimits.from_config(
        OpsConfig(alert_disk_free_mb=200, alert_rss_mb=500, alert_slots_free_min=2)
    )
    assert limits.disk_free_bytes == 200 << 20 and limits.rss_bytes == 500 << 20
    report: dict[str, object] = {
        "disk": {"free_bytes": 150 << 20, "total_bytes": 1 << 30},
        "rss_bytes": 600 << 20,
        "locker": {"total": 16, "free": 1, "in_use": 15, "out_of_service": 0},
    }
    kinds = {f.kind for f in faults_of_health(report, limits)}
    assert kinds == {"disk.low", "memory.high", "locker.full"}
    # the defaults: 150 MiB free is low, 600 MiB is no alarm, one free slot is enough
    assert {f.kind for f in faults_of_health(report, AlertLimits())} == {"disk.low"}
