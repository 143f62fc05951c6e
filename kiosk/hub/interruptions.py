"""A booth restarted in the middle of a citizen's session and closed it safely: tell her.

The booth's recovery (kiosk.backend.recovery) sends ``session_ended`` with reason
``booth_restart`` and the hub's ids of the session's cases once it is back. Her case stays
open on the hub with everything that reached it (the booth's outbox delivers the rest);
what she needs is to know that, and how to go on. Each of her cases gets a
``session_interrupted`` history entry and her phone a message (the citizen page's inbox,
and SMS where a gateway is configured) with a link to her page. The booth repeats the
event until the hub acknowledges it, so a session already noted is not noted twice.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from kiosk.hub.casework import record
from kiosk.hub.models import Case, CaseEvent
from kiosk.hub.notify import Message
from kiosk.hub.state import HubState

BOOTH_RESTART = "booth_restart"
KIND = "session_interrupted"
TEXT = (
    "您在晓屋办理的“{service}”因设备重启而中断。已提交的内容都已保存，办件仍在办理中，"
    "可在本页查看进度。如需继续办理，请再次到晓屋扫码开门（或预约），也可联系人工服务。"
)


@dataclass(frozen=True, slots=True)
class _Told:
    citizen_ref: str
    phone: str
    service: str


async def tell_citizens(hub: HubState, booth_id: str, session_id: str, data: dict[str, Any]) -> int:
    """Note the interruption on the booth's cases named in ``data`` and tell each citizen
    once; how many were told."""
    ids = data.get("case_ids")
    case_ids = [c for c in ids if isinstance(c, str)] if isinstance(ids, list) else []
    if not case_ids and isinstance(data.get("case_id"), str):
        case_ids = [data["case_id"]]
    told = await asyncio.to_thread(_note, hub, booth_id, session_id, case_ids[:20])
    for who in told:
        token = hub.links.issue(who.citizen_ref, hub.settings.message_link_ttl_s)
        await hub.notifier.notify(
            Message(
                citizen_ref=who.citizen_ref,
                kind=KIND,
                phone=who.phone,
                text=TEXT.format(service=who.service),
                link=f"{hub.settings.public_url}/m/#t={token}",
            )
        )
    return len(told)


def _note(hub: HubState, booth_id: str, session_id: str, case_ids: list[str]) -> list[_Told]:
    told: list[_Told] = []
    with hub.db() as db:
        for case_id in case_ids:
            case = db.get(Case, case_id)
            if case is None or case.booth_id != booth_id:
                continue
            noted = db.scalars(
                select(CaseEvent).where(CaseEvent.case_id == case_id, CaseEvent.what == KIND)
            ).all()
            if any(e.detail.get("session") == session_id for e in noted):
                continue  # the booth said it again: its ack was lost
            record(db, case_id, f"booth:{booth_id}", KIND, session=session_id)
            if case.status != "open":
                continue  # finished before the restart: nothing to continue
            try:
                service = hub.catalog.catalog.service(case.service_code).name.zh_CN
            except KeyError:  # the catalog changed since
                service = case.service_code
            told.append(_Told(case.citizen_ref, case.citizen_phone, service))
    return told
