"""Attacks on booking: a phone number that is not a mainland mobile, the same booking twice,
cancelling someone else's booking. Through a real hub over HTTP."""

from __future__ import annotations

from typing import Any

import pytest

from kiosk.hub.models import Appointment
from tests.hub.conftest import Hub

SLOT = "2099-01-02T10:00:00+08:00"


def book(hub: Hub, token: str | None = None, **changes: Any) -> Any:
    body = {"service": "hpf-withdrawal-rent", "booth_id": "b1", "slot_at": SLOT}
    body.update({"name": "王女士", "phone": "13900000000"})
    body.update(changes)
    return hub.post(token, "/api/v1/appointments", body)


@pytest.mark.parametrize(
    "phone",
    [
        "12345",
        "12900000000",
        "1390000000",
        "139000000001",
        "+8613900000000x",
        "abc",
        "02083338888",
        "23800138000",
        "x" * 11,
    ],
)
def test_booking_refuses_a_phone_that_is_not_a_mainland_mobile(hub: Hub, phone: str) -> None:
    hub.booth("b1")
    r = book(hub, phone=phone)
    assert r.status_code == 422, r.text
    assert r.json()["error"]["code"] == "bad_phone"


@pytest.mark.parametrize("phone", ["12345", "02012345678", "1380013800", "23800138000", "x" * 11])
def test_sms_login_refuses_a_phone_that_is_not_a_mainland_mobile(hub: Hub, phone: str) -> None:
    r = hub.post(None, "/api/v1/citizen/code", {"phone": phone})
    assert r.status_code == 422, r.text
    assert r.json()["error"]["code"] == "bad_phone"


def test_a_mobile_written_any_usual_way_is_kept_as_eleven_digits(hub: Hub) -> None:
    hub.booth("b1")
    r = book(hub, phone="+86 138-0013-8000")
    assert r.status_code == 201, r.text
    with hub.state.db() as db:
        stored = db.get(Appointment, r.json()["appointment"]["id"])
        assert stored is not None and stored.phone == "13800138000"
    again = book(hub, phone="138 0013 8000")  # one number, one blind index
    assert again.status_code == 409 and again.json()["error"]["code"] == "duplicate_appointment"


def test_the_same_booking_twice_is_refused(hub: Hub) -> None:
    hub.booth("b1")
    first = book(hub)
    assert first.status_code == 201, first.text
    token = first.json()["citizen_token"]
    again = book(hub, token)
    assert again.status_code == 409, again.text
    assert again.json()["error"]["code"] == "duplicate_appointment"
    # Not signed in, the same number books the same slot: still the same booking.
    anonymous = book(hub)
    assert anonymous.status_code == 409, anonymous.text
    # Another time is another booking; a cancelled one may be booked again.
    assert book(hub, token, slot_at="2099-01-02T11:00:00+08:00").status_code == 201
    cancelled = hub.post(token, f"/api/v1/appointments/{first.json()['appointment']['id']}/cancel")
    assert cancelled.status_code == 200, cancelled.text
    assert book(hub, token).status_code == 201


def test_another_citizen_cannot_cancel_a_booking(hub: Hub) -> None:
    hub.booth("b1")
    mine = book(hub).json()
    theirs = book(hub, phone="13700000000", slot_at="2099-01-03T10:00:00+08:00").json()
    r = hub.post(
        theirs["citizen_token"], f"/api/v1/appointments/{mine['appointment']['id']}/cancel"
    )
    assert r.status_code == 404, r.text
    overview = hub.get(mine["citizen_token"], "/api/v1/citizen/overview").json()
    assert overview["appointments"][0]["status"] == "booked"
    assert (
        hub.post(None, f"/api/v1/appointments/{mine['appointment']['id']}/cancel").status_code
        == 401
    )
    clerk = hub.clerk("hpf1", "hpf")
    r = hub.post(clerk, f"/api/v1/appointments/{mine['appointment']['id']}/cancel")
    assert r.status_code in (401, 403), r.text
    with hub.state.db() as db:
        still = db.get(Appointment, mine["appointment"]["id"])
        assert still is not None and still.status == "booked"
