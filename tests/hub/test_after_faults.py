"""What the hub does so that a case survives faults around it.

- The hub restarted during a call: the call goes on (its media never went through the
  hub), so the hub takes its participants back from the database at start-up and they
  can still invite, push and signal.
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
