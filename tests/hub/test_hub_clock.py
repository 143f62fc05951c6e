"""The hub stamps what it writes by its own clock: under a fake clock set years away from
the machine's, every row of a case carries the fake time (queue waits, retention and the
case history are reckoned by it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from kiosk.core.clock import FakeClock
from kiosk.hub.models import AuditEntry, Case, CaseEvent, MaterialRecord
from tests.hub.conftest import Hub, hub_settings, running_hub
from tests.security.test_at_rest import fill_a_case, jpeg

FAR = dt.datetime(2031, 3, 4, 5, 6, 7, tzinfo=dt.UTC)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(FAR)


@pytest.fixture
def hub(db_url: str, catalog: Any, clock: FakeClock) -> Iterator[Hub]:
    with running_hub(hub_settings(db_url), catalog, clock) as h:
        yield h


def test_a_cases_rows_are_stamped_by_the_hubs_clock(hub: Hub, clock: FakeClock) -> None:
    case = fill_a_case(hub, jpeg(1))
    with hub.state.db() as db:
        row = db.get(Case, case["id"])
        assert row is not None
        assert abs((row.created_at - FAR).total_seconds()) < 60
        assert abs((row.updated_at - FAR).total_seconds()) < 60
        material = db.scalars(
            select(MaterialRecord).where(MaterialRecord.case_id == row.id)
        ).first()
        assert material is not None and abs((material.created_at - FAR).total_seconds()) < 60
        events = db.scalars(select(CaseEvent).where(CaseEvent.case_id == row.id)).all()
        assert events and all(abs((e.at - FAR).total_seconds()) < 60 for e in events)
        audits = db.scalars(select(AuditEntry)).all()
        assert audits and all(abs((a.at - FAR).total_seconds()) < 60 for a in audits)

    clock.advance(3 * 24 * 3600)  # three days on: a change is stamped three days later
    r = hub.put(
        hub.booth("b1"), f"/api/v1/cases/{case['id']}/form", {"fields": {"bank_account": "1"}}
    )
    assert r.status_code in (200, 422), r.text
    with hub.state.db() as db:
        row = db.get(Case, case["id"])
        assert row is not None
        assert (row.updated_at - FAR).total_seconds() >= 3 * 24 * 3600 - 60
