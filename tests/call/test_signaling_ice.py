"""Signaling messages on the hub's wire, and ICE settings."""

from __future__ import annotations

import time

import pytest

from kiosk.call.ice import bound_gathering, rtc_configuration
from kiosk.call.signaling import ChannelSignaling, SignalMessage, crossed_signaling
from kiosk.config import CallConfig
from kiosk.core.errors import ProtocolViolation


def test_messages_round_trip_through_the_hub_data_format() -> None:
    offer = SignalMessage("c1", "booth:7", "clerk:2", "offer", sdp="v=0\r\n", info={"name": "王芳"})
    data = offer.to_data()
    assert data == {
        "call_id": "c1",
        "from": "booth:7",
        "to": "clerk:2",
        "kind": "offer",
        "sdp": "v=0\r\n",
        "info": {"name": "王芳"},
    }
    assert SignalMessage.from_data(data) == offer
    candidate = SignalMessage(
        "c1",
        "clerk:2",
        "booth:7",
        "candidate",
        candidate={
            "candidate": "candidate:1 1 udp 1 1.2.3.4 5 typ host",
            "sdpMid": "0",
            "sdpMLineIndex": 0,
        },
    )
    assert SignalMessage.from_data(candidate.to_data()) == candidate


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"call_id": "c", "from": "a", "to": "b", "kind": "hello"},
        {"call_id": "c", "from": "a", "to": "b", "kind": "offer"},
        {"call_id": 1, "from": "a", "to": "b", "kind": "bye"},
        {"call_id": "c", "from": "a", "to": "b", "kind": "candidate", "candidate": "x"},
        "not a dict",
    ],
)
def test_garbage_signals_are_refused_with_a_code(data: object) -> None:
    with pytest.raises(ProtocolViolation) as info:
        SignalMessage.from_data(data)  # type: ignore[arg-type]
    assert info.value.code == "call_bad_signal"


async def test_crossed_ports_and_the_channel_adapter() -> None:
    a, b = crossed_signaling()
    bye = SignalMessage("c", "a", "b", "bye")
    await a.send(bye)
    b.close()
    assert [m async for m in b.received()] == [bye]

    sent: list[tuple[str, dict[str, object]]] = []

    async def send_event(name: str, data: dict[str, object]) -> None:
        sent.append((name, data))

    channel = ChannelSignaling(send_event)
    await channel.send(bye)
    assert sent == [("signal", bye.to_data())]
    channel.deliver_data({"call_id": "c", "from": "b", "to": "a", "kind": "bye"})
    channel.close()
    assert [m.sender async for m in channel.received()] == ["b"]


def test_configured_stun_and_turn_servers_and_max_bundle() -> None:
    config = CallConfig(
        stun_urls=("stun:stun.example.cn:3478",),
        turn_urls=(
            "turn:turn.example.cn:3478?transport=udp",
            "turns:turn.example.cn:5349?transport=tcp",
        ),
        turn_username="booth",
        turn_password="secret",
    )
    rtc = rtc_configuration(config)
    assert rtc.bundlePolicy.value == "max-bundle"
    assert [s.urls for s in rtc.iceServers] == [
        "stun:stun.example.cn:3478",
        "turn:turn.example.cn:3478?transport=udp",
        "turns:turn.example.cn:5349?transport=tcp",
    ]
    assert rtc.iceServers[2].username == "booth" and rtc.iceServers[2].credential == "secret"
    assert rtc_configuration(CallConfig()).iceServers == []  # never a public default


async def test_an_unreachable_stun_server_costs_at_most_the_gathering_bound() -> None:
    from aiortc import RTCPeerConnection

    # Nothing listens on the discard port: aioice alone would wait 5 s for an answer
    # (bench/call.py measures that baseline).
    config = CallConfig(stun_urls=("stun:127.0.0.1:9",), gather_timeout_s=0.5)
    pc = RTCPeerConnection(rtc_configuration(config))
    pc.createDataChannel("heartbeat")
    bound_gathering(pc, config.gather_timeout_s)
    start = time.monotonic()
    await pc.setLocalDescription(await pc.createOffer())
    elapsed = time.monotonic() - start
    assert "typ host" in pc.localDescription.sdp  # host candidates are offered
    await pc.close()
    assert elapsed < 2.0
