"""The Store: one engine, migrated on open, and the queries every layer needs."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from types import TracebackType

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from storage.db import create_engine, session_factory

HEAD_REVISION = "0002"
"""Newest migration; a database already there opens without loading alembic."""

CLOSE_WAIT_SECONDS = 15.0
"""Maximum wait in `Store.close` for sessions still in use.

Longer than the busy timeout, so a write waiting for another process's lock
can finish its rollback first."""

log = logging.getLogger(__name__)


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
        self._checked_in = asyncio.Event()
        event.listen(engine.sync_engine, "checkin", self._on_checkin)

    def _on_checkin(self, *_: object) -> None:
        """Wake `close`, which waits for connections still in use."""
        self._checked_in.set()

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
        """Wait for sessions still in use, then close every pooled connection.

        A task cancelled during a query (a worker of an app that is quitting)
        returns its connection only after its rollback has run. Disposing the
        engine first would leave that connection open, with its thread waiting
        for work. The wait ends after at most CLOSE_WAIT_SECONDS.
        """
        checked_out = getattr(self.engine.pool, "checkedout", None)
        deadline = time.monotonic() + CLOSE_WAIT_SECONDS
        while checked_out is not None and checked_out() > 0:
            self._checked_in.clear()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                log.warning(
                    "closing %s with %d connection(s) still in use",
                    self.where,
                    checked_out(),
                )
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._checked_in.wait(), remaining)
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
