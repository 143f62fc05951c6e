"""Alembic environment of the hub: runs on the connection handed over by kiosk.hub.db."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from kiosk.hub.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # the alembic command line (autogenerate during development)
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "sqlite://")
    with engine.connect() as conn:
        context.configure(connection=conn, target_metadata=Base.metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
else:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
