"""The outbox towards peer hubs (跨域通办): cases this hub's booths started for services a
peer serves, sent until the peer answers.

A booth's request first becomes a :class:`~kiosk.hub.models.ForwardedCase` row, committed
before anything is sent: from then on nothing is lost, whether the peer is down, slow, or
restarts. :func:`deliver` sends one row (a signed ``POST /api/v1/peer/cases`` carrying the
row's reference); the peer makes one case per (region, reference) in one transaction, so
a row sent twice (a lost answer, two senders at once) still makes one case there, and a
case never half-exists: either the peer has it whole and answers with its id, or it has
nothing and the row stays ``pending``. :func:`keep_delivering` retries pending rows.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from sqlalchemy import select

from kiosk.hub.federation import PeerRefused, PeerUnavailable
from kiosk.hub.models import ForwardedCase, db_now
from kiosk.hub.state import HubState

log = logging.getLogger(__name__)

RETRY_PERIOD_S = 15.0
# How long a booth's request waits for the serving hub before it is told "later": well
# inside the booth's own timeout for the hub (hub.timeout_s, 10 s by default), so a slow
# peer gives the citizen the plain message rather than a booth timing out on its hub.
BOOTH_WAIT_S = 4.0
PEER_TIMEOUT_S = 10.0


def forwarded_view(row: ForwardedCase) -> dict[str, Any]:
    """What a booth is told of its forwarded case (no personal data)."""
    return {
        "ref": row.ref,
        "region": row.region,
        "service": row.service_code,
        "status": row.status,  # pending | delivered | refused
        "case_id": row.remote_case_id,
        "refusal": row.refusal or None,
    }


async def deliver(hub: HubState, ref: str, timeout_s: float = PEER_TIMEOUT_S) -> ForwardedCase:
    """Send the pending row ``ref`` to its peer; the row as it is afterwards. Raises
    :class:`PeerUnavailable` (the row stays pending) when the peer does not answer."""

    def load() -> tuple[str, dict[str, Any]] | None:
        with hub.db() as db:
            row = db.get(ForwardedCase, ref)
            if row is None or row.status != "pending":
                return None
            row.attempts += 1
            body = {"ref": row.ref, "service": row.service_code, "citizen": dict(row.citizen)}
            return row.region, body

    loaded = await asyncio.to_thread(load)
    if loaded is not None:
        region, body = loaded
        try:
            answer = await hub.federation.call(
                region, "POST", "/api/v1/peer/cases", body, timeout_s=timeout_s
            )
        except PeerRefused as exc:
            error = exc.body.get("error", {}) if isinstance(exc.body, dict) else {}
            code = str(error.get("code", f"http_{exc.status}"))[:64]
            if exc.status >= 500 or (
                code.startswith("peer_") and code != "peer_service_not_shared"
            ):
                # The peer failed or did not take our signature (a clock or key to fix): try
                # again later rather than give the citizen's case up.
                raise PeerUnavailable(f"peer {region} answered {code}") from exc
            await asyncio.to_thread(_settle, hub, ref, "refused", None, code)
        else:
            case_id = str(answer.get("case_id", ""))[:32] if isinstance(answer, dict) else ""
            await asyncio.to_thread(_settle, hub, ref, "delivered", case_id, "")
            log.info("case %s delivered to peer %s", ref, region)

    def reread() -> ForwardedCase:
        with hub.db() as db:
            row = db.get(ForwardedCase, ref)
            assert row is not None
            db.expunge(row)
            return row

    return await asyncio.to_thread(reread)


def _settle(hub: HubState, ref: str, status: str, case_id: str | None, refusal: str) -> None:
    with hub.db() as db:
        row = db.get(ForwardedCase, ref)
        if row is None or row.status != "pending":
            return  # another sender settled it first: the peer's answer was the same case
        row.status, row.remote_case_id, row.refusal = status, case_id, refusal
        row.delivered_at = db_now(db)


async def deliver_pending(hub: HubState) -> int:
    """Send every pending row once; how many are still pending afterwards."""

    def pending() -> list[str]:
        with hub.db() as db:
            query = select(ForwardedCase.ref).where(ForwardedCase.status == "pending")
            return list(db.scalars(query.order_by(ForwardedCase.created_at)))

    left = 0
    for ref in await asyncio.to_thread(pending):
        try:
            await deliver(hub, ref)
        except PeerUnavailable as exc:
            log.info("forwarded case %s waits: %s", ref, exc)
            left += 1
    return left


async def keep_delivering(hub: HubState, period_s: float = RETRY_PERIOD_S) -> None:
    """Retry pending rows every ``period_s`` until cancelled (after a restart too: the
    rows are in the database)."""
    if not hub.federation.settings.enabled:
        return
    while True:
        await deliver_pending(hub)
        await asyncio.sleep(period_s)
