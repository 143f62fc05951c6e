"""Personal data at rest: encrypt the personal columns, add blind indexes and purge marks

Revision ID: 0005_at_rest
Revises: 0004_operator_scope

Every column in kiosk.hub.data_keys.ENCRYPTED_COLUMNS becomes text (binary for images)
holding ciphertext under the hub's current data key; the rows already there are encrypted
in place. Phones get a blind index column for the SMS login's lookup; ``sms_codes`` is keyed
by that index instead of the number (its rows live ten minutes: pending codes are dropped,
the citizen asks for another). Stored inbox links lose their login token (the inbox is
read by a citizen who is logged in already). ``cases.purged_at`` marks the cases whose
personal data the retention job blanked.

On SQLite the column types are left as they are: SQLite enforces neither lengths nor JSON,
and rebuilding the tables would only copy them. PostgreSQL gets TEXT, whose length is
unbounded, as ciphertext is longer than the value.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op

from kiosk.hub.data_keys import keys_of

revision = "0005_at_rest"
down_revision = "0004_operator_scope"
branch_labels = None
depends_on = None

Stamp = sa.DateTime(timezone=True)

# kiosk.hub.data_keys.ENCRYPTED_COLUMNS and BLIND_INDEXES as of this revision (a later
# revision that encrypts more columns does so itself).
ENCRYPTED_COLUMNS: tuple[tuple[str, tuple[str, ...], str, str], ...] = (
    ("cases", ("id",), "citizen_name", "text"),
    ("cases", ("id",), "citizen_id_number", "text"),
    ("cases", ("id",), "citizen_phone", "text"),
    ("cases", ("id",), "form", "json"),
    ("materials", ("id",), "image", "bytes"),
    ("materials", ("id",), "ocr_fields", "json"),
    ("appointments", ("id",), "name", "text"),
    ("appointments", ("id",), "phone", "text"),
    ("notifications", ("id",), "text", "text"),
    ("notifications", ("id",), "link", "text"),
    ("certificates", ("id",), "pdf", "bytes"),
    ("idempotency", ("scope", "key"), "body", "bytes"),
)
BLIND_INDEXES = (
    ("cases", "citizen_phone_index", "citizen_phone"),
    ("appointments", "phone_index", "phone"),
)


def upgrade() -> None:
    bind = op.get_bind()
    keys = keys_of(bind.dialect)  # no keys: stop before anything changes
    postgres = bind.dialect.name == "postgresql"
    with op.batch_alter_table("cases") as batch:
        batch.add_column(
            sa.Column("citizen_phone_index", sa.String(40), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("purged_at", Stamp, nullable=True))
        batch.create_index("ix_cases_citizen_phone_index", ["citizen_phone_index"])
    with op.batch_alter_table("appointments") as batch:
        batch.add_column(sa.Column("phone_index", sa.String(40), nullable=False, server_default=""))
        batch.create_index("ix_appointments_phone_index", ["phone_index"])
    op.drop_table("sms_codes")
    op.create_table(
        "sms_codes",
        sa.Column("phone_index", sa.String(length=40), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("citizen_ref", sa.String(length=32), nullable=False),
        sa.Column("expires_at", Stamp, nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("phone_index"),
    )
    if postgres:
        for table, _primary, column, kind in ENCRYPTED_COLUMNS:
            if kind != "bytes":
                op.alter_column(table, column, type_=sa.Text(), postgresql_using=f"{column}::text")

    for table, primary, column, kind in ENCRYPTED_COLUMNS:
        t = sa.table(
            table,
            *(sa.column(p) for p in primary),
            sa.column(column, sa.LargeBinary() if kind == "bytes" else sa.Text()),
        )
        purpose = f"{table}.{column}"
        for row in bind.execute(sa.select(*(t.c[p] for p in primary), t.c[column])).all():
            plain = row[-1]
            if plain is None:
                continue
            if kind == "bytes":
                stored: str | bytes = keys.encrypt_bytes(bytes(plain), purpose)
            else:
                text = str(plain)
                if purpose == "notifications.link":
                    text = re.sub(r"#t=.*$", "", text)  # no login token kept in the inbox
                stored = keys.encrypt_text(text, purpose)
            where = [t.c[p] == row[i] for i, p in enumerate(primary)]
            bind.execute(sa.update(t).where(*where).values({column: stored}))

    for table, index_column, source in BLIND_INDEXES:
        t = sa.table(table, sa.column("id"), sa.column(index_column), sa.column(source))
        for row_id, stored in bind.execute(sa.select(t.c.id, t.c[source])).all():
            phone = keys.decrypt_text(str(stored), f"{table}.{source}") if stored else ""
            if phone:
                bind.execute(
                    sa.update(t)
                    .where(t.c.id == row_id)
                    .values({index_column: keys.blind_index(phone)})
                )


def downgrade() -> None:
    raise NotImplementedError(
        "personal data stays encrypted: restore the backup taken before upgrading"
    )
