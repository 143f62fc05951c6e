"""A stranger with only the hub's address gets public catalog data and refusals, nothing else.

Every route the hub serves (its OpenAPI document plus the pages it leaves out of it) is
called with no credentials, with path parameters filled with ids that really exist, and
every answer is checked: a public route may answer, any other must refuse; and no answer,
public or refused, carries the personal data of the citizen the hub holds.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from kiosk.hub.server import HubServer
from tests.hub.conftest import Hub, db_url, hub_settings  # noqa: F401

# Routes a stranger may use, and why. Everything else must refuse.
PUBLIC = {
    ("GET", "/api/v1/health"): "liveness for load balancers: no data",
    ("GET", "/api/v1/catalog"): "the public service catalog",
    ("GET", "/api/v1/services"): "searching the public catalog",
    ("GET", "/api/v1/departments"): "the public list of departments",
    ("GET", "/api/v1/cross-region/services"): "peer hubs' shared services, as public as ours",
    ("POST", "/api/v1/citizen/code"): "asks for an SMS code: the same answer for any number",
    ("POST", "/api/v1/appointments"): "booking opens a new citizen of one's own, rate limited",
    ("GET", "/api/v1/booths"): "the booths a citizen may book: id, name, online, as on the door",
}
PAGES = ["/", "/console", "/m", "/m/", "/ops"]
REFUSALS = {400, 401, 403, 404, 405, 409, 413, 422, 429}

NAME = "欧阳娜娜"
ID_NUMBER = "44010619900307002X"
PHONE = "13800138123"


@pytest.fixture
def stranger_hub(db_url: str, catalog: Any) -> Iterator[tuple[Hub, dict[str, str]]]:  # noqa: F811
    """A hub holding one citizen's case, material, clerk and booth; the ids to attack."""
    server = HubServer(hub_settings(db_url), catalog=catalog).start()
    h = Hub(server)
    try:
        booth_token = h.booth("booth-1")
        clerk = h.clerk("hpf1", "hpf")
        case = h.post(
            booth_token,
            "/api/v1/cases",
            {
                "service": "hpf-withdrawal-rent",
                "citizen": {"name": NAME, "id_number": ID_NUMBER, "phone": PHONE},
            },
        )
        assert case.status_code == 201, case.text
        # The booth is online and does whatever the hub commands: a refusal must come from
        # the hub's own checks, not from a booth that is away.
        booth_ws = h.ws("/ws/booth", booth_token)
        threading.Thread(target=_obey, args=(booth_ws,), daemon=True).start()
        ids = {
            "booth_id": "booth-1",
            "case_id": case.json()["id"],
            "clerk_id": h.clerk_id(clerk),
            "department": "hpf",
        }
        yield h, ids
    finally:
        h.close()
        server.stop()


def _obey(ws: Any) -> None:
    """Acknowledge every command the hub sends, until the socket closes."""
    try:
        while True:
            frame = json.loads(ws.conn.recv())
            if frame.get("type") == "command":
                ws.send({"type": "ack", "id": frame["id"], "ok": True})
            elif frame.get("type") == "ping":
                ws.send({"type": "pong", "ts": frame.get("ts")})
    except Exception:  # the socket closed with the hub
        return


def _fill(path: str, ids: dict[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        return ids.get(name, "1" if name == "position" else "0" * 32)

    return re.sub(r"\{(\w+)\}", value, path)


def _leaks(text: str) -> list[str]:
    return [s for s in (NAME, ID_NUMBER, PHONE) if s in text]


def test_every_api_route_refuses_a_stranger(stranger_hub: tuple[Hub, dict[str, str]]) -> None:
    h, ids = stranger_hub
    schema = h.http.get("/openapi.json").json()
    answered: list[str] = []
    leaked: list[str] = []
    tried = 0
    for path, operations in schema["paths"].items():
        for method in operations:
            url = _fill(path, ids)
            response = h.http.request(method.upper(), url, json={})
            tried += 1
            if _leaks(response.text):
                leaked.append(f"{method.upper()} {path}: {_leaks(response.text)}")
            if (method.upper(), path) in PUBLIC:
                continue
            if response.status_code not in REFUSALS:
                answered.append(f"{method.upper()} {path} -> {response.status_code}")
    assert tried > 40, "the sweep found too few routes to mean anything"
    assert not answered, "a stranger was served: " + "; ".join(answered)
    assert not leaked, "personal data reached a stranger: " + "; ".join(leaked)


def test_pages_and_static_files_hold_no_personal_data(
    stranger_hub: tuple[Hub, dict[str, str]],
) -> None:
    h, ids = stranger_hub
    for page in [*PAGES, f"/m/door/{ids['booth_id']}", "/verify/" + "0" * 32]:
        response = h.http.get(page, follow_redirects=True)
        assert response.status_code in {200, 404}, (page, response.status_code)
        assert not _leaks(response.text), page


@pytest.mark.parametrize("path", ["/ws/booth", "/ws/clerk"])
@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer cs_forged"}, {"Authorization": "Bearer bt_forged"}],
    ids=["no-token", "forged-clerk", "forged-booth"],
)
def test_websockets_refuse_a_stranger(
    stranger_hub: tuple[Hub, dict[str, str]], path: str, headers: dict[str, str]
) -> None:
    """Refused at the handshake, or closed before any frame that carries data."""
    h, _ = stranger_hub
    try:
        with connect(h.server.ws_url + path, additional_headers=headers, open_timeout=10) as ws:
            ws.send('{"type": "auth", "token": "cs_forged"}')
            frames = []
            try:
                while True:
                    frames.append(ws.recv(timeout=5))
            except TimeoutError:
                pytest.fail(f"{path} kept a stranger's socket open; it sent {frames}")
            except Exception:  # closed by the hub: what must happen
                pass
            assert not any('"welcome"' in str(f) for f in frames), frames
    except InvalidStatus as exc:
        assert exc.response.status_code in {401, 403}
