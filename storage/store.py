"""The Store: one engine, migrated on open, and the queries every layer needs."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from storage.db import create_engine, session_factory

HEAD_REVISION = "0002"
"""Newest migration; a database already there opens without loading alembic."""


def describe_url(url: str) -> str:
    """Return a URL fit for messages: the file path for SQLite, else no password."""
    parsed = make_url(url)
    if parsed.drivername.startswith("sqlite"):
        return parsed.database or ":memory:"
    return parsed.render_as_string(hide_password=True)


class Store:
    """Owns the engine and session factory for one database.

    Use `await Store.open(url)`, which applies pending migrations and rejects
    a database written by a newer version before anything else touches it.
    """

    def __init__(self, engine: AsyncEngine, url: str) -> None:
        self.engine = engine
        self.url = url
        self.where = describe_url(url)
        self.sessions: async_sessionmaker[AsyncSession] = session_factory(engine)

    @classmethod
    async def open(cls, url: str, *, upgrade: bool = True) -> Store:
        """Connect to `url` and, unless `upgrade` is False, migrate it to head."""
        store = cls(create_engine(url), url)
        try:
            if upgrade and await store._stored_revision() == HEAD_REVISION:
                return store
            # Alembic is imported only when there is something to check or
            # apply, because loading it and its scripts slows every start.
            from storage import migrate

            if upgrade:
                await migrate.upgrade(store.engine, store.where)
            else:
                await migrate.current_revision(store.engine, store.where)
        except BaseException:
            await store.engine.dispose()
            raise
        return store

    async def _stored_revision(self) -> str | None:
        """Read the schema revision with plain SQL; None if there is none."""
        try:
            async with self.engine.connect() as connection:
                result = await connection.execute(
                    text("SELECT version_num FROM alembic_version")
                )
                rows = result.scalars().all()
        except DBAPIError:
            return None
        return rows[0] if len(rows) == 1 else None

    async def close(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()

    async def __aenter__(self) -> Store:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    async def revision(self) -> str | None:
        """Return the schema revision of the database."""
        from storage import migrate

        return await migrate.current_revision(self.engine, self.where)
