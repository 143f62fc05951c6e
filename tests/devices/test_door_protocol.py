"""Modbus RTU function 05 (and the flash variant): golden frames, CRC, resync, properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.core.errors import ProtocolViolation
from kiosk.devices.door.protocol import (
    NEED_DATA,
    CoilWritten,
    FlashCoil,
    ModbusException,
    ModbusMaster,
    ModbusSlave,
    WriteCoil,
    crc16_modbus,
    request_value,
)

from .sansio import drain, feed_in_chunks

H = bytes.fromhex

REQUESTS = [
    (WriteCoil(1, 0, True), "01 05 00 00 FF 00 8C 3A"),  # the textbook example
    (WriteCoil(1, 0, False), "01 05 00 00 00 00 CD CA"),
    (WriteCoil(2, 3, True), "02 05 00 03 FF 00 7C 09"),
    (FlashCoil(1, 0, 30), "01 05 00 00 02 1E 4C A2"),  # on for 3.0 s, then off by itself
]


def test_crc16_modbus_check_value() -> None:
    assert crc16_modbus(b"123456789") == 0x4B37


@pytest.mark.parametrize(("request_", "frame"), REQUESTS)
def test_request_golden_frames(request_: object, frame: str) -> None:
    assert ModbusMaster().send(request_) == H(frame)  # type: ignore[arg-type]
    slave = ModbusSlave()
    slave.receive_data(H(frame))
    assert slave.next_event() == request_
    assert slave.next_event() is NEED_DATA


@pytest.mark.parametrize(("request_", "frame"), REQUESTS)
def test_echo_golden_frames(request_: WriteCoil | FlashCoil, frame: str) -> None:
    echo = CoilWritten(request_.address, request_.coil, request_value(request_))
    assert ModbusSlave().send(echo) == H(frame)
    master = ModbusMaster()
    master.receive_data(H(frame))
    assert master.next_event() == echo


def test_exception_golden_frame() -> None:
    refusal = ModbusException(1, 5, 2)
    assert ModbusSlave().send(refusal) == H("01 85 02 C3 51")
    master = ModbusMaster()
    master.receive_data(H("01 85 02 C3 51"))
    assert master.next_event() == refusal


def test_master_waits_for_whole_frames() -> None:
    master = ModbusMaster()
    master.receive_data(H("01"))
    assert master.next_event() is NEED_DATA
    master.receive_data(H("85 02 C3"))
    assert master.next_event() is NEED_DATA
    master.receive_data(H("51 01 05 00 00 FF"))
    assert master.next_event() == ModbusException(1, 5, 2)
    assert master.next_event() is NEED_DATA


def test_master_resyncs_after_junk_and_bad_crc() -> None:
    master = ModbusMaster()
    master.receive_data(H("77 01 85 02 C3 52") + H("01 05 00 00 FF 00 8C 3A"))
    events, violations = drain(master)
    assert events == [CoilWritten(1, 0, 0xFF00)]
    assert violations >= 2


def test_master_rejects_a_bad_crc_on_an_echo() -> None:
    master = ModbusMaster()
    master.receive_data(H("01 05 00 00 FF 00 8C 3B"))
    with pytest.raises(ProtocolViolation, match="bad CRC"):
        master.next_event()


def test_slave_answers_unknown_functions_and_values_with_exceptions() -> None:
    slave = ModbusSlave()
    read_coils = H("01 01 00 00 00 01")
    bad_value = H("01 05 00 00 12 34")
    zero_flash = H("01 05 00 00 02 00")
    for body in (read_coils, bad_value, zero_flash):
        slave.receive_data(body + crc16_modbus(body).to_bytes(2, "little"))
    assert drain(slave) == (
        [ModbusException(1, 1, 1), ModbusException(1, 5, 3), ModbusException(1, 5, 3)],
        0,
    )


def test_slave_drops_bad_crc() -> None:
    slave = ModbusSlave()
    slave.receive_data(H("01 05 00 00 FF 00 8C 3B"))
    with pytest.raises(ProtocolViolation):
        slave.next_event()


@pytest.mark.parametrize(
    "request_",
    [
        WriteCoil(0, 0, True),
        WriteCoil(248, 0, True),
        WriteCoil(1, 70000, True),
        FlashCoil(1, 0, 0),
        FlashCoil(1, 0, 256),
    ],
)
def test_master_refuses_misuse(request_: object) -> None:
    with pytest.raises(ValueError):
        ModbusMaster().send(request_)  # type: ignore[arg-type]


requests = st.one_of(
    st.builds(WriteCoil, st.integers(1, 247), st.integers(0, 0xFFFF), st.booleans()),
    st.builds(FlashCoil, st.integers(1, 247), st.integers(0, 0xFFFF), st.integers(1, 255)),
)


@given(st.lists(requests, min_size=1, max_size=4), st.lists(st.integers(0, 64)))
def test_requests_and_echoes_round_trip(reqs: list, cuts: list[int]) -> None:
    data = b"".join(ModbusMaster().send(r) for r in reqs)
    assert feed_in_chunks(ModbusSlave(), data, cuts) == (reqs, 0)
    echoes = [CoilWritten(r.address, r.coil, request_value(r)) for r in reqs]
    data = b"".join(ModbusSlave().send(e) for e in echoes)
    assert feed_in_chunks(ModbusMaster(), data, cuts) == (echoes, 0)


@given(st.binary(max_size=64))
def test_garbage_raises_only_protocol_violations(data: bytes) -> None:
    for parser in (ModbusMaster(), ModbusSlave()):
        parser.receive_data(data)
        drain(parser)
