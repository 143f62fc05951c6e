"""Fleet operations: booth health history, maintainers, work orders

Revision ID: 0002_fleet
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_fleet"
down_revision = "0001"
branch_labels = None
depends_on = None

Stamp = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "booth_health",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("booth_id", sa.String(length=64), nullable=False),
        sa.Column("received_at", Stamp, nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_booth_health_booth_at", "booth_health", ["booth_id", "received_at"])
    op.create_table(
        "maintainers",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("area", sa.String(length=100), nullable=False),
        sa.Column("created_at", Stamp, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "work_orders",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("booth_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=100), nullable=False),
        sa.Column("summary", sa.String(length=300), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("occurrences", sa.Integer(), nullable=False),
        sa.Column("maintainer_id", sa.String(length=32), nullable=True),
        sa.Column("detected_at", Stamp, nullable=False),
        sa.Column("alerted_at", Stamp, nullable=False),
        sa.Column("last_seen_at", Stamp, nullable=False),
        sa.Column("dispatched_at", Stamp, nullable=True),
        sa.Column("handling_at", Stamp, nullable=True),
        sa.Column("closed_at", Stamp, nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_work_orders_open", "work_orders", ["booth_id", "kind", "stage"])
    op.create_index("ix_work_orders_stage", "work_orders", ["stage"])


def downgrade() -> None:
    op.drop_table("work_orders")
    op.drop_table("maintainers")
    op.drop_table("booth_health")
