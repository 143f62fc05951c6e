"""A peer that stops reading holds up nobody: the relay queues frames for it and goes on,
and once its outbox overflows the hub closes it (kiosk.hub.switchboard.Link)."""

from __future__ import annotations

import base64
import os
import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest

from kiosk.hub.server import HubServer
from tests.hub.conftest import Hub, hub_settings, typed
from tests.hub.test_calls import booth_online, clerk_online, request_call

OUTBOX = 8  # frames the hub queues for a peer before it gives up on it
PADDING = "x" * 32_000  # a large SDP: the stuck peer's socket buffers fill in a few dozen


@pytest.fixture
def small_outbox_hub(db_url: str, catalog: Any) -> Iterator[Hub]:
    server = HubServer(hub_settings(db_url, outbox_frames=OUTBOX), catalog=catalog).start()
    hub = Hub(server)
    try:
        yield hub
    finally:
        hub.close()
        server.stop()


class StuckClient:
    """A clerk WebSocket that completes the handshake and then never reads again, over a
    TCP socket with a tiny receive buffer (so the hub's sends back up quickly)."""

    def __init__(self, hub: Hub, token: str) -> None:
        host, port = hub.url.removeprefix("http://").split(":")
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        self.sock.settimeout(10)
        self.sock.connect((host, int(port)))
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(
            (
                f"GET /ws/clerk HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
                f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                f"Sec-WebSocket-Version: 13\r\nAuthorization: Bearer {token}\r\n\r\n"
            ).encode()
        )
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(1)
            assert chunk, "the hub closed the handshake"
            head += chunk
        assert head.startswith(b"HTTP/1.1 101"), head
        self.bytes_read = 0  # and it stays so until the hub has dropped it

    def drain_until_closed(self, limit_bytes: int = 64_000_000) -> None:
        """Read what is left until the hub's end is closed (EOF or reset)."""
        while self.bytes_read < limit_bytes:
            try:
                chunk = self.sock.recv(65536)
            except ConnectionResetError:
                return
            if not chunk:
                return
            self.bytes_read += len(chunk)
        raise AssertionError("the hub kept the stuck socket open")

    def close(self) -> None:
        self.sock.close()


def wait_until_offline(hub: Hub, token: str, username: str, timeout: float = 20.0) -> None:
    """Poll the clerk list (the hub has no event for it) until ``username`` is offline."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        clerks = hub.get(token, "/api/v1/clerks").json()["clerks"]
        if {c["username"]: c["presence"] for c in clerks}[username] == "offline":
            return
        time.sleep(0.05)
    raise AssertionError(f"{username} is still online")


def test_a_clerk_that_stops_reading_does_not_hold_up_the_call_and_is_dropped(
    small_outbox_hub: Hub,
) -> None:
    hub = small_outbox_hub
    booth_token, booth = booth_online(hub, "b1")
    case = hub.post(
        booth_token,
        "/api/v1/cases",
        {"service": "enterprise-deregistration", "citizen": {"name": "王"}},
    ).json()
    healthy_token, healthy = clerk_online(hub, "gen1", "market")
    entry = request_call(booth, "market", case["id"])
    call = hub.post(healthy_token, f"/api/v1/queue/{entry['id']}/accept").json()
    call_id, healthy_peer = call["call_id"], call["you"]
    # A clerk of another department is invited, joins, and then stops reading.
    r = hub.post(healthy_token, f"/api/v1/calls/{call_id}/invite", {"department": "hpf"})
    assert r.status_code == 201, r.text
    stuck_token = hub.clerk("hpf1", "hpf")
    stuck = StuckClient(hub, stuck_token)
    try:
        invite = hub.get(stuck_token, "/api/v1/queues/hpf").json()["entries"][0]
        joined = hub.post(stuck_token, f"/api/v1/queue/{invite['id']}/accept").json()
        stuck_peer = joined["you"]

        def booth_signal(n: int, to: str, kind: str, sdp: str) -> dict[str, Any]:
            booth.send(
                {
                    "type": "event",
                    "id": f"sig-{n}",
                    "name": "signal",
                    "data": {"call_id": call_id, "to": to, "kind": kind, "sdp": sdp},
                }
            )
            return booth.wait_for(typed("ack", id=f"sig-{n}"))

        exchanges = 0
        refused: dict[str, Any] | None = None
        # The booth keeps signalling the stuck clerk; between its signals it and the
        # healthy clerk exchange offers and answers. Before the outbox, the booth's read
        # loop waited on the stuck socket: its acks and the healthy pair's offers stopped.
        for n in range(2000):
            ack = booth_signal(n, stuck_peer, "candidate", PADDING)
            if not ack["ok"]:
                refused = ack
                break
            assert booth_signal(-n - 1, healthy_peer, "offer", f"offer {n}")["ok"]
            offer = healthy.wait_for(typed("signal", kind="offer"))
            assert offer["sdp"] == f"offer {n}" and offer["from"] == "booth:b1"
            healthy.send(
                {
                    "type": "signal",
                    "call_id": call_id,
                    "to": "booth:b1",
                    "kind": "answer",
                    "sdp": f"answer {n}",
                }
            )
            answer = booth.wait_for(lambda f: f.get("name") == "signal")
            assert answer["data"]["sdp"] == f"answer {n}"
            exchanges += 1
        # The stuck clerk read nothing after the handshake while the pair went on, and
        # was dropped when its outbox overflowed; the booth is told it is gone.
        assert stuck.bytes_read == 0
        assert refused is not None, "the hub never gave up on the stuck clerk"
        assert refused["error"] == "peer_offline"
        assert exchanges >= OUTBOX
        stuck.drain_until_closed()
        wait_until_offline(hub, healthy_token, "hpf1")
        # The call goes on for the healthy pair.
        assert booth_signal(99_999, healthy_peer, "offer", "after")["ok"]
        assert healthy.wait_for(typed("signal", kind="offer"))["sdp"] == "after"
    finally:
        stuck.close()
