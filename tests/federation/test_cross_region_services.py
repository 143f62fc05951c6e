"""Hub A's booths see the services hub B shares, marked with B's region and found by the
catalog search; B being down keeps what B published last."""

from __future__ import annotations

import asyncio

from kiosk.hub.federation_catalog import refresh
from tests.federation.two_hubs import SHARED, hub_of, region, running

A, B = "440113", "440300"


def _refresh(hub) -> None:
    asyncio.run(refresh(hub.state.federation, hub.state.peer_catalog))


def test_a_booth_sees_and_finds_the_peer_services_with_their_region(tmp_path, catalog):
    a, b = region(A), region(B)
    shared = (SHARED, "medical-out-of-town-filing")
    with running(hub_of(tmp_path, a, [b]), catalog, a) as hub_a:
        assert hub_a.get(None, "/api/v1/cross-region/services").json()["services"] == []
        with running(hub_of(tmp_path, b, [a], shared=shared), catalog, b):
            _refresh(hub_a)
            listed = hub_a.get(None, "/api/v1/cross-region/services").json()["services"]
            assert sorted(s["code"] for s in listed) == sorted(shared)
            assert {s["region"] for s in listed} == {B}
            for query, code in (
                ("公积金 转移", SHARED),
                ("yidi jiuyi", shared[1]),
                ("ydjy", shared[1]),
            ):
                found = hub_a.get(None, "/api/v1/cross-region/services", params={"q": query})
                assert [s["code"] for s in found.json()["services"]][:1] == [code], query
            nothing = hub_a.get(None, "/api/v1/cross-region/services", params={"q": "护照"})
            assert nothing.json()["services"] == []  # B shares no passport service
        _refresh(hub_a)  # B is down now: what it published stays
        kept = hub_a.get(None, "/api/v1/cross-region/services").json()["services"]
        assert sorted(s["code"] for s in kept) == sorted(shared)
