"""A cross-region case between two real hubs: a booth of hub A starts it for a service hub
B serves; the case lives at B (B's clerk sees it and issues the certificate), A keeps the
reference and its outbox delivers it exactly once, B down or restarted."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from sqlalchemy import func, select

from kiosk.hub.federation_catalog import refresh
from kiosk.hub.federation_outbox import deliver_pending
from kiosk.hub.models import Case, ForwardedCase
from tests.federation.two_hubs import SHARED, hub_of, region, running

A, B = "440113", "440300"
CITIZEN = {"name": "李四", "id_number": "11010519491231002X", "phone": "13800138000"}


@pytest.fixture
def regions():
    return region(A), region(B)


def _start(booth_hub, token):
    return booth_hub.post(
        token, "/api/v1/cross-region/cases", {"region": B, "service": SHARED, "citizen": CITIZEN}
    )


def _cases_at(hub) -> int:
    with hub.state.db() as db:
        return int(db.scalar(select(func.count()).select_from(Case)))


def test_the_case_lives_at_b_and_its_certificate_reaches_the_booth_of_a(tmp_path, catalog, regions):
    a, b = regions
    with (
        running(hub_of(tmp_path, b, [a]), catalog, b) as hub_b,
        running(hub_of(tmp_path, a, [b]), catalog, a) as hub_a,
    ):
        asyncio.run(refresh(hub_a.state.federation, hub_a.state.peer_catalog))
        booth = hub_a.booth("booth-a")
        started = _start(hub_a, booth)
        assert started.status_code == 201, started.text
        view = started.json()
        assert view["status"] == "delivered" and view["region"] == B
        assert _cases_at(hub_a) == 0  # the case lives at B only

        clerk = hub_b.clerk("hpf-b", "hpf")
        listed = hub_b.get(clerk, "/api/v1/cases").json()["cases"]
        assert [c["id"] for c in listed] == [view["case_id"]]
        case = hub_b.get(clerk, f"/api/v1/cases/{view['case_id']}").json()
        assert case["citizen"]["name"] == "李四"
        assert case["citizen"]["id_number"] != CITIZEN["id_number"]  # masked
        for position in (0, 1, 2):  # identify, form, review: the clerk at B does them
            done = hub_b.post(
                clerk, f"/api/v1/cases/{view['case_id']}/steps/{position}/complete", {}
            )
            assert done.status_code == 200, done.text
        issued = hub_b.post(clerk, f"/api/v1/cases/{view['case_id']}/certificates", {})
        assert issued.status_code == 201, issued.text

        seen = hub_a.get(booth, f"/api/v1/cross-region/cases/{view['ref']}").json()
        [certificate] = seen["certificates"]
        assert certificate["verify_url"].startswith(hub_b.url + "/verify/")
        assert httpx.get(certificate["verify_url"]).status_code == 200

        other = hub_a.booth("booth-a2")
        r = hub_a.get(other, f"/api/v1/cross-region/cases/{view['ref']}")
        assert r.status_code == 404  # another booth's case


def test_b_down_the_booth_is_told_and_the_case_reaches_b_exactly_once(tmp_path, catalog, regions):
    a, b = regions
    settings_b = hub_of(tmp_path, b, [a])
    with running(hub_of(tmp_path, a, [b]), catalog, a) as hub_a:
        with running(settings_b, catalog, b):
            asyncio.run(refresh(hub_a.state.federation, hub_a.state.peer_catalog))
        # B is down now
        booth = hub_a.booth("booth-a")
        started = _start(hub_a, booth)
        assert started.status_code == 202, started.text
        assert started.json()["status"] == "pending"
        assert started.json()["notice"]["code"] == "peer_unavailable"
        ref = started.json()["ref"]
        with running(settings_b, catalog, b) as hub_b:
            assert asyncio.run(deliver_pending(hub_a.state)) == 0
            assert asyncio.run(deliver_pending(hub_a.state)) == 0  # nothing sent twice
            assert _cases_at(hub_b) == 1
            seen = hub_a.get(booth, f"/api/v1/cross-region/cases/{ref}").json()
            assert seen["status"] == "delivered" and seen["case_status"] == "open"
            # A lost answer: the row sent again still makes no second case at B.
            with hub_a.state.db() as db:
                db.get(ForwardedCase, ref).status = "pending"
            assert asyncio.run(deliver_pending(hub_a.state)) == 0
            assert _cases_at(hub_b) == 1
        # B restarted mid-case: the case is still there, whole.
        with running(settings_b, catalog, b) as hub_b:
            assert _cases_at(hub_b) == 1
            seen = hub_a.get(booth, f"/api/v1/cross-region/cases/{ref}").json()
            assert seen["case_status"] == "open"


def test_a_service_b_does_not_share_cannot_be_started(tmp_path, catalog, regions):
    a, b = regions
    with (
        running(hub_of(tmp_path, b, [a]), catalog, b),
        running(hub_of(tmp_path, a, [b]), catalog, a) as hub_a,
    ):
        asyncio.run(refresh(hub_a.state.federation, hub_a.state.peer_catalog))
        booth = hub_a.booth("booth-a")
        r = hub_a.post(
            booth,
            "/api/v1/cross-region/cases",
            {"region": B, "service": "household-migration", "citizen": CITIZEN},
        )
        assert r.status_code == 422
        assert hub_a.post(None, "/api/v1/cross-region/cases", {}).status_code in (401, 422)


def test_the_booth_sending_again_makes_no_second_case(tmp_path, catalog, regions):
    a, b = regions
    settings_b = hub_of(tmp_path, b, [a])
    with running(hub_of(tmp_path, a, [b]), catalog, a) as hub_a:
        with running(settings_b, catalog, b):
            asyncio.run(refresh(hub_a.state.federation, hub_a.state.peer_catalog))
        booth = hub_a.booth("booth-a")
        body = {"region": B, "service": SHARED, "citizen": CITIZEN}
        key = {"Idempotency-Key": "booth-a-0001"}
        first = hub_a.post(booth, "/api/v1/cross-region/cases", body, headers=key)
        again = hub_a.post(booth, "/api/v1/cross-region/cases", body, headers=key)
        assert first.status_code == again.status_code == 202
        assert again.json()["ref"] == first.json()["ref"]
        with hub_a.state.db() as db:
            assert db.scalar(select(func.count()).select_from(ForwardedCase)) == 1


def test_a_slow_peer_gives_the_booth_the_plain_message_in_time(tmp_path, catalog, regions):
    """B's address takes the connection and never answers: the booth is told within the
    hub's wait for a peer, well inside its own timeout, and the case waits in the outbox."""
    import socket
    import time

    from kiosk.core.text import Text
    from kiosk.hub.federation_catalog import PeerService
    from kiosk.hub.federation_outbox import BOOTH_WAIT_S

    a, b = regions
    silent = socket.socket()
    silent.bind(("127.0.0.1", b.port))
    silent.listen(8)  # connections queue in the kernel; nothing ever reads them
    try:
        with running(hub_of(tmp_path, a, [b]), catalog, a) as hub_a:
            name = Text("住房公积金异地转移接续", "HPF transfer", "住房公積金異地轉移接續")
            hub_a.state.peer_catalog.replace(B, (PeerService(SHARED, B, "hpf", name, name),))
            booth = hub_a.booth("booth-a")
            began = time.monotonic()
            started = _start(hub_a, booth)
            took = time.monotonic() - began
            assert started.status_code == 202, started.text
            assert started.json()["notice"]["code"] == "peer_unavailable"
            assert took < BOOTH_WAIT_S + 2.0
            with hub_a.state.db() as db:
                row = db.get(ForwardedCase, started.json()["ref"])
                assert row.status == "pending" and row.citizen["name"] == "李四"
    finally:
        silent.close()
