"""Kerong KR-CU and 8A lock-board frames: golden bytes, round trips, resync, properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.core.errors import ProtocolViolation
from kiosk.devices.locker.protocol import (
    NEED_DATA,
    EightABoard,
    EightAMaster,
    KerongBoard,
    KerongMaster,
    LockReported,
    QueryLock,
    QueryState,
    StateReported,
    Unlock,
    UnlockAnswered,
    bcc,
    kerong_sum,
)

from .sansio import drain, feed_in_chunks

H = bytes.fromhex

# --- Kerong golden frames ----------------------------------------------------------------

KERONG_COMMANDS = [
    (Unlock(0, 0), "02 00 31 03 36"),  # slot 1 of a CU16
    (Unlock(0, 15), "02 0F 31 03 45"),  # slot 16
    (Unlock(1, 2), "02 12 31 03 48"),  # ADDR = board << 4 | lock
    (QueryState(0), "02 00 30 03 35"),
    (QueryState(1), "02 10 30 03 45"),
]
KERONG_REPLIES = [
    (UnlockAnswered(0, 3), "02 03 31 03 39"),
    (StateReported(0, H("FFFF"), H("0000")), "02 00 35 FF FF 00 00 03 38"),
    # ETX (03) inside the data: frames are delimited by length, not by searching for 03
    (StateReported(0, H("0300"), H("0000")), "02 00 35 03 00 00 00 03 3D"),
]


@pytest.mark.parametrize(("command", "frame"), KERONG_COMMANDS)
def test_kerong_command_golden_frames(command: object, frame: str) -> None:
    assert KerongMaster().send(command) == H(frame)  # type: ignore[arg-type]
    board = KerongBoard()
    board.receive_data(H(frame))
    assert board.next_event() == command
    assert board.next_event() is NEED_DATA


@pytest.mark.parametrize(("reply", "frame"), KERONG_REPLIES)
def test_kerong_reply_golden_frames(reply: object, frame: str) -> None:
    assert KerongBoard().send(reply) == H(frame)  # type: ignore[arg-type]
    master = KerongMaster()
    master.receive_data(H(frame))
    assert master.next_event() == reply
    assert master.next_event() is NEED_DATA


def test_kerong_sum_is_the_low_byte_of_the_sum() -> None:
    assert kerong_sum(H("02 00 35 FF FF 00 00 03")) == 0x38


def test_kerong_junk_is_reported_then_skipped() -> None:
    master = KerongMaster()
    master.receive_data(b"\xff\x55" + H("02 03 31 03 39"))
    with pytest.raises(ProtocolViolation, match="junk"):
        master.next_event()
    assert master.next_event() == UnlockAnswered(0, 3)


def test_kerong_junk_without_a_frame_is_dropped() -> None:
    master = KerongMaster()
    master.receive_data(b"\xff\x55")
    with pytest.raises(ProtocolViolation):
        master.next_event()
    assert master.next_event() is NEED_DATA


def test_kerong_bad_checksum_resyncs_on_the_next_frame() -> None:
    master = KerongMaster()
    master.receive_data(H("02 03 31 03 3A") + H("02 03 31 03 39"))
    events, violations = drain(master)
    assert events == [UnlockAnswered(0, 3)]
    assert violations >= 1


def test_kerong_missing_etx_is_a_violation() -> None:
    master = KerongMaster()
    master.receive_data(H("02 03 31 04 39"))
    with pytest.raises(ProtocolViolation, match="bad frame"):
        master.next_event()


def test_kerong_unknown_command_is_a_violation() -> None:
    board = KerongBoard()
    board.receive_data(H("02 00 35 03 38"))  # a reply is not a command
    with pytest.raises(ProtocolViolation, match="unknown command"):
        board.next_event()


def test_kerong_waits_for_a_whole_frame() -> None:
    master = KerongMaster()
    for byte in H("02 00 35 FF FF 00 00 03"):
        master.receive_data(bytes([byte]))
        assert master.next_event() is NEED_DATA
    master.receive_data(H("38"))
    assert isinstance(master.next_event(), StateReported)


@pytest.mark.parametrize(
    "command", [Unlock(16, 0), Unlock(0, 16), Unlock(-1, 0), QueryState(16), QueryLock(0, 1)]
)
def test_kerong_master_refuses_misuse(command: object) -> None:
    with pytest.raises(ValueError):
        KerongMaster().send(command)  # type: ignore[arg-type]


def test_kerong_board_refuses_misuse() -> None:
    with pytest.raises(ValueError):
        KerongBoard().send(LockReported(0, 1, 0))
    with pytest.raises(ValueError):
        KerongBoard(state_bytes=2).send(StateReported(0, b"\x00", b"\x00"))
    with pytest.raises(ValueError):
        KerongBoard(state_bytes=0)


boards = st.integers(0, 15)
locks = st.integers(0, 15)
kerong_commands = st.one_of(st.builds(Unlock, boards, locks), st.builds(QueryState, boards))


@given(st.lists(kerong_commands, min_size=1, max_size=5), st.lists(st.integers(0, 200)))
def test_kerong_commands_round_trip_in_any_chunking(commands: list, cuts: list[int]) -> None:
    master = KerongMaster()
    data = b"".join(master.send(c) for c in commands)
    events, violations = feed_in_chunks(KerongBoard(), data, cuts)
    assert (events, violations) == (commands, 0)


@st.composite
def kerong_replies(draw: st.DrawFn, state_bytes: int = 2) -> object:
    if draw(st.booleans()):
        return UnlockAnswered(draw(boards), draw(locks))
    return StateReported(
        draw(boards),
        draw(st.binary(min_size=state_bytes, max_size=state_bytes)),
        draw(st.binary(min_size=state_bytes, max_size=state_bytes)),
    )


@given(st.lists(kerong_replies(), min_size=1, max_size=5), st.lists(st.integers(0, 200)))
def test_kerong_replies_round_trip_in_any_chunking(replies: list, cuts: list[int]) -> None:
    board = KerongBoard()
    data = b"".join(board.send(r) for r in replies)
    events, violations = feed_in_chunks(KerongMaster(), data, cuts)
    assert (events, violations) == (replies, 0)


@given(st.binary(max_size=64).filter(lambda b: 0x02 not in b), kerong_replies())
def test_kerong_finds_a_frame_after_any_junk(junk: bytes, reply: object) -> None:
    master = KerongMaster()
    master.receive_data(junk + KerongBoard().send(reply))  # type: ignore[arg-type]
    events, violations = drain(master)
    assert events == [reply]
    assert violations == (1 if junk else 0)


@given(st.binary(max_size=128))
def test_kerong_garbage_raises_only_protocol_violations(data: bytes) -> None:
    for parser in (KerongMaster(), KerongBoard()):
        parser.receive_data(data)
        drain(parser)  # anything but ProtocolViolation escapes and fails the test


# --- 8A golden frames --------------------------------------------------------------------

EIGHT_A_EXCHANGES = [
    # command, its frame, the board's reply, the reply's frame
    (Unlock(1, 1), "8A 01 01 11 9B", UnlockAnswered(1, 1, 0x11), "8A 01 01 11 9B"),
    (Unlock(2, 24), "8A 02 18 11 81", UnlockAnswered(2, 24, 0x00), "8A 02 18 00 90"),
    (QueryLock(1, 1), "80 01 01 33 B3", LockReported(1, 1, 0x00), "80 01 01 00 80"),
    (QueryState(1), "80 01 00 33 B2", StateReported(1, H("01 00 00")), "80 01 01 00 00 33 B3"),
    # one data byte: the same shape as a single-channel reply, told apart by the command
    (QueryState(1), "80 01 00 33 B2", StateReported(1, H("11")), "80 01 11 33 A3"),
]


@pytest.mark.parametrize(("command", "cframe", "reply", "rframe"), EIGHT_A_EXCHANGES)
def test_8a_golden_exchanges(command: object, cframe: str, reply: object, rframe: str) -> None:
    master = EightAMaster()
    assert master.send(command) == H(cframe)  # type: ignore[arg-type]
    board = EightABoard()
    board.receive_data(H(cframe))
    board.receive_gap()
    assert board.next_event() == command
    assert board.send(reply) == H(rframe)  # type: ignore[arg-type]
    master.receive_data(H(rframe))
    assert master.next_event() is NEED_DATA  # no gap yet: the frame may go on
    master.receive_gap()
    assert master.next_event() == reply
    assert master.pending is None


def test_bcc_is_the_xor_of_the_bytes() -> None:
    assert bcc(H("8A 01 01 11")) == 0x9B


def test_8a_sensor_bytes_follow_the_lock_bytes() -> None:
    assert EightABoard().send(StateReported(1, H("01"), H("02"))) == H("80 01 01 02 33 B1")


def test_8a_reply_without_a_command_is_a_violation() -> None:
    master = EightAMaster()
    master.receive_data(H("80 01 01 00 80"))
    master.receive_gap()
    with pytest.raises(ProtocolViolation, match="bad frame"):
        master.next_event()


@pytest.mark.parametrize(
    ("command", "reply"),
    [
        (QueryLock(1, 1), "80 02 01 00 83"),  # another board
        (QueryLock(1, 1), "80 01 02 00 83"),  # another channel
        (QueryLock(1, 1), "8A 01 01 00 8A"),  # unlock head for a query
        (Unlock(1, 1), "80 01 01 00 80"),  # query head for an unlock
        (QueryState(1), "8A 01 01 33 B9"),  # unlock head for a state query
        (QueryState(1), "80 01 01 34 B4"),  # no 33 before the BCC
        (QueryLock(1, 1), "80 01 01 00 00 81"),  # too long for a single channel
        (QueryLock(1, 1), "80 01 01 81"),  # too short
        (QueryLock(1, 1), "80 01 01 00 81"),  # bad BCC
    ],
)
def test_8a_master_rejects_replies_that_do_not_fit(command: object, reply: str) -> None:
    master = EightAMaster()
    master.send(command)  # type: ignore[arg-type]
    master.receive_data(H(reply))
    master.receive_gap()
    with pytest.raises(ProtocolViolation):
        master.next_event()


def test_8a_junk_before_a_frame_is_skipped() -> None:
    master = EightAMaster()
    master.send(QueryLock(1, 1))
    master.receive_data(H("FF 80 00") + H("80 01 01 00 80"))
    master.receive_gap()
    with pytest.raises(ProtocolViolation, match="skipped 3 bytes"):
        master.next_event()
    assert master.next_event() == LockReported(1, 1, 0)


def test_8a_gap_without_data_makes_no_frame() -> None:
    board = EightABoard()
    board.receive_gap()
    assert board.next_event() is NEED_DATA


@pytest.mark.parametrize(
    "frame",
    ["8A 01 00 11 9A", "8A 01 01 12 98", "81 01 01 33 B2", "80 01 01 34 B4", "80 01 01 33 B4"],
)
def test_8a_board_rejects_frames_that_are_not_commands(frame: str) -> None:
    board = EightABoard()
    board.receive_data(H(frame))
    board.receive_gap()
    with pytest.raises(ProtocolViolation):
        board.next_event()


@pytest.mark.parametrize(
    "command", [Unlock(1, 0), Unlock(256, 1), QueryLock(1, 256), QueryState(-1)]
)
def test_8a_master_refuses_misuse(command: object) -> None:
    with pytest.raises(ValueError):
        EightAMaster().send(command)  # type: ignore[arg-type]


def test_8a_board_refuses_an_empty_state() -> None:
    with pytest.raises(ValueError):
        EightABoard().send(StateReported(1, b""))


channels_8a = st.integers(1, 255)
boards_8a = st.integers(0, 255)


@st.composite
def eight_a_exchange(draw: st.DrawFn) -> tuple[object, object]:
    board = draw(boards_8a)
    kind = draw(st.sampled_from(["unlock", "lock", "state"]))
    if kind == "unlock":
        ch = draw(channels_8a)
        return Unlock(board, ch), UnlockAnswered(board, ch, draw(st.integers(0, 255)))
    if kind == "lock":
        ch = draw(channels_8a)
        return QueryLock(board, ch), LockReported(board, ch, draw(st.integers(0, 255)))
    return QueryState(board), StateReported(board, draw(st.binary(min_size=1, max_size=8)))


@given(eight_a_exchange(), st.lists(st.integers(0, 20)))
def test_8a_exchanges_round_trip(exchange: tuple, cuts: list[int]) -> None:
    command, reply = exchange
    master, board = EightAMaster(), EightABoard()
    board.receive_data(master.send(command))
    board.receive_gap()
    assert board.next_event() == command
    data = board.send(reply)
    events, violations = feed_in_chunks(master, data, cuts)
    assert events == []  # no frame before the gap, however the bytes arrived
    master.receive_gap()
    assert master.next_event() == reply
    assert violations == 0


@given(
    eight_a_exchange(),
    st.binary(min_size=1, max_size=16).filter(lambda b: not {0x80, 0x8A} & set(b)),
)
def test_8a_finds_a_reply_after_junk_in_the_same_burst(exchange: tuple, junk: bytes) -> None:
    command, reply = exchange
    master = EightAMaster()
    master.send(command)
    master.receive_data(junk + EightABoard().send(reply))
    master.receive_gap()
    assert drain(master) == ([reply], 1)


@given(st.binary(max_size=64))
def test_8a_garbage_raises_only_protocol_violations(data: bytes) -> None:
    master = EightAMaster()
    master.send(QueryState(1))
    for parser in (master, EightABoard()):
        parser.receive_data(data)
        parser.receive_gap()
        drain(parser)


def test_8a_state_length_tells_merged_replies_apart() -> None:
    one = EightABoard().send(StateReported(1, H("01 00 00")))
    merged = one + one  # XORs cancel: the pair looks like one well-formed longer reply
    loose = EightAMaster()
    loose.send(QueryState(1))
    loose.receive_data(merged)
    loose.receive_gap()
    assert loose.next_event() == StateReported(1, merged[2:-2])
    strict = EightAMaster(state_length=3)
    strict.send(QueryState(1))
    strict.receive_data(merged)
    strict.receive_gap()
    assert drain(strict) == ([StateReported(1, H("01 00 00"))], 1)
