"""Download tickets: one-time links to a certificate's PDF or a material's image

Revision ID: 0006_download_tickets
Revises: 0005_at_rest
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_download_tickets"
down_revision = "0005_at_rest"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "download_tickets",
        sa.Column("ticket_hash", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("object_id", sa.String(length=64), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("ticket_hash"),
    )
    op.create_index("ix_download_tickets_expires_at", "download_tickets", ["expires_at"])
    op.create_index("ix_idempotency_created_at", "idempotency", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_idempotency_created_at", table_name="idempotency")
    op.drop_index("ix_download_tickets_expires_at", table_name="download_tickets")
    op.drop_table("download_tickets")
