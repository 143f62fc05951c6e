"""Booking on the citizen's phone page, tried as a careless or hostile caller: numbers no
text message reaches, the same booking twice, someone else's booking cancelled."""

from __future__ import annotations

from typing import Any

import pytest

from kiosk.hub.models import Appointment
from tests.hub.conftest import Hub

SLOT = "2099-03-01T09:30:00+08:00"


@pytest.fixture
def hub(sms_hub: Hub) -> Hub:
    sms_hub.booth("b1")
    return sms_hub


def book(hub: Hub, phone: str, slot: str = SLOT, token: str | None = None) -> Any:
    body = {"service": "hpf-withdrawal-purchase", "booth_id": "b1", "slot_at": slot}
    return hub.post(token, "/api/v1/appointments", {**body, "phone": phone})


@pytest.mark.parametrize("phone", ["12345", "02083338888", "1380013800", "23800138000", "x" * 11])
def test_a_number_no_text_message_reaches_is_refused(hub: Hub, phone: str) -> None:
    r = book(hub, phone)
    assert r.status_code == 422, r.text
    r = hub.post(None, "/api/v1/citizen/code", {"phone": phone})
    assert r.status_code == 422, r.text


def test_a_mobile_written_any_usual_way_is_kept_as_eleven_digits(hub: Hub) -> None:
    r = book(hub, "+86 138-0013-8000")
    assert r.status_code == 201, r.text
    with hub.state.db() as db:
        stored = db.get(Appointment, r.json()["appointment"]["id"])
        assert stored is not None and stored.phone == "13800138000"


def test_the_same_booking_twice_is_one_booking(hub: Hub) -> None:
    assert book(hub, "13800138000").status_code == 201
    again = book(hub, "138 0013 8000")  # a second tap, the number written otherwise
    assert again.status_code == 409 and again.json()["error"]["code"] == "duplicate_appointment"
    # another time is another appointment
    assert book(hub, "13800138000", "2099-03-02T09:30:00+08:00").status_code == 201


def test_a_cancelled_booking_can_be_made_again(hub: Hub) -> None:
    first = book(hub, "13800138000")
    token = first.json()["citizen_token"]
    appointment = first.json()["appointment"]["id"]
    r = hub.post(token, f"/api/v1/appointments/{appointment}/cancel", {})
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    assert book(hub, "13800138000").status_code == 201


def test_nobody_cancels_another_citizens_booking(hub: Hub) -> None:
    mine = book(hub, "13800138000").json()
    theirs = book(hub, "13900000002", "2099-03-03T10:00:00+08:00").json()
    r = hub.post(
        mine["citizen_token"], f"/api/v1/appointments/{theirs['appointment']['id']}/cancel", {}
    )
    assert r.status_code == 404, r.text
    r = hub.post(None, f"/api/v1/appointments/{theirs['appointment']['id']}/cancel", {})
    assert r.status_code in (401, 403), r.text
    clerk = hub.clerk("hpf1", "hpf")
    r = hub.post(clerk, f"/api/v1/appointments/{theirs['appointment']['id']}/cancel", {})
    assert r.status_code in (401, 403), r.text
    with hub.state.db() as db:
        still = db.get(Appointment, theirs["appointment"]["id"])
        assert still is not None and still.status == "booked"
