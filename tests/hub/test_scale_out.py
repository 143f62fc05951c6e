"""Two hub processes on one PostgreSQL share queues, calls, presence and signaling through
LISTEN/NOTIFY (kiosk.hub.fanout): a booth connected to hub A and a clerk connected to hub
B see each other's queue updates, offers, answers and candidates, and commands that wait
for the booth's ack."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.sync.client import connect

from kiosk.hub.fanout import Reassembly, split
from kiosk.hub.server import HubServer, free_port
from tests.hub.conftest import (
    PASSWORD,
    PG_URL,
    Hub,
    WsClient,
    _fresh_pg_url,
    command,
    hub_settings,
    pg_data_key_file,
    typed,
)

ROOT = Path(__file__).resolve().parents[2]


def test_long_messages_are_cut_into_parts_and_joined_again() -> None:
    text = '{"sdp": "' + "v=0 一二三 " * 3000 + '"}'
    payloads = split("m1", text)
    assert len(payloads) > 1 and all(len(p.encode()) < 8000 for p in payloads)
    joined = Reassembly()
    assert [joined.feed(p) for p in payloads][-1] == text
    assert split("m2", '{"op": "join"}') == ['{"op": "join"}']
    assert Reassembly().feed(payloads[1]) is None  # a part without its start is dropped


class HubProcess(Hub):
    """``python -m kiosk hub`` in its own process, reached over HTTP and WebSockets."""

    def __init__(self, url: str) -> None:
        port = free_port()
        self.proc = subprocess.Popen(
            [
                *(sys.executable, "-m", "kiosk", "--log-level", "WARNING", "hub"),
                *("--db", url, "--port", str(port)),
            ],
            cwd=ROOT,
            # The same data keys as hub A (PostgreSQL refuses to start without a key file).
            env={
                **os.environ,
                "PYTHONPATH": str(ROOT),
                "XIAOWU_HUB_SERVER__DATA_KEY_FILE": pg_data_key_file(),
            },
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.url = f"http://127.0.0.1:{port}"
        self.ws_url = f"ws://127.0.0.1:{port}"
        self.http = httpx.Client(base_url=self.url, timeout=15.0)
        self.clients = []
        deadline = time.monotonic() + 90  # a loaded shared machine starts Python slowly
        while True:
            try:
                if self.http.get("/api/v1/health").status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert self.proc.poll() is None, "hub B exited"
            assert time.monotonic() < deadline, "hub B did not start"
            time.sleep(0.1)  # polling the observable condition: health answers

    def ws(self, path: str, token: str) -> WsClient:
        conn = connect(
            self.ws_url + path,
            additional_headers={"Authorization": f"Bearer {token}"},
            open_timeout=10,
        )
        client = WsClient(conn.__enter__())
        self.clients.append(client)
        return client

    def login(self, username: str) -> str:
        r = self.http.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
        assert r.status_code == 200, r.text
        return str(r.json()["token"])

    def close(self) -> None:
        super().close()
        self.proc.terminate()
        self.proc.wait(20)


@pytest.fixture
def two_hubs(catalog: Any) -> Iterator[tuple[Hub, HubProcess]]:
    """Hub A in this process (uvicorn in a thread), hub B in another, one PostgreSQL."""
    if not PG_URL:
        pytest.skip("no PostgreSQL: set XIAOWU_TEST_PG_URL (packaging/dev/start-test-postgres.sh)")
    url = _fresh_pg_url(PG_URL)
    a_server = HubServer(hub_settings(url), catalog=catalog).start()
    a = Hub(a_server)
    b: HubProcess | None = None
    try:
        b = HubProcess(url)  # after A's migrations
        yield a, b
    finally:
        if b is not None:
            b.close()
        a.close()
        a_server.stop()


@pytest.mark.postgres
def test_a_booth_on_hub_a_and_a_clerk_on_hub_b_share_a_call(
    two_hubs: tuple[Hub, HubProcess],
) -> None:
    a, b = two_hubs
    booth_token = a.booth("b1")
    booth = a.ws("/ws/booth", booth_token)
    booth.wait_for(typed("welcome"))
    a.clerk("tax1", "tax")  # the account is in the shared database
    clerk = b.login("tax1")
    clerk_ws = b.ws("/ws/clerk", clerk)
    clerk_ws.wait_for(typed("welcome"))
    # Each hub knows the other's peers (announced once connected).
    assert _eventually(lambda: b.http.get("/api/v1/health").json()["booths_online"] == 1)

    # The booth queues on A; the clerk on B sees the queue and accepts through B.
    booth.send({"type": "event", "id": "q", "name": "call_request", "data": {"department": "tax"}})
    entry = booth.wait_for(typed("ack", id="q"))["data"]
    clerk_ws.wait_for(lambda f: f["type"] == "queue" and len(f["entries"]) == 1)
    r = b.post(clerk, f"/api/v1/queue/{entry['id']}/accept")
    assert r.status_code == 200, r.text
    call = r.json()
    accepted = booth.wait_for(
        lambda f: f.get("name") == "queue" and f["data"]["status"] == "accepted"
    )
    assert accepted["data"]["call_id"] == call["call_id"]

    # Offer (longer than one NOTIFY) B -> A, answer and a candidate A -> B.
    sdp = "v=0\r\n" + "a=candidate:1 1 udp 2122260223 10.0.0.1 50000 typ host\r\n" * 300
    clerk_ws.send(
        {
            "type": "signal",
            "call_id": call["call_id"],
            "to": "booth:b1",
            "kind": "offer",
            "sdp": sdp,
        }
    )
    offer = booth.wait_for(command("signal"))
    assert offer["data"]["sdp"] == sdp and offer["data"]["from"] == call["you"]
    for kind, extra in (("answer", {"sdp": "v=0 answer"}), ("candidate", {"candidate": {}})):
        booth.send(
            {
                "type": "event",
                "id": kind,
                "name": "signal",
                "data": {"call_id": call["call_id"], "to": call["you"], "kind": kind, **extra},
            }
        )
        assert booth.wait_for(typed("ack", id=kind))["ok"]
        relayed = clerk_ws.wait_for(typed("signal", kind=kind))
        assert relayed["from"] == "booth:b1"
    # The clerk is busy in the call, as seen from hub A.
    assert _eventually(
        lambda: (
            a.get(clerk, f"/api/v1/calls/{call['call_id']}").json()["participants"][1]["presence"]
            == "busy"
        )
    )

    # A command that waits for the booth's ack, sent by hub B to the booth on A.
    def answer_push() -> None:
        push = booth.wait_for(command("push"), timeout=15)
        booth.send({"type": "ack", "id": push["id"], "ok": True})

    answering = threading.Thread(target=answer_push)
    answering.start()
    pushed = b.post(
        clerk,
        "/api/v1/booths/b1/push",
        {"kind": "request_capture", "data": {"material": "id_card"}},
    )
    answering.join(20)
    assert pushed.status_code == 200, pushed.text

    # Ending the call on B reaches the booth on A as a bye.
    assert b.post(clerk, f"/api/v1/calls/{call['call_id']}/end").status_code == 200
    bye = booth.wait_for(lambda f: f.get("name") == "signal" and f["data"]["kind"] == "bye")
    assert bye["data"]["call_id"] == call["call_id"]


def _eventually(condition: Any, timeout: float = 10.0) -> bool:
    """Poll an observable condition (another process's replica) until it holds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False
