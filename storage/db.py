"""Database location, engine creation and SQLite connection settings."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from storage.paths import DB_ENV, default_database_path

BUSY_TIMEOUT_MS = 10_000
"""How long a connection waits for another writer's lock before failing."""


def resolve_database_url(option: str | None) -> str:
    """Turn `--db`, then TARGETDESK_DB, then the default into an async URL.

    A value without `://` is a file path and becomes an aiosqlite URL, so
    `--db ./mine.db` and Windows paths such as `C:\\data\\t.db` both work.
    """
    value = option or os.environ.get(DB_ENV) or str(default_database_path())
    if "://" in value:
        url = make_url(value)
        if url.drivername == "sqlite":
            url = url.set(drivername="sqlite+aiosqlite")
        return url.render_as_string(hide_password=False)
    path = Path(value).expanduser().resolve()
    return f"sqlite+aiosqlite:///{path.as_posix()}"


def sqlite_path(url: str) -> Path | None:
    """Return the file behind a SQLite URL, or None for memory and other servers."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite") or not parsed.database:
        return None
    if parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def create_engine(url: str) -> AsyncEngine:
    """Create an async engine; SQLite files get WAL mode and a busy timeout.

    WAL lets a second targetdesk read while the first writes, and the busy
    timeout makes a second writer wait for the lock instead of failing.
    """
    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(
            url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000}
        )
    else:
        engine = create_async_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine.sync_engine, "connect", _configure_sqlite)
    return engine


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Return the one session factory an engine is used through."""
    return async_sessionmaker(engine, expire_on_commit=False)
