"""Board profiles: which protocol a locker speaks and how its bits map to slots.

Boards of one family still differ in the polarity of the lock and sensor bits, in which
state byte holds the first channels, in whether an unlock is answered, and in how the
slots are wired and sized. A :class:`BoardProfile` holds all of that; ``PROFILES`` has the
built-in ones and :func:`resolve_profile` applies the booth's configuration on top.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Literal

from kiosk.core.errors import ConfigError, ProtocolViolation
from kiosk.devices.locker.protocol import EIGHT_A_BAUD, KERONG_BAUD, StateReported
from kiosk.devices.locker.slots import DoorState, SlotWiring

# USB-RS485 adapters hand bytes over in 1-16 ms chunks: a frame gap shorter than that
# would cut frames in two, so silence-delimited protocols wait at least this long.
MIN_GAP_S = 0.02


@dataclass(frozen=True, slots=True)
class BoardProfile:
    name: str
    protocol: Literal["kerong", "8a"]
    baud: int
    slots: tuple[SlotWiring, ...]
    state_bytes: int = 2  # bytes of lock bits (and as many sensor bytes) in a state reply
    closed_bit: int = 1  # the lock bit's value when the door is closed
    item_bit: int | None = 1  # the sensor bit's value when an item is inside; None: no sensor
    byte_order: Literal["little", "big"] = "little"  # "little": the first byte holds lock 0-7
    first_channel: int = 0  # wire number of a board's first lock (8A boards count from 1)
    answers_unlock: bool = False
    gap_chars: float = 0.0  # silence that ends a frame, in character times (3.5 for 8A)

    @property
    def boards(self) -> tuple[int, ...]:
        return tuple(sorted({w.board for w in self.slots}))

    @property
    def gap_s(self) -> float:
        """Silence that ends a frame (0 when frames are delimited by length)."""
        if not self.gap_chars:
            return 0.0
        return max(self.gap_chars * 11.0 / self.baud, MIN_GAP_S)

    def wiring(self, slot: int) -> SlotWiring:
        for wiring in self.slots:
            if wiring.slot == slot:
                return wiring
        raise ValueError(f"the locker has no slot {slot}")

    def split(self, state: StateReported) -> tuple[int, int | None]:
        """Lock bits and sensor bits (None without sensors) of a state reply."""
        raw = state.locks + state.sensors
        n = self.state_bytes
        expected = n * (1 if self.item_bit is None else 2)
        if len(raw) != expected:
            raise ProtocolViolation(
                f"locker: state of {len(raw)} bytes, profile {self.name} expects {expected}"
            )
        locks = int.from_bytes(raw[:n], self.byte_order)
        sensors = None if self.item_bit is None else int.from_bytes(raw[n:], self.byte_order)
        return locks, sensors

    def decode(
        self, wiring: SlotWiring, locks: int, sensors: int | None
    ) -> tuple[DoorState, bool | None]:
        bit = wiring.lock - self.first_channel
        closed = (locks >> bit & 1) == self.closed_bit
        door = DoorState.CLOSED if closed else DoorState.OPEN
        item = None if sensors is None else (sensors >> bit & 1) == self.item_bit
        return door, item

    def encode(self, board: int, closed: dict[int, bool], items: dict[int, bool]) -> StateReported:
        """The state reply a board with these doors and items sends (for the emulator)."""
        locks = sensors = 0
        for lock in range(8 * self.state_bytes):
            wire = lock + self.first_channel
            is_closed = closed.get(wire, True)
            if is_closed == bool(self.closed_bit):
                locks |= 1 << lock
            if self.item_bit is not None and items.get(wire, False) == bool(self.item_bit):
                sensors |= 1 << lock
        lock_bytes = locks.to_bytes(self.state_bytes, self.byte_order)
        if self.item_bit is None:
            return StateReported(board, lock_bytes)
        return StateReported(board, lock_bytes, sensors.to_bytes(self.state_bytes, self.byte_order))


def _sized(count: int, small: int, medium: int) -> list[str]:
    return ["S"] * small + ["M"] * medium + ["L"] * (count - small - medium)


def _kerong_cu16() -> BoardProfile:
    sizes = _sized(16, 4, 8)
    return BoardProfile(
        name="kerong-cu16",
        protocol="kerong",
        baud=KERONG_BAUD,
        slots=tuple(SlotWiring(n, 0, n - 1, sizes[n - 1]) for n in range(1, 17)),
    )


def _kerong_cu16x3() -> BoardProfile:
    sizes = _sized(48, 12, 24)
    return BoardProfile(
        name="kerong-cu16x3",
        protocol="kerong",
        baud=KERONG_BAUD,
        slots=tuple(SlotWiring(n, (n - 1) // 16, (n - 1) % 16, sizes[n - 1]) for n in range(1, 49)),
    )


def _generic_8a_24() -> BoardProfile:
    sizes = _sized(24, 8, 8)
    return BoardProfile(
        name="generic-8a-24",
        protocol="8a",
        baud=EIGHT_A_BAUD,
        slots=tuple(SlotWiring(n, 1, n, sizes[n - 1]) for n in range(1, 25)),
        state_bytes=3,
        closed_bit=0,  # these boards report 1 for an unlocked (open) channel
        item_bit=None,  # and have no infrared sensors
        byte_order="big",  # the last state byte holds channels 1-8
        first_channel=1,
        answers_unlock=True,
        gap_chars=3.5,
    )


PROFILES: dict[str, BoardProfile] = {
    p.name: p for p in (_kerong_cu16(), _kerong_cu16x3(), _generic_8a_24())
}


def resolve_profile(
    name: str,
    *,
    slot_sizes: tuple[str, ...] = (),
    closed_bit: int = -1,
    item_bit: int = -1,
    byte_order: str = "",
) -> BoardProfile:
    """The built-in profile ``name`` with the booth's overrides (-1 or "" keep the default).

    ``item_bit`` 2 means "this board has no sensors".
    """
    if name not in PROFILES:
        raise ConfigError([f"unknown locker profile {name!r}; known: {', '.join(PROFILES)}"])
    profile = PROFILES[name]
    problems = []
    if slot_sizes:
        if len(slot_sizes) != len(profile.slots):
            problems.append(
                f"locker_slot_sizes lists {len(slot_sizes)} sizes for {len(profile.slots)} slots"
            )
        else:
            profile = dataclasses.replace(
                profile,
                slots=tuple(
                    dataclasses.replace(w, size=s)
                    for w, s in zip(profile.slots, slot_sizes, strict=True)
                ),
            )
    if closed_bit in (0, 1):
        profile = dataclasses.replace(profile, closed_bit=closed_bit)
    elif closed_bit != -1:
        problems.append("locker_closed_bit must be 0 or 1 (or -1 for the profile's)")
    if item_bit in (0, 1):
        profile = dataclasses.replace(profile, item_bit=item_bit)
    elif item_bit == 2:
        profile = dataclasses.replace(profile, item_bit=None)
    elif item_bit != -1:
        problems.append("locker_item_bit must be 0, 1, 2 (no sensor) or -1 (the profile's)")
    if byte_order in ("little", "big"):
        profile = dataclasses.replace(profile, byte_order=byte_order)  # type: ignore[arg-type]
    elif byte_order:
        problems.append("locker_byte_order must be 'little' or 'big'")
    if problems:
        raise ConfigError(problems)
    return profile
