"""Operators as their own role with a booth scope; certificates' signed facts and revocation

Revision ID: 0004_operator_scope
Revises: 0003_sms_guards
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_operator_scope"
down_revision = "0003_sms_guards"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("clerks") as batch:
        batch.add_column(
            sa.Column("operator_scope", sa.String(length=500), nullable=False, server_default="")
        )
    with op.batch_alter_table("certificates") as batch:
        for name, length in (
            ("holder_name", 200),
            ("holder_id", 32),
            ("service_name", 200),
            ("pdf_sha256", 64),
            ("revoked_reason", 300),
        ):
            batch.add_column(
                sa.Column(name, sa.String(length=length), nullable=False, server_default="")
            )
        batch.add_column(sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("revoked_by", sa.String(length=32), nullable=True))
    # Administrators (who register booths anyway) keep the fleet, so an upgrade leaves
    # someone able to open /ops; supervisors lose it unless an administrator grants it.
    op.execute(
        "UPDATE clerks SET roles = roles || ',operator', operator_scope = '*' "
        "WHERE roles LIKE '%admin%' AND roles NOT LIKE '%operator%'"
    )


def downgrade() -> None:
    with op.batch_alter_table("certificates") as batch:
        for name in (
            "holder_name",
            "holder_id",
            "service_name",
            "pdf_sha256",
            "revoked_reason",
            "revoked_at",
            "revoked_by",
        ):
            batch.drop_column(name)
    with op.batch_alter_table("clerks") as batch:
        batch.drop_column("operator_scope")
