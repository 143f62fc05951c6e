"""What a locker slot is: where it is wired, how big it is, and what its door and sensor say."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class DoorState(enum.Enum):
    OPEN = "open"
    CLOSED = "closed"
    UNKNOWN = "unknown"  # the board did not answer, or answered garbage


@dataclass(frozen=True, slots=True)
class SlotWiring:
    """Slot ``slot`` (as numbered on the locker's doors) is ``lock`` of ``board``."""

    slot: int
    board: int
    lock: int  # channel number as on the wire
    size: str  # "S", "M", "L", ...


@dataclass(frozen=True, slots=True)
class SlotState:
    """A slot as the last poll saw it. ``item`` is None when the board has no sensor."""

    slot: int
    door: DoorState
    item: bool | None

    def as_json(self) -> dict[str, object]:
        return {"slot": self.slot, "door": self.door.value, "item": self.item}
