"""Serial QR-scanner lines and the keyboard-wedge timing decoder."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.core.errors import ProtocolViolation
from kiosk.devices.scanner.protocol import (
    MAX_CODE,
    NEED_DATA,
    Scanned,
    SerialScanDecoder,
    Trigger,
    Typed,
    Untrigger,
    WedgeDecoder,
    encode_scan,
)

from .sansio import drain, feed_in_chunks


def test_trigger_commands_golden_frames() -> None:
    decoder = SerialScanDecoder()
    assert decoder.send(Trigger()) == bytes.fromhex("16 54 0D")
    assert decoder.send(Untrigger()) == bytes.fromhex("16 55 0D")


def test_scan_golden_frame() -> None:
    assert encode_scan("XW-1") == bytes.fromhex("58 57 2D 31 0D")
    decoder = SerialScanDecoder()
    decoder.receive_data(bytes.fromhex("58 57 2D 31 0D 0A"))
    assert drain(decoder) == ([Scanned("XW-1")], 0)


def test_any_line_ending_is_accepted() -> None:
    decoder = SerialScanDecoder()
    decoder.receive_data(b"a\rb\nc\r\nd")
    assert drain(decoder) == ([Scanned("a"), Scanned("b"), Scanned("c")], 0)
    decoder.receive_data(b"\r")
    assert decoder.next_event() == Scanned("d")


def test_non_utf8_is_a_violation_and_the_next_code_survives() -> None:
    decoder = SerialScanDecoder()
    decoder.receive_data(b"\xff\xfe\rok\r")
    with pytest.raises(ProtocolViolation):
        decoder.next_event()
    assert decoder.next_event() == Scanned("ok")


def test_endless_line_is_dropped() -> None:
    decoder = SerialScanDecoder()
    decoder.receive_data(b"x" * (MAX_CODE + 1))
    with pytest.raises(ProtocolViolation):
        decoder.next_event()
    assert decoder.next_event() is NEED_DATA


def test_a_code_cannot_hold_a_line_break() -> None:
    with pytest.raises(ValueError):
        encode_scan("a\nb")


codes = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"),
    min_size=1,
    max_size=40,
)


@given(
    st.lists(codes, min_size=1, max_size=4),
    st.sampled_from([b"\r", b"\n", b"\r\n"]),
    st.lists(st.integers(0, 400)),
)
def test_codes_round_trip_in_any_chunking(texts: list[str], end: bytes, cuts: list[int]) -> None:
    data = b"".join(encode_scan(t, end) for t in texts)
    assert feed_in_chunks(SerialScanDecoder(), data, cuts) == ([Scanned(t) for t in texts], 0)


@given(st.binary(max_size=128))
def test_garbage_raises_only_protocol_violations(data: bytes) -> None:
    decoder = SerialScanDecoder()
    decoder.receive_data(data)
    drain(decoder)


def type_keys(decoder: WedgeDecoder, keys: str, start: float, gap: float) -> float:
    t = start
    for key in keys:
        decoder.receive_key(key, t)
        t += gap
    return t


def test_a_fast_burst_ending_in_enter_is_a_scan() -> None:
    decoder = WedgeDecoder(max_gap_s=0.03, min_length=4)
    type_keys(decoder, "XW-2026\n", 0.0, 0.004)
    assert drain(decoder) == ([Scanned("XW-2026")], 0)


def test_slow_typing_is_typing() -> None:
    decoder = WedgeDecoder(max_gap_s=0.03, min_length=4)
    type_keys(decoder, "abcd\n", 0.0, 0.2)
    events, _ = drain(decoder)
    assert "".join(e.text for e in events) == "abcd"
    assert all(isinstance(e, Typed) for e in events)
    assert events[-1] == Typed("", submitted=True)


def test_a_short_fast_burst_is_typing() -> None:
    decoder = WedgeDecoder(max_gap_s=0.03, min_length=4)
    type_keys(decoder, "ab\r", 0.0, 0.01)
    assert drain(decoder) == ([Typed("ab", submitted=True)], 0)


def test_a_burst_that_stops_without_enter_is_handed_back_as_typing() -> None:
    decoder = WedgeDecoder()
    t = type_keys(decoder, "qwerty", 0.0, 0.005)
    decoder.receive_time(t)  # not yet idle long enough
    assert decoder.next_event() is NEED_DATA
    decoder.receive_time(t + 1.0)
    assert drain(decoder) == ([Typed("qwerty")], 0)
    decoder.receive_time(t + 2.0)  # nothing left
    assert decoder.next_event() is NEED_DATA


def test_typing_then_a_scan() -> None:
    decoder = WedgeDecoder()
    t = type_keys(decoder, "hi", 0.0, 0.3)
    type_keys(decoder, "CODE-1\n", t + 0.5, 0.003)
    events, _ = drain(decoder)
    assert events[-1] == Scanned("CODE-1")
    assert "".join(e.text for e in events[:-1]) == "hi"


def test_wedge_misuse() -> None:
    with pytest.raises(ValueError):
        WedgeDecoder(max_gap_s=0)
    with pytest.raises(ValueError):
        WedgeDecoder().receive_key("ab", 0.0)


@given(
    st.text(st.characters(min_codepoint=33, max_codepoint=126), min_size=4, max_size=30),
    st.floats(0.0005, 0.03),
)
def test_any_fast_burst_is_the_scanned_code(code: str, gap: float) -> None:
    decoder = WedgeDecoder(max_gap_s=0.03, min_length=4)
    type_keys(decoder, code + "\n", 10.0, gap)
    assert drain(decoder) == ([Scanned(code)], 0)


@given(
    st.text(st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=30),
    st.floats(0.031, 2.0),
)
def test_slow_keys_never_make_a_scan_and_none_is_lost(text: str, gap: float) -> None:
    decoder = WedgeDecoder(max_gap_s=0.03, min_length=4)
    type_keys(decoder, text + "\n", 10.0, gap)
    events, _ = drain(decoder)
    assert not any(isinstance(e, Scanned) for e in events)
    assert "".join(e.text for e in events) == text
