"""The district's time: appointment slots are shown and read in the hub's configured zone.

A citizen books a slot at a booth, so the slot is the booth's wall-clock time, whatever
zone the phone is set to (a visitor's phone on another zone's time must not move it).
The hub is configured with the zone of its booths' district (``[hub_server] time_zone``,
``Asia/Shanghai`` by default); it stores slots in UTC, reads a slot written without an
offset as that zone's local time, and gives the pages each slot as local text with the
zone's name and UTC offset, so the page needs no time-zone arithmetic of its own.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_ZONE = "Asia/Shanghai"


def zone_of(name: str) -> ZoneInfo:
    """The zone called ``name``; ValueError if the system does not know it."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


def read_slot(slot: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """A booked time as an aware datetime: without an offset it is the district's time."""
    return slot if slot.tzinfo is not None else slot.replace(tzinfo=zone)


def local_view(at: dt.datetime, zone: ZoneInfo) -> dict[str, str]:
    """``at`` as the district's wall clock: ``{"local": "2026-11-29 15:00",
    "utc_offset": "+08:00", "time_zone": "Asia/Shanghai"}``."""
    aware = at if at.tzinfo is not None else at.replace(tzinfo=dt.UTC)
    local = aware.astimezone(zone)
    offset = local.strftime("%z")  # "+0800"
    return {
        "local": local.strftime("%Y-%m-%d %H:%M"),
        "utc_offset": f"{offset[:3]}:{offset[3:]}",
        "time_zone": zone.key,
    }
