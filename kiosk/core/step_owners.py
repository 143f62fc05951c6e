"""Who completes each step of a service item: the citizen at her booth, a department's
rules, or a department's clerk.

The booth and the hub both apply these rules (the booth to know what it may report, the
hub to check what a booth reports), so they live here, once:

- :data:`BOOTH_STEPS`: the step kinds the citizen completes at the booth and her booth
  reports done; every other kind is a department's.
- :func:`decided_by_rules`: a ``review`` step that the department's rules decide, not a
  clerk: the catalog step has ``rules``, or the item is self-service (no clerk in it). The
  booth reports the submission; the hub evaluates the rules (kiosk.hub.rules_review).
"""

from __future__ import annotations

from kiosk.core.catalog import Service

BOOTH_STEPS: tuple[str, ...] = ("identify", "questions", "capture", "form", "locker", "rating")


def decided_by_rules(service: Service, position: int | None) -> bool:
    """Is step ``position`` of ``service`` a review its rules decide (the booth reports it)?"""
    if position is None or not 0 <= position < len(service.steps):
        return False
    step = service.steps[position]
    return step.kind == "review" and (step.rules is not None or not service.needs_clerk)
