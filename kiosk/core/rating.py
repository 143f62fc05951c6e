"""The satisfaction rating of a service item (好差评, GB/T 39734-2020).

Five levels, offered automatically at the end of each service item: one rating per item
and, where clerks took part, one per clerk. The two lowest levels are a bad review
(差评) that the standard requires the department to follow up (回访整改), so they ask
for a reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from kiosk.core.text import Text


class Level(IntEnum):
    """A rating level; a larger value is a better rating."""

    VERY_SATISFIED = 5
    SATISFIED = 4
    BASICALLY_SATISFIED = 3
    DISSATISFIED = 2
    VERY_DISSATISFIED = 1

    @property
    def label(self) -> Text:
        return LEVEL_NAMES[self]

    @property
    def is_bad_review(self) -> bool:
        """差评: the department must call back and fix the cause."""
        return self <= Level.DISSATISFIED


LEVEL_NAMES: dict[Level, Text] = {
    Level.VERY_SATISFIED: Text("非常满意", "Very satisfied", "非常滿意"),
    Level.SATISFIED: Text("满意", "Satisfied", "滿意"),
    Level.BASICALLY_SATISFIED: Text("基本满意", "Basically satisfied", "基本滿意"),
    Level.DISSATISFIED: Text("不满意", "Dissatisfied", "不滿意"),
    Level.VERY_DISSATISFIED: Text("非常不满意", "Very dissatisfied", "非常不滿意"),
}

# Offered in this order on the rating screen, best first as the standard lists them.
LEVELS: tuple[Level, ...] = tuple(sorted(Level, reverse=True))


@dataclass(frozen=True, slots=True)
class Rating:
    """One rating: of a service item, or of a clerk within it (``clerk`` set)."""

    case_id: str
    service: str
    level: Level
    clerk: str | None = None
    reason: str = ""  # asked for a bad review; free text, may be empty

    @property
    def needs_follow_up(self) -> bool:
        return self.level.is_bad_review
