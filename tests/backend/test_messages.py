"""Frames of the booth WebSocket: parse, encode, round trip, garbage."""

from __future__ import annotations

import pytest

from kiosk.backend.messages import (
    Ack,
    BadFrame,
    Command,
    Event,
    Ping,
    Pong,
    UnknownFrame,
    Welcome,
    encode_frame,
    parse_frame,
)

FRAMES = [
    Welcome("booth-1", "2026-11-28T09:00:00+08:00", 10.0),
    Welcome("booth-1", "t", 10.0, door_key="a2V5", door_window_s=30.0, door_url="https://h/m/"),
    Ping(1.5),
    Pong(2.0),
    Command("c1", "push", {"kind": "show_form", "fields": ["a"]}),
    Ack("c1", True),
    Ack("c2", False, "device_timeout"),
    Ack("e9", True, data={"position": 2}),
    Event("e1", "locker_state", {"slot": 3}),
    UnknownFrame("presence", {"type": "presence", "x": 1}),
]


@pytest.mark.parametrize("frame", FRAMES, ids=lambda f: type(f).__name__)
def test_round_trip(frame: object) -> None:
    assert parse_frame(encode_frame(frame)) == frame  # type: ignore[arg-type]


def test_reads_the_contract_examples() -> None:
    assert parse_frame(
        '{"type": "welcome", "booth_id": "b", "server_time": "t", "heartbeat_s": 10}'
    ) == Welcome("b", "t", 10.0)
    assert parse_frame('{"type":"command","id":"u","name":"open_door","data":{}}') == Command(
        "u", "open_door", {}
    )


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        "[1, 2]",
        '{"no": "type"}',
        '{"type": "command", "name": "open_door"}',
        '{"type": "command", "id": "", "name": "x"}',
        '{"type": "command", "id": "a", "name": "x", "data": [1]}',
        '{"type": "ping", "ts": "soon"}',
        '{"type": "welcome", "booth_id": "b", "heartbeat_s": 0}',
        b"\xff\xfe",
    ],
)
def test_garbage_is_a_bad_frame(text: str | bytes) -> None:
    with pytest.raises(BadFrame):
        parse_frame(text)
