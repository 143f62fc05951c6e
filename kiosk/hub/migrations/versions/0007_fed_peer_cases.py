"""Cross-region cases (跨域通办): cases served for peer hubs, and cases forwarded to them

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
    op.create_table(
        "fed_forwarded_cases",
        sa.Column("ref", sa.String(length=32), nullable=False),
        sa.Column("region", sa.String(length=6), nullable=False),
        sa.Column("service_code", sa.String(length=100), nullable=False),
        sa.Column("booth_id", sa.String(length=64), nullable=False),
        sa.Column("citizen", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("remote_case_id", sa.String(length=32), nullable=True),
        sa.Column("refusal", sa.String(length=64), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("ref"),
    )
    op.create_index("ix_fed_forwarded_cases_booth_id", "fed_forwarded_cases", ["booth_id"])
    op.create_index("ix_fed_forwarded_cases_status", "fed_forwarded_cases", ["status"])


def downgrade() -> None:
    op.drop_index("ix_fed_forwarded_cases_status", table_name="fed_forwarded_cases")
    op.drop_index("ix_fed_forwarded_cases_booth_id", table_name="fed_forwarded_cases")
    op.drop_table("fed_forwarded_cases")
    op.drop_index("ix_fed_peer_cases_origin_region", table_name="fed_peer_cases")
    op.drop_table("fed_peer_cases")
