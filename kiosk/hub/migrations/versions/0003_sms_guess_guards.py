"""SMS login: wrong guesses per phone, kept across resends and restarts

Revision ID: 0003_sms_guards
Revises: 0002_fleet
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_sms_guards"
down_revision = "0002_fleet"
branch_labels = None
depends_on = None

Stamp = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "sms_guess_guards",
        sa.Column("phone_key", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_started_at", Stamp, nullable=False),
        sa.Column("locked_until", Stamp, nullable=True),
        sa.PrimaryKeyConstraint("phone_key"),
    )


def downgrade() -> None:
    op.drop_table("sms_guess_guards")
