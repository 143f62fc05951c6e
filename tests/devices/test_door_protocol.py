"""Modbus RTU functions 05 (with the flash variant) and 02: golden frames, CRC, resync."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.core.errors import ProtocolViolation
from kiosk.devices.door.protocol import (
    NEED_DATA,
    CoilWritten,
    FlashCoil,
    InputsRead,
    ModbusException,
    ModbusMaster,
    ModbusSlave,
    ReadInputs,
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


# -- function 02: the door contact and the occupancy sensor -------------------------------------

# The Modbus specification's example: slave 17 reads 22 inputs from 197 (0xC4).
READ_EXAMPLE = (ReadInputs(0x11, 0xC4, 22), "11 02 00 C4 00 16 BA A9")
READ_ANSWER = (InputsRead(0x11, H("AC DB 35")), "11 02 03 AC DB 35 20 18")


def test_read_inputs_golden_frames() -> None:
    request_, frame = READ_EXAMPLE
    assert ModbusMaster().send(request_) == H(frame)
    slave = ModbusSlave()
    slave.receive_data(H(frame))
    assert slave.next_event() == request_
    answer, frame = READ_ANSWER
    assert ModbusSlave().send(answer) == H(frame)
    master = ModbusMaster()
    master.send(request_)
    master.receive_data(H(frame))
    assert master.next_event() == answer


def test_inputs_are_packed_lowest_bit_first() -> None:
    answer = InputsRead(0x11, H("AC DB 35"))  # the specification: inputs 204..197 = 1010 1100
    assert [answer.bit(i) for i in range(8)] == [False, False, True, True, False, True, False, True]
    assert answer.bit(16) and not answer.bit(17)
    bits = [answer.bit(i) for i in range(22)]
    assert InputsRead.of(0x11, bits) == InputsRead(0x11, H("AC DB 35"))


def test_master_waits_for_a_whole_inputs_answer_and_refusals() -> None:
    master = ModbusMaster()
    master.send(READ_EXAMPLE[0])
    for chunk in ("11 02", "03 AC", "DB 35 20"):
        master.receive_data(H(chunk))
        assert master.next_event() is NEED_DATA
    master.receive_data(H("18 01 82 02 C1"))
    assert master.next_event() == InputsRead(0x11, H("AC DB 35"))
    assert master.next_event() is NEED_DATA
    master.receive_data(H("61"))
    assert master.next_event() == ModbusException(1, 2, 2)


def test_master_drops_a_bad_crc_or_an_answer_it_did_not_ask_for() -> None:
    master = ModbusMaster()
    master.send(READ_EXAMPLE[0])
    master.receive_data(H("11 02 03 AC DB 35 20 19"))
    with pytest.raises(ProtocolViolation, match="bad CRC"):
        master.next_event()
    master = ModbusMaster()
    master.receive_data(H("01 02 01 05 61 8B"))  # nothing was asked
    with pytest.raises(ProtocolViolation, match="not asked for"):
        master.next_event()
    master = ModbusMaster()
    master.send(ReadInputs(1, 0, 3))
    master.receive_data(H("01 02 00") + H("01 02 01 05 61 8B"))
    events, violations = drain(master)
    assert violations >= 1
    assert events == [InputsRead(1, H("05"))]


def test_slave_refuses_impossible_reads() -> None:
    slave = ModbusSlave()
    for body in (H("01 02 00 00 00 00"), H("01 02 00 00 07 D1")):  # 0 and 2001 inputs
        slave.receive_data(body + crc16_modbus(body).to_bytes(2, "little"))
    assert drain(slave) == ([ModbusException(1, 2, 3), ModbusException(1, 2, 3)], 0)


@pytest.mark.parametrize(
    "request_", [ReadInputs(1, 0, 0), ReadInputs(1, 0, 2001), ReadInputs(0, 0, 1)]
)
def test_master_refuses_impossible_reads(request_: ReadInputs) -> None:
    with pytest.raises(ValueError):
        ModbusMaster().send(request_)


@given(
    st.integers(1, 247),
    st.lists(st.booleans(), min_size=1, max_size=64),
    st.lists(st.integers(0, 16)),
)
def test_inputs_round_trip(address: int, bits: list[bool], cuts: list[int]) -> None:
    answer = InputsRead.of(address, bits)
    data = ModbusSlave().send(answer)
    master = ModbusMaster()
    master.send(ReadInputs(address, 0, len(bits)))
    assert feed_in_chunks(master, data, cuts) == ([answer], 0)
    assert [answer.bit(i) for i in range(len(bits))] == bits


@pytest.mark.parametrize("size", [0, 251])
def test_slave_refuses_to_send_an_impossible_answer(size: int) -> None:
    with pytest.raises(ValueError):
        ModbusSlave().send(InputsRead(1, bytes(size)))
