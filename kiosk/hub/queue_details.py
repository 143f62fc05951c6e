"""What a clerk reads about a waiting booth before she accepts it: the service, the
applicant (masked: 张*), the booth's name and the appointment's local time.

Looked up in one pass for a whole queue snapshot (kiosk.hub.queueing), in the thread that
read the queue; a queue entry itself holds only ids.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from kiosk.hub.casework import text_of
from kiosk.hub.issuing import holder_of, mask_name
from kiosk.hub.local_time import local_view, zone_of
from kiosk.hub.models import Appointment, Booth, Case, QueueEntry
from kiosk.hub.state import HubState


def details_of(hub: HubState, entries: list[QueueEntry]) -> dict[str, dict[str, Any]]:
    """For each entry id: ``service`` (zh_CN/en/zh_HK), ``applicant``, ``booth_name``,
    ``appointment`` (the slot as local time, or None for a walk-in)."""
    if not entries:
        return {}
    zone = zone_of(hub.settings.time_zone)
    with hub.sessions() as db:
        booths = {
            b.id: b.name
            for b in db.scalars(select(Booth).where(Booth.id.in_({e.booth_id for e in entries})))
        }
        case_ids = {e.case_id for e in entries if e.case_id}
        cases = {c.id: c for c in db.scalars(select(Case).where(Case.id.in_(case_ids)))}
        slots = {
            a.id: a.slot_at
            for a in db.scalars(
                select(Appointment).where(
                    Appointment.id.in_(
                        {c.appointment_id for c in cases.values() if c.appointment_id}
                    )
                )
            )
        }
        out: dict[str, dict[str, Any]] = {}
        for entry in entries:
            case = cases.get(entry.case_id or "")
            service: dict[str, str] = {}
            applicant = ""
            appointment = None
            if case is not None:
                try:
                    service = text_of(hub.catalog.catalog.service(case.service_code).name)
                except (KeyError, LookupError):
                    service = {}
                applicant = mask_name(holder_of(case)[0])
                slot = slots.get(case.appointment_id or "")
                appointment = local_view(slot, zone) if slot is not None else None
            out[entry.id] = {
                "service": service,
                "applicant": applicant,
                "booth_name": booths.get(entry.booth_id, entry.booth_id),
                "appointment": appointment,
            }
        return out
