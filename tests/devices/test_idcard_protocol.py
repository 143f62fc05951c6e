"""GA 467 SAM frames and the ID card's text block."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.core.errors import ProtocolViolation
from kiosk.devices.idcard.protocol import (
    FIND_CARD,
    NEED_DATA,
    READ_BASIC,
    READ_SAM_ID,
    RESET_SAM,
    SAM_STATUS,
    SELECT_CARD,
    TEXT_SIZE,
    CardText,
    SamCard,
    SamCommand,
    SamMaster,
    SamReplied,
    decode_basic,
    decode_text,
    encode_basic,
    encode_text,
)

from .sansio import drain, feed_in_chunks

H = bytes.fromhex

COMMANDS = [
    (RESET_SAM, "AA AA AA 96 69 00 03 10 FF EC"),
    (SAM_STATUS, "AA AA AA 96 69 00 03 11 FF ED"),
    (READ_SAM_ID, "AA AA AA 96 69 00 03 12 FF EE"),
    (FIND_CARD, "AA AA AA 96 69 00 03 20 01 22"),
    (SELECT_CARD, "AA AA AA 96 69 00 03 20 02 21"),
    (READ_BASIC, "AA AA AA 96 69 00 03 30 01 32"),
]
REPLIES = [
    (SamReplied(0, 0, 0x9F, bytes(4)), "AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97"),
    (SamReplied(0, 0, 0x90), "AA AA AA 96 69 00 04 00 00 90 94"),
    (SamReplied(0, 0, 0x80), "AA AA AA 96 69 00 04 00 00 80 84"),
]

SAMPLE = CardText(
    name="张三",
    sex="1",
    nation="01",
    birth="19900307",
    address="广东省广州市天河区天河路385号",
    id_number="44010619900307001X",
    issuer="广州市公安局天河分局",
    valid_from="20150101",
    valid_to="20350101",
)


@pytest.mark.parametrize(("command", "frame"), COMMANDS)
def test_command_golden_frames(command: SamCommand, frame: str) -> None:
    assert SamMaster().send(command) == H(frame)
    card = SamCard()
    card.receive_data(H(frame))
    assert card.next_event() == command
    assert card.next_event() is NEED_DATA


@pytest.mark.parametrize(("reply", "frame"), REPLIES)
def test_reply_golden_frames(reply: SamReplied, frame: str) -> None:
    assert SamCard().send(reply) == H(frame)
    master = SamMaster()
    master.receive_data(H(frame))
    assert master.next_event() == reply


def test_read_basic_reply_header_is_the_known_one() -> None:
    text = encode_text(SAMPLE)
    frame = SamCard().send(SamReplied(0, 0, 0x90, encode_basic(text, bytes(1024))))
    assert frame[:14] == H("AA AA AA 96 69 05 08 00 00 90 01 00 04 00")
    assert len(frame) == 7 + 0x508


def test_text_block_round_trips_and_hides_the_id_number() -> None:
    block = encode_text(SAMPLE)
    assert len(block) == TEXT_SIZE
    assert block[:4] == "张三".encode("utf-16-le")
    assert decode_text(block) == SAMPLE
    assert SAMPLE.id_number not in repr(SAMPLE)
    assert (SAMPLE.sex_name, SAMPLE.nation_name) == ("男", "汉")


def test_nation_and_sex_names() -> None:
    card = CardText("a", "2", "56", "", "", "", "", "", "长期")
    assert (card.sex_name, card.nation_name) == ("女", "基诺")
    odd = CardText("a", "x", "外国", "", "", "", "", "", "")
    assert (odd.sex_name, odd.nation_name) == ("x", "外国")
    assert CardText("a", "1", "98", "", "", "", "", "", "").nation_name == "外国血统中国籍人士"
    assert CardText("a", "1", "77", "", "", "", "", "", "").nation_name == "77"


def test_too_long_a_field_is_misuse() -> None:
    with pytest.raises(ValueError):
        encode_text(CardText("一" * 16, "1", "01", "", "", "", "", "", ""))


def test_bad_text_blocks_are_violations() -> None:
    with pytest.raises(ProtocolViolation):
        decode_text(b"\x00" * 10)
    with pytest.raises(ProtocolViolation):
        decode_text(b"\x00\xd8" * 128)  # lone surrogates are not UCS-2 text


def test_basic_information_split() -> None:
    assert decode_basic(encode_basic(b"t" * 4, b"p" * 3)) == (b"tttt", b"ppp")
    with pytest.raises(ProtocolViolation):
        decode_basic(b"\x00")
    with pytest.raises(ProtocolViolation):
        decode_basic(encode_basic(b"t", b"p") + b"extra")


def test_status_texts() -> None:
    assert SamReplied(0, 0, 0x90).ok and SamReplied(0, 0, 0x9F).ok
    assert not SamReplied(0, 0, 0x80).ok and not SamReplied(1, 0, 0x90).ok
    assert SamReplied(0, 0, 0x80).status_text == "no card on the reader"
    assert SamReplied(0, 0, 0x33).status_text == "status 00 00 33"


def test_junk_bad_checksum_and_bad_length_resync() -> None:
    master = SamMaster()
    good = H("AA AA AA 96 69 00 04 00 00 90 94")
    master.receive_data(b"\x01\x02" + good[:-1] + b"\x00" + H("AA AA AA 96 69 FF FF") + good)
    events, violations = drain(master)
    assert events == [SamReplied(0, 0, 0x90)]
    assert violations >= 3


def test_junk_only_keeps_a_possible_preamble_start() -> None:
    master = SamMaster()
    master.receive_data(b"\x01\x02\xaa\xaa")
    with pytest.raises(ProtocolViolation, match="2 bytes"):
        master.next_event()
    master.receive_data(H("AA 96 69 00 04 00 00 90 94"))
    assert master.next_event() == SamReplied(0, 0, 0x90)


def test_partial_frames_wait() -> None:
    master = SamMaster()
    master.receive_data(H("AA AA AA 96 69 00"))
    assert master.next_event() is NEED_DATA
    master.receive_data(H("04 00 00"))
    assert master.next_event() is NEED_DATA


def test_command_misuse() -> None:
    with pytest.raises(ValueError):
        SamMaster().send(SamCommand(0x100, 0))


@given(
    st.integers(0, 255), st.integers(0, 255), st.binary(max_size=64), st.lists(st.integers(0, 100))
)
def test_commands_round_trip(cmd: int, para: int, data: bytes, cuts: list[int]) -> None:
    command = SamCommand(cmd, para, data)
    assert feed_in_chunks(SamCard(), SamMaster().send(command), cuts) == ([command], 0)


@given(
    st.integers(0, 255),
    st.integers(0, 255),
    st.integers(0, 255),
    st.binary(max_size=1400),
    st.lists(st.integers(0, 1500)),
)
def test_replies_round_trip(a: int, b: int, c: int, data: bytes, cuts: list[int]) -> None:
    reply = SamReplied(a, b, c, data)
    assert feed_in_chunks(SamMaster(), SamCard().send(reply), cuts) == ([reply], 0)


fields = st.text(st.characters(min_codepoint=0x21, max_codepoint=0xD7FF), max_size=8)


@given(fields, fields, fields)
def test_text_block_round_trip(name: str, address: str, issuer: str) -> None:
    text = CardText(
        name, "2", "03", "20000101", address, "11010120000101002X", issuer, "20200101", "长期"
    )
    assert decode_text(encode_text(text)) == text


@given(st.binary(max_size=200))
def test_garbage_raises_only_protocol_violations(data: bytes) -> None:
    for parser in (SamMaster(), SamCard()):
        parser.receive_data(data)
        drain(parser)
