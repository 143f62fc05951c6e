"""STUN/TURN servers handed out by the hub (kiosk.hub.ice): the TURN REST credential
scheme, the API and call frames that carry it, and a real coturn that accepts the
credentials over UDP, TCP and TLS and refuses wrong or expired ones."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import hmac
import ssl
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from kiosk.core.clock import FakeClock
from kiosk.hub.ice import IceServers, rest_credentials
from kiosk.hub.server import HubServer
from tests.hub.conftest import Hub, hub_settings
from tests.hub.test_calls import booth_online, clerk_online, request_call
from tests.turn import SECRET, coturn

__all__ = ["coturn"]  # the fixture, imported for pytest


def test_rest_credentials_follow_the_turn_rest_scheme() -> None:
    username, credential = rest_credentials(SECRET, "clerk:abc", 1_900_000_000)
    assert username == "1900000000:clerk-abc"  # no second ':' for coturn to trip on
    expected = hmac.new(SECRET.encode(), username.encode(), hashlib.sha1).digest()
    assert base64.b64decode(credential) == expected


def test_each_caller_gets_its_own_credentials_valid_for_the_ttl() -> None:
    clock = FakeClock(dt.datetime(2026, 11, 29, 8, 0, tzinfo=dt.UTC))
    ice = IceServers(
        stun_urls=("stun:turn.example:3478",),
        turn_urls=("turn:turn.example:3478?transport=udp", "turns:turn.example:5349"),
        turn_secret=SECRET,
        turn_ttl_s=3600,
    )
    clerk, booth = ice.for_peer("clerk:c1", clock), ice.for_peer("booth:b1", clock)
    assert clerk["ttl_s"] == 3600
    stun, turn = clerk["iceServers"]
    assert stun == {"urls": ["stun:turn.example:3478"]}
    assert turn["urls"] == ["turn:turn.example:3478?transport=udp", "turns:turn.example:5349"]
    expires = int(clock.now().timestamp()) + 3600
    assert turn["username"] == f"{expires}:clerk-c1"
    assert booth["iceServers"][1]["username"] == f"{expires}:booth-b1"
    assert booth["iceServers"][1]["credential"] != turn["credential"]


def test_static_credentials_and_no_servers() -> None:
    clock = FakeClock()
    static = IceServers(turn_urls=("turn:t:3478",), turn_username="u", turn_password="p")
    assert static.for_peer("clerk:c1", clock) == {
        "iceServers": [{"urls": ["turn:t:3478"], "username": "u", "credential": "p"}],
        "ttl_s": None,
    }
    assert IceServers().for_peer("clerk:c1", clock) == {"iceServers": [], "ttl_s": None}


ICE = IceServers(
    stun_urls=("stun:stun.test:3478",),
    turn_urls=("turn:turn.test:3478?transport=udp", "turn:turn.test:3478?transport=tcp"),
    turn_secret=SECRET,
    turn_ttl_s=600,
)


@pytest.fixture
def ice_hub(db_url: str, catalog: Any) -> Iterator[Hub]:
    server = HubServer(hub_settings(db_url, ice=ICE), catalog=catalog).start()
    hub = Hub(server)
    try:
        yield hub
    finally:
        hub.close()
        server.stop()


def test_clerks_and_booths_get_ice_servers_from_the_api_and_with_each_call(ice_hub: Hub) -> None:
    hub = ice_hub
    booth_token, booth = booth_online(hub, "b1")
    clerk_token, clerk_ws = clerk_online(hub, "tax1", "tax")
    for token, who in (
        (clerk_token, f"clerk-{hub.clerk_id(clerk_token)}"),
        (booth_token, "booth-b1"),
    ):
        r = hub.get(token, "/api/v1/ice-servers")
        assert r.status_code == 200, r.text
        servers = r.json()["iceServers"]
        assert servers[0] == {"urls": list(ICE.stun_urls)}
        assert servers[1]["urls"] == list(ICE.turn_urls)
        assert servers[1]["username"].endswith(":" + who)
        assert r.json()["ttl_s"] == 600
    assert hub.get(None, "/api/v1/ice-servers").status_code == 401

    entry = request_call(booth, "tax")
    clerk_ws.wait_for(lambda f: f["type"] == "queue" and len(f["entries"]) == 1)
    accepted = hub.post(clerk_token, f"/api/v1/queue/{entry['id']}/accept").json()
    clerk_turn = accepted["ice"]["iceServers"][1]
    assert clerk_turn["username"].endswith(":clerk-" + hub.clerk_id(clerk_token))
    command = booth.wait_for(
        lambda f: f.get("name") == "queue" and f["data"]["status"] == "accepted"
    )
    booth_turn = command["data"]["ice"]["iceServers"][1]
    assert booth_turn["username"].endswith(":booth-b1")


def test_a_citizen_link_gets_no_ice_servers(ice_hub: Hub) -> None:
    hub = ice_hub
    token = hub.state.links.issue("citizen-ref-1")
    r = hub.get(token, "/api/v1/ice-servers")
    assert r.status_code == 403 and r.json()["error"]["code"] == "clerks_and_booths_only"


# -- a real coturn ----------------------------------------------------------------------
async def _allocate(url: str, username: str, credential: str, tls_port: int) -> tuple[str, int]:
    """A TURN allocation as a browser or aiortc would make it; the relayed address."""
    from aioice.turn import create_turn_endpoint

    parts = urlsplit(url.replace(":", "://", 1))
    port = parts.port or 3478
    transport = "udp" if "transport=udp" in parts.query else "tcp"
    context = None
    if parts.scheme == "turns":
        port, context = tls_port, ssl.create_default_context()
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE  # self-signed
    relay, protocol = await asyncio.wait_for(
        create_turn_endpoint(
            _Closing,
            ("127.0.0.1", port),
            username,
            credential,
            ssl=context,
            transport=transport,
        ),
        10,
    )
    try:
        address: tuple[str, int] = relay.get_extra_info("sockname")
        return address
    finally:
        relay.close()  # deletes the allocation, then closes the socket
        await asyncio.wait_for(protocol.closed, 10)


class _Closing(asyncio.DatagramProtocol):
    """Says when its TURN transport has closed its socket."""

    def __init__(self) -> None:
        self.closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.closed.done():
            self.closed.set_result(None)


def test_coturn_accepts_the_hubs_credentials_over_udp_tcp_and_tls(
    coturn: tuple[int, int], db_url: str, catalog: Any
) -> None:
    from aioice.stun import TransactionFailed

    port, tls_port = coturn
    ice = IceServers(
        turn_urls=(
            f"turn:127.0.0.1:{port}?transport=udp",
            f"turn:127.0.0.1:{port}?transport=tcp",
            f"turns:127.0.0.1:{tls_port}?transport=tcp",
        ),
        turn_secret=SECRET,
        turn_ttl_s=300,
    )
    with HubServer(hub_settings(db_url, ice=ice), catalog=catalog) as server:
        hub = Hub(server)
        try:
            token = hub.clerk("tax1", "tax")
            turn = hub.get(token, "/api/v1/ice-servers").json()["iceServers"][0]
        finally:
            hub.close()
    for url in turn["urls"]:
        host, relayed_port = asyncio.run(
            _allocate(url, turn["username"], turn["credential"], tls_port)
        )
        assert host == "127.0.0.1" and relayed_port > 0, url
    # coturn checks the credential against its copy of the secret, and the expiry time.
    wrong = rest_credentials("another secret", "clerk:x", int(time.time()) + 300)
    expired = rest_credentials(SECRET, "clerk:x", int(time.time()) - 5)
    for username, credential in (wrong, expired):
        with pytest.raises(TransactionFailed, match="401"):
            asyncio.run(_allocate(turn["urls"][0], username, credential, tls_port))
