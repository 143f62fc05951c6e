"""Cases served for peer hubs (跨域通办): which peer asked for each, under which reference

Revision ID: 0007_fed_peer_cases
Revises: 0006_download_tickets
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_fed_peer_cases"
down_revision = "0006_download_tickets"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "fed_peer_cases",
        sa.Column("case_id", sa.String(length=32), nullable=False),
        sa.Column("origin_region", sa.String(length=6), nullable=False),
        sa.Column("origin_ref", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"]),
        sa.PrimaryKeyConstraint("case_id"),
        sa.UniqueConstraint("origin_region", "origin_ref"),
    )
    op.create_index("ix_fed_peer_cases_origin_region", "fed_peer_cases", ["origin_region"])


def downgrade() -> None:
    op.drop_index("ix_fed_peer_cases_origin_region", table_name="fed_peer_cases")
    op.drop_table("fed_peer_cases")
