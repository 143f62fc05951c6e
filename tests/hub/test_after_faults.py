"""What the hub does so that a case survives faults around it.

- The hub restarted during a call: the call goes on (its media never went through the
  hub), so the hub takes its participants back from the database at start-up and they
  can still invite, push and signal.
- A booth killed right after a locker deposit never reported its locker step done, and
  the citizen whose session it then closed rates on her phone: the deposit completes the
  case's locker step, and her ratings (the item and every clerk who served) its rating
  step, whoever would otherwise have reported them.

Telling her phone after a booth restart is tests/hub/test_interruptions.py's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kiosk.hub.server import HubServer
from tests.hub.conftest import Hub, hub_settings, typed
from tests.hub.test_api import open_case
from tests.hub.test_calls import booth_online, clerk_online, request_call


def step(case: dict[str, Any], kind: str) -> dict[str, Any]:
    return next(s for s in case["steps"] if s["kind"] == kind)


def test_a_call_goes_on_after_the_hub_restarts(tmp_path: Path, catalog: Any) -> None:
    settings = hub_settings(f"sqlite:///{tmp_path}/hub.sqlite3")
    hub = Hub(HubServer(settings, catalog=catalog).start())
    try:
        booth_token, booth = booth_online(hub, "b1")
        case = open_case(hub, booth_token)
        clerk, _ = clerk_online(hub, "gen1", "general")
        entry = request_call(booth, "general", case["id"])
        call = hub.post(clerk, f"/api/v1/queue/{entry['id']}/accept").json()
    finally:
        hub.close()
        hub.server.stop()
    again = Hub(HubServer(settings, catalog=catalog, port=hub.server.port).start())
    try:
        again.ws("/ws/booth", booth_token).wait_for(typed("welcome"))
        invited = again.post(
            clerk, f"/api/v1/calls/{call['call_id']}/invite", {"department": "tax"}
        )
        assert invited.status_code in (200, 201), invited.text  # still a participant
        outsider, _ = clerk_online(again, "tax9", "tax")
        refused = again.post(
            outsider, f"/api/v1/calls/{call['call_id']}/invite", {"department": "market"}
        )
        assert refused.json()["error"]["code"] == "not_in_call"  # only those who were in it
    finally:
        again.close()
        again.server.stop()


def test_a_deposit_completes_the_locker_step_and_her_ratings_the_rating_step(hub: Hub) -> None:
    booth = hub.booth("b1")
    case = open_case(hub, booth)
    path = f"/api/v1/cases/{case['id']}"
    empty = hub.post(booth, f"{path}/locker-deposits", {"slot": "3", "door": "closed"})
    assert empty.status_code == 201, empty.text
    assert step(hub.get(booth, path).json(), "locker")["status"] == "pending"  # no item seen
    deposit = {"slot": "3", "door": "closed", "item_present": True}
    assert hub.post(booth, f"{path}/locker-deposits", deposit).status_code == 201
    assert step(hub.get(booth, path).json(), "locker")["status"] == "done"

    tax = hub.clerk("tax1", "tax")
    position = step(case, "review")["position"]
    assert hub.post(tax, f"{path}/steps/{position}/complete").status_code == 200
    served = hub.get(booth, path).json()["clerks"]
    citizen = case["citizen_token"]
    rated = hub.post(citizen, f"{path}/ratings", {"ratings": [{"target": "service", "level": 5}]})
    assert rated.status_code == 201, rated.text
    expected = "done" if not served else "pending"  # every clerk who served is rated too
    assert step(hub.get(booth, path).json(), "rating")["status"] == expected
    if served:
        clerks = [{"target": "clerk", "clerk_id": c["id"], "level": 4} for c in served]
        assert hub.post(citizen, f"{path}/ratings", {"ratings": clerks}).status_code == 201
        assert step(hub.get(booth, path).json(), "rating")["status"] == "done"
