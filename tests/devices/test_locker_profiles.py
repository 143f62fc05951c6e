"""Board profiles: slot maps, polarity and channel order, configuration overrides."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.core.errors import ConfigError, ProtocolViolation
from kiosk.devices.locker.profiles import PROFILES, resolve_profile
from kiosk.devices.locker.protocol import StateReported
from kiosk.devices.locker.slots import DoorState


def test_default_profile_is_the_issue_s_kerong_cu16() -> None:
    profile = PROFILES["kerong-cu16"]
    assert (profile.protocol, profile.baud, len(profile.slots)) == ("kerong", 19200, 16)
    for n in range(1, 17):
        wiring = profile.wiring(n)
        assert (wiring.board, wiring.lock) == (0, n - 1)  # address byte n-1
    # lock bit 1 = closed, infrared bit 1 = item: slot 1 closed and full, slot 2 open and empty
    locks, sensors = profile.split(StateReported(0, bytes([0b01, 0]), bytes([0b01, 0])))
    assert profile.decode(profile.wiring(1), locks, sensors) == (DoorState.CLOSED, True)
    assert profile.decode(profile.wiring(2), locks, sensors) == (DoorState.OPEN, False)
    # the second state byte holds locks 8-15
    locks, sensors = profile.split(StateReported(0, bytes([0, 0b1]), bytes([0, 0])))
    assert profile.decode(profile.wiring(9), locks, sensors)[0] is DoorState.CLOSED


def test_8a_profile_has_inverted_polarity_big_endian_order_and_no_sensors() -> None:
    profile = PROFILES["generic-8a-24"]
    assert profile.gap_s == pytest.approx(max(3.5 * 11 / 9600, 0.02))
    locks, sensors = profile.split(StateReported(1, bytes([0, 0, 0b1])))
    assert sensors is None
    assert profile.decode(profile.wiring(1), locks, sensors) == (DoorState.OPEN, None)
    assert profile.decode(profile.wiring(2), locks, sensors) == (DoorState.CLOSED, None)
    with pytest.raises(ProtocolViolation):
        profile.split(StateReported(1, bytes(4)))


@given(
    st.sampled_from(sorted(PROFILES)),
    st.integers(0, 1),
    st.sampled_from([0, 1, None]),
    st.sampled_from(["little", "big"]),
    st.data(),
)
def test_encode_then_decode_gives_back_every_door_and_item(
    name: str, closed_bit: int, item_bit: int | None, order: str, data: st.DataObject
) -> None:
    profile = dataclasses.replace(
        PROFILES[name], closed_bit=closed_bit, item_bit=item_bit, byte_order=order
    )
    for board in profile.boards:
        wirings = [w for w in profile.slots if w.board == board]
        closed = {w.lock: data.draw(st.booleans()) for w in wirings}
        items = {w.lock: data.draw(st.booleans()) for w in wirings}
        locks, sensors = profile.split(profile.encode(board, closed, items))
        for w in wirings:
            door, item = profile.decode(w, locks, sensors)
            assert door is (DoorState.CLOSED if closed[w.lock] else DoorState.OPEN)
            assert item == (None if item_bit is None else items[w.lock])


def test_overrides_from_the_configuration() -> None:
    sizes = tuple("L" for _ in range(16))
    profile = resolve_profile(
        "kerong-cu16", slot_sizes=sizes, closed_bit=0, item_bit=2, byte_order="big"
    )
    assert {w.size for w in profile.slots} == {"L"}
    assert (profile.closed_bit, profile.item_bit, profile.byte_order) == (0, None, "big")
    assert resolve_profile("kerong-cu16", item_bit=0).item_bit == 0
    assert resolve_profile("kerong-cu16") == PROFILES["kerong-cu16"]


def test_bad_overrides_are_all_reported() -> None:
    with pytest.raises(ConfigError) as caught:
        resolve_profile("kerong-cu16", slot_sizes=("S",), closed_bit=3, item_bit=5, byte_order="x")
    assert len(caught.value.problems) == 4
    with pytest.raises(ConfigError, match="unknown locker profile"):
        resolve_profile("no-such-board")


def test_unknown_slot_is_misuse() -> None:
    with pytest.raises(ValueError, match="no slot 17"):
        PROFILES["kerong-cu16"].wiring(17)
