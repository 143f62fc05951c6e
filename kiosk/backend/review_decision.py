"""The decision on a review that a department's rules make, as the booth learns it.

The booth reports a rules-decided review step (``POST /cases/{id}/steps/{n}/complete``)
through the outbox like every write. The hub decides while it answers (kiosk.hub's
rules review) and the answer is the case as it then stands: the step ``done`` (approved;
the department's receipt is among the case's certificates), ``referred`` (a clerk will
decide; the reasons of the rules in ``review``), or ``rejected``. An answer replayed for a
retried key carries the same case, so the decision is read from the step, not from the
``review`` part only a first answer has.

:class:`DecisionWait` waits for that answer for the citizen at the booth: at most
``wait_s`` on the injected clock, and not at all once the outbox says the hub is away
(:attr:`~kiosk.backend.outbox.OutboxStatus.hub_available`): then the submission is
``ReviewDeferred`` ("saved, will be sent"), and :meth:`DecisionWait.final` goes on waiting
for the answer, which the booth applies whenever it comes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from typing import Any, Protocol

from kiosk.backend.client import HubResponse
from kiosk.backend.outbox import OutboxStatus
from kiosk.core.clock import Clock
from kiosk.core.errors import HubRejected
from kiosk.flows.messages import (
    CertificateIssued,
    Event,
    ReviewDeferred,
    ReviewReferred,
    ReviewRejected,
    RulesApproved,
)

log = logging.getLogger(__name__)


class DeliveryWatch(Protocol):
    """What the wait needs of :class:`~kiosk.backend.outbox.Outbox`."""

    @property
    def status(self) -> OutboxStatus: ...

    def add_listener(self, listener: Any) -> Any: ...

    async def delivered(self, idempotency_key: str) -> HubResponse: ...


def decision_events(body: Any, position: int, department: str) -> list[Event]:
    """The workflow events of the hub's answer to a review report; [] while undecided."""
    if not isinstance(body, Mapping):
        return []
    steps = body.get("steps")
    step = (
        next(
            (s for s in steps if isinstance(s, Mapping) and s.get("position") == position),
            None,
        )
        if isinstance(steps, list)
        else None
    )
    status = step.get("status") if step is not None else None
    if status == "done":
        issued: list[Event] = [
            CertificateIssued(department, str(c["id"]))
            for c in body.get("certificates") or ()
            if isinstance(c, Mapping) and c.get("department") == department and c.get("id")
        ]
        return [RulesApproved(department), *issued]
    if status == "referred":
        review = body.get("review")
        reasons = review.get("reasons", ()) if isinstance(review, Mapping) else ()
        return [ReviewReferred(department, tuple(str(r) for r in reasons))]
    if status == "rejected":
        return [ReviewRejected(department, "rejected", final=True)]
    return []


class DecisionWait:
    """Waits for the hub's answer to one review report (by its idempotency key)."""

    def __init__(
        self,
        outbox: DeliveryWatch,
        idempotency_key: str,
        position: int,
        department: str,
        *,
        clock: Clock,
        wait_s: float,
    ) -> None:
        self._position = position
        self._department = department
        self._clock = clock
        self._wait_s = wait_s
        self._outbox = outbox
        self._delivery = asyncio.ensure_future(outbox.delivered(idempotency_key))

    async def first(self) -> list[Event]:
        """The decision, or ``[ReviewDeferred]`` once ``wait_s`` passed or the hub is away."""
        away = asyncio.get_running_loop().create_future()

        def watch(status: OutboxStatus) -> None:
            if not status.hub_available and not away.done():
                away.set_result(None)

        if not self._outbox.status.hub_available:
            away.set_result(None)
        remove = self._outbox.add_listener(watch)
        timer = asyncio.ensure_future(self._clock.sleep(self._wait_s))
        try:
            await asyncio.wait({self._delivery, timer, away}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            remove()
            timer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await timer
        if self._delivery.done():
            return self._read()
        log.info("review of %s: no decision yet, saved to send", self._department)
        return [ReviewDeferred(self._department)]

    async def final(self) -> list[Event]:
        """The decision, however long the answer takes (after ``first`` deferred)."""
        await asyncio.wait({self._delivery})
        return self._read()

    def cancel(self) -> None:
        self._delivery.cancel()

    def _read(self) -> list[Event]:
        try:
            response = self._delivery.result()
        except HubRejected as exc:  # set aside for an operator: a clerk has to look
            log.error("review report refused by the hub: %s", exc.code)
            return [ReviewReferred(self._department, (exc.code,))]
        events = decision_events(response.body, self._position, self._department)
        return events or [ReviewDeferred(self._department)]
