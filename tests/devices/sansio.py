"""Draining a sans-IO parser in tests: events in order, protocol violations counted."""

from __future__ import annotations

from typing import Any

from kiosk.core.errors import ProtocolViolation


def drain(parser: Any) -> tuple[list[Any], int]:
    """Every event the parser yields until it needs data, and how many violations it raised."""
    events: list[Any] = []
    violations = 0
    while True:
        try:
            event = parser.next_event()
        except ProtocolViolation:
            violations += 1
            continue
        if type(event).__name__ == "_NeedData":
            return events, violations
        events.append(event)


def feed_in_chunks(parser: Any, data: bytes, cuts: list[int]) -> tuple[list[Any], int]:
    """Feed ``data`` split at ``cuts`` and drain after every chunk."""
    events: list[Any] = []
    violations = 0
    last = 0
    for cut in [*sorted(set(c % (len(data) + 1) for c in cuts)), len(data)]:
        parser.receive_data(data[last:cut])
        last = cut
        got, bad = drain(parser)
        events += got
        violations += bad
    return events, violations
