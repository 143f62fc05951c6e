"""One-time download tickets: how a browser link fetches a file without a bearer token.

A page cannot put an ``Authorization`` header on a link it opens (a certificate's PDF on
a phone, in a new tab of the console). Instead of the bearer token in the URL, where it
would be kept by access logs, proxies and browser history, the page asks with its header
(``POST /api/v1/certificates/{id}/download``) and gets a ticket URL
(``/api/v1/downloads/dt_...``) that is valid for TICKET_TTL_S, once, for that one file,
recorded with who asked. The hub keeps only the ticket's SHA-256; a ticket is deleted when
it is used, and expired ones by :func:`purge_expired_tickets`.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from sqlalchemy import delete
from sqlalchemy.orm import Session

from kiosk.hub.auth import Principal, token_hash
from kiosk.hub.models import DownloadTicket

TICKET_PREFIX = "dt_"
TICKET_TTL_S = 60.0
DOWNLOADS_PATH = "/api/v1/downloads/"


@dataclass(frozen=True, slots=True)
class Redeemed:
    """What a valid ticket lets its bearer fetch, and who it was issued to."""

    kind: str
    object_id: str
    actor: str


def issue_ticket(
    db: Session, who: Principal, kind: str, object_id: str, now: dt.datetime
) -> dict[str, object]:
    """A ticket for ``who`` to fetch ``kind``/``object_id`` once (the caller checked that
    ``who`` may see it); the answer of the ``.../download`` routes."""
    purge_expired_tickets(db, now)  # unused tickets go as new ones come (an indexed delete)
    ticket = TICKET_PREFIX + secrets.token_urlsafe(32)
    db.add(
        DownloadTicket(
            ticket_hash=token_hash(ticket),
            kind=kind,
            object_id=object_id,
            actor=who.peer,
            expires_at=now + dt.timedelta(seconds=TICKET_TTL_S),
        )
    )
    return {"url": DOWNLOADS_PATH + ticket, "expires_in_s": int(TICKET_TTL_S)}


def redeem_ticket(db: Session, ticket: str, now: dt.datetime) -> Redeemed | None:
    """Use ``ticket`` up (in the caller's write transaction, so two requests cannot both
    use it); None if it is unknown, used or expired."""
    if not ticket.startswith(TICKET_PREFIX) or len(ticket) > 100:
        return None
    row = db.get(DownloadTicket, token_hash(ticket), with_for_update=True)
    if row is None:
        return None
    db.delete(row)
    if row.expires_at <= now:
        return None
    return Redeemed(row.kind, row.object_id, row.actor)


def purge_expired_tickets(db: Session, now: dt.datetime) -> int:
    """Delete tickets past their expiry; how many were deleted."""
    result = db.execute(delete(DownloadTicket).where(DownloadTicket.expires_at <= now))
    return int(getattr(result, "rowcount", 0) or 0)
