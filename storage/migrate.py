"""Schema migrations applied from Python, with no alembic.ini or executable.

The migration scripts ship inside the `storage` package, so they are found
from any working directory and on any platform.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.errors import SchemaError

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(connection: Connection | None = None) -> Config:
    """Build an alembic Config pointing at the packaged migration scripts."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """Return the newest revision this version of targetdesk contains."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError(f"no migration scripts found in {MIGRATIONS_DIR}")
    return head


def _current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def _check_known(connection: Connection, where: str) -> str | None:
    revision = _current(connection)
    if revision is None:
        return None
    scripts = ScriptDirectory.from_config(alembic_config())
    try:
        known = scripts.get_revision(revision) is not None
    except CommandError:
        known = False
    if not known:
        raise SchemaError(
            "Database is newer than this targetdesk",
            f"{where} is at schema revision {revision}, which this version does "
            "not know; it was written by a newer targetdesk. Upgrade targetdesk, "
            "or point --db at another database. Nothing was changed.",
        )
    return revision


def _upgrade(connection: Connection, where: str) -> None:
    _check_known(connection, where)
    command.upgrade(alembic_config(connection), "head")


async def upgrade(engine: AsyncEngine, where: str) -> None:
    """Apply every pending migration; reject a database from a newer version.

    Args:
        engine: The engine to migrate.
        where: How to name the database in messages (a path or a redacted URL).

    Raises:
        SchemaError: if the database is at a revision this version lacks.
    """
    async with engine.begin() as connection:
        await connection.run_sync(_upgrade, where)


async def current_revision(engine: AsyncEngine, where: str) -> str | None:
    """Return the database's revision, or None for a database never migrated."""
    async with engine.connect() as connection:
        return await connection.run_sync(_check_known, where)
