"""Alembic environment: runs on the connection the caller put in the config."""

from __future__ import annotations

from alembic import context

from storage.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError(
        "targetdesk migrations run through storage.migrate, which passes a "
        "connection; run `targetdesk db upgrade` instead of the alembic command"
    )
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
)
with context.begin_transaction():
    context.run_migrations()
