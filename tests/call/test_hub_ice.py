"""The booth's calls use the STUN/TURN servers the hub names for them.

The hub's ``accepted`` frame carries ``ice`` (as ``GET /api/v1/ice-servers``, with TURN
credentials of the booth's own from the hub's shared secret). A booth whose own ``[call]``
names no server must then gather a relayed candidate through the district's coturn, with
those credentials; without the hub's document it has none.
"""

from __future__ import annotations

import asyncio
from typing import Any

from aiortc import RTCIceServer

from kiosk.call.booth_call import BoothCall
from kiosk.call.ice import rtc_configuration, servers_from_hub
from kiosk.call.peer import PeerLink
from kiosk.call.sources import SyntheticPattern, ToneSource
from kiosk.config import CallConfig
from kiosk.core.clock import SystemClock
from kiosk.hub.ice import IceServers
from tests.call.peers import FAST, Recorder, pumping, signaling_hub, synthetic_media, wait_until
from tests.turn import SECRET, coturn

__all__ = ["coturn"]  # the fixture, imported for pytest


class _Hub:
    async def request_call(self, call_id: str, department: str, service: str) -> None:
        return None


async def _booth_answer(ice: dict[str, Any] | None) -> str:
    """The SDP the booth answers a clerk's offer with, after the hub accepted the call."""
    ports = signaling_hub("booth:t", "clerk:general")
    clock = SystemClock()
    call = BoothCall(
        FAST,  # no server of the booth's own
        booth_id="booth:t",
        signaling=ports["booth:t"],
        hub=_Hub(),
        face=SyntheticPattern("FACE", clock),
        document=None,
        microphone=ToneSource(),
        clock=clock,
    )
    clerk = PeerLink(
        "booth:t",
        call_id=call.call_id,
        local_id="clerk:general",
        media=synthetic_media("CLERK", None, 660.0),
        signaling=ports["clerk:general"],
        config=FAST,
        clock=clock,
        listener=Recorder(),
        recover=False,
        local_info={"name": "王芳", "department": "general", "seat": "A-03"},
    )
    accepted: dict[str, Any] = {
        "status": "accepted",
        "call_id": call.call_id,
        "peer": "clerk:general",
        "clerk": {"name": "王芳", "department": "general"},
    }
    if ice is not None:
        accepted["ice"] = ice
    runner = asyncio.ensure_future(call.run())
    try:
        async with pumping(ports["clerk:general"], lambda s: clerk):
            call.queue_command(accepted)
            await clerk.start()  # the newcomer offers
            await wait_until(
                lambda: (
                    "clerk:general" in call.links
                    and call.links["clerk:general"].pc is not None
                    and call.links["clerk:general"].pc.localDescription is not None
                ),
                20,
                "the booth's answer",
            )
            pc = call.links["clerk:general"].pc
            assert pc is not None and pc.localDescription is not None
            return str(pc.localDescription.sdp)
    finally:
        await clerk.close()
        await call.close()
        await asyncio.wait_for(runner, 20)


async def test_the_booth_relays_through_the_turn_server_the_hub_names(
    coturn: tuple[int, int],
) -> None:
    port, _tls = coturn
    hub_ice = IceServers(
        turn_urls=(f"turn:127.0.0.1:{port}?transport=udp",), turn_secret=SECRET, turn_ttl_s=300
    ).for_peer("booth:t", SystemClock())
    answer = await _booth_answer(hub_ice)
    assert "typ relay" in answer  # coturn allocated with the hub's credentials for the booth
    assert "typ relay" not in await _booth_answer(None)  # the booth's own config has none


def test_the_hubs_servers_win_and_a_server_that_does_not_read_is_left_out() -> None:
    own = CallConfig(stun_urls=("stun:own.example:3478",))
    document = {
        "iceServers": [
            {"urls": ["turn:hub.example:3478"], "username": "1:booth-b1", "credential": "c"},
            {"urls": "stun:hub.example:3478"},
            {"urls": []},
            {"urls": ["turn:x"], "credential": 5},
            "junk",
        ],
        "ttl_s": 600,
    }
    servers = servers_from_hub(document)
    assert [s.urls for s in servers] == [["turn:hub.example:3478"], ["stun:hub.example:3478"]]
    assert servers[0].username == "1:booth-b1" and servers[0].credential == "c"
    assert rtc_configuration(own, servers).iceServers == list(servers)
    # no document, or one that names nothing: the booth's own servers
    for nothing in (None, {}, {"iceServers": "x"}, {"iceServers": []}):
        fallback = rtc_configuration(own, servers_from_hub(nothing)).iceServers
        assert [s.urls for s in fallback] == ["stun:own.example:3478"]
    assert isinstance(servers[0], RTCIceServer)
