"""Work orders: the closed loop a booth fault runs through, as a pure state machine.

::

    detected --(hub records it, operators see it)--> alerted --dispatch(maintainer)-->
    dispatched --start--> handling --close(note)--> closed

``detected_at`` is when the booth saw the fault (or the hub noticed, for a booth gone
offline); ``alerted_at`` when the hub opened the order and showed it to operators. Every
stage keeps its timestamp, so :func:`aggregate` can report *time to dispatch*
(dispatched - detected) and *time to fix* (closed - detected) per booth and per fault
kind. A fault of the same booth and kind arriving while an order is open is attached to it
(:func:`attach`: ``occurrences`` + 1 for a new event, ``last_seen_at`` also for a
state that is still there) instead of opening another.

A maintainer may be dispatched again (re-dispatch: another maintainer) until the order is
closed; closing needs a note. Closing from ``alerted`` or ``dispatched`` is allowed (the
fault went away on its own, or was fixed on the spot): the skipped stages stay empty.

Wrong transitions raise :class:`WorkOrderError` with a ``code`` the page translates.
No IO here: the hub's API loads a row into a :class:`WorkOrder`, applies a transition,
and writes it back.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

Stage = Literal["alerted", "dispatched", "handling", "closed"]
OPEN_STAGES: tuple[Stage, ...] = ("alerted", "dispatched", "handling")


class WorkOrderError(Exception):
    """A transition the order's stage does not allow."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True, slots=True)
class WorkOrder:
    id: str
    booth_id: str
    kind: str  # "locker.jammed", "camera.missing", "disk.low", "booth.offline", ...
    summary: str
    stage: Stage
    detected_at: dt.datetime
    alerted_at: dt.datetime
    last_seen_at: dt.datetime
    occurrences: int = 1
    maintainer_id: str | None = None
    dispatched_at: dt.datetime | None = None
    handling_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    note: str = ""

    @property
    def open(self) -> bool:
        return self.stage != "closed"

    @property
    def time_to_dispatch_s(self) -> float | None:
        if self.dispatched_at is None:
            return None
        return (self.dispatched_at - self.detected_at).total_seconds()

    @property
    def time_to_fix_s(self) -> float | None:
        if self.closed_at is None:
            return None
        return (self.closed_at - self.detected_at).total_seconds()


def detect(
    order_id: str,
    booth_id: str,
    kind: str,
    summary: str,
    detected_at: dt.datetime,
    alerted_at: dt.datetime,
) -> WorkOrder:
    """A new order for a fault, alerted to operators at ``alerted_at``."""
    return WorkOrder(
        id=order_id,
        booth_id=booth_id,
        kind=kind,
        summary=summary,
        stage="alerted",
        detected_at=min(detected_at, alerted_at),
        alerted_at=alerted_at,
        last_seen_at=alerted_at,
    )


def attach(
    order: WorkOrder, at: dt.datetime, summary: str = "", *, repeat: bool = True
) -> WorkOrder:
    """The same fault again while the order is open.

    ``repeat``: a new occurrence (another ``device_fault``); False when a state that was
    already reported is still there (a health report, a booth still offline), which only
    moves ``last_seen_at``.
    """
    _require(order, OPEN_STAGES, "attach")
    return dataclasses.replace(
        order,
        occurrences=order.occurrences + (1 if repeat else 0),
        last_seen_at=max(at, order.last_seen_at),
        summary=summary or order.summary,
    )


def dispatch(order: WorkOrder, maintainer_id: str, at: dt.datetime) -> WorkOrder:
    """Send a maintainer (again, if one was sent already and has not started)."""
    _require(order, ("alerted", "dispatched"), "dispatch")
    if not maintainer_id:
        raise WorkOrderError("maintainer_required", "a maintainer is required")
    return dataclasses.replace(
        order,
        stage="dispatched",
        maintainer_id=maintainer_id,
        dispatched_at=order.dispatched_at or at,
    )


def start(order: WorkOrder, at: dt.datetime) -> WorkOrder:
    """The maintainer is on it."""
    _require(order, ("dispatched",), "start")
    return dataclasses.replace(order, stage="handling", handling_at=at)


def close(order: WorkOrder, note: str, at: dt.datetime) -> WorkOrder:
    """Fixed (or gone): closed with what was done."""
    _require(order, OPEN_STAGES, "close")
    if not note.strip():
        raise WorkOrderError("note_required", "closing a work order needs a note")
    return dataclasses.replace(order, stage="closed", closed_at=at, note=note.strip())


def _require(order: WorkOrder, stages: Iterable[Stage], action: str) -> None:
    allowed = tuple(stages)
    if order.stage not in allowed:
        raise WorkOrderError(
            "work_order_stage",
            f"cannot {action} a work order that is {order.stage} (needs {'/'.join(allowed)})",
        )


# --- figures for operators -------------------------------------------------------------


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def aggregate(orders: Iterable[WorkOrder], key: str) -> list[dict[str, Any]]:
    """Per ``key`` (``"booth_id"`` or ``"kind"``): counts and mean times, in seconds."""
    groups: dict[str, list[WorkOrder]] = {}
    for order in orders:
        groups.setdefault(str(getattr(order, key)), []).append(order)
    rows = []
    for name in sorted(groups):
        group = groups[name]
        dispatch_times = [t for o in group if (t := o.time_to_dispatch_s) is not None]
        fix_times = [t for o in group if (t := o.time_to_fix_s) is not None]
        rows.append(
            {
                key: name,
                "orders": len(group),
                "open": sum(1 for o in group if o.open),
                "occurrences": sum(o.occurrences for o in group),
                "mean_time_to_dispatch_s": _mean(dispatch_times),
                "mean_time_to_fix_s": _mean(fix_times),
                "max_time_to_fix_s": max(fix_times) if fix_times else None,
            }
        )
    return rows
