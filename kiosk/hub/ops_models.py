"""Storage of fleet operations: booth health (latest and history), maintainers, work orders.

Added to the hub's schema by migration ``0002_fleet_operations``. Health reports hold no
personal data (device states and figures only).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kiosk.hub.models import Base, new_id, utcnow

Stamp = DateTime(timezone=True)


class BoothHealthRecord(Base):
    """Every health report received (history; the newest is the booth's current health)."""

    __tablename__ = "booth_health"
    __table_args__ = (Index("ix_booth_health_booth_at", "booth_id", "received_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    booth_id: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[dt.datetime] = mapped_column(Stamp, default=utcnow)
    report: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Maintainer(Base):
    """Someone who fixes booths: a name and a phone, not a hub account (see api_ops)."""

    __tablename__ = "maintainers"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str] = mapped_column(String(40), default="")
    area: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[dt.datetime] = mapped_column(Stamp, default=utcnow)


class WorkOrderRecord(Base):
    """A :class:`kiosk.hub.workorders.WorkOrder` at rest."""

    __tablename__ = "work_orders"
    __table_args__ = (Index("ix_work_orders_open", "booth_id", "kind", "stage"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    booth_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(100))
    summary: Mapped[str] = mapped_column(String(300), default="")
    stage: Mapped[str] = mapped_column(String(20), index=True)
    occurrences: Mapped[int] = mapped_column(Integer, default=1)
    maintainer_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    detected_at: Mapped[dt.datetime] = mapped_column(Stamp)
    alerted_at: Mapped[dt.datetime] = mapped_column(Stamp)
    last_seen_at: Mapped[dt.datetime] = mapped_column(Stamp)
    dispatched_at: Mapped[dt.datetime | None] = mapped_column(Stamp, nullable=True)
    handling_at: Mapped[dt.datetime | None] = mapped_column(Stamp, nullable=True)
    closed_at: Mapped[dt.datetime | None] = mapped_column(Stamp, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
