"""Fixtures shared by every test: a migrated SQLite database in a temp dir."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage.store import Store

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep logs, config and keys of the developer's machine out of every test."""
    monkeypatch.setenv("TARGETDESK_LOG_DIR", str(tmp_path / "logs"))
    monkeypatch.setenv("TARGETDESK_CONFIG", str(tmp_path / "config.toml"))
    for name in (
        "TARGETDESK_DB",
        "FMP_API_KEY",
        "POLYGON_API_KEY",
        "FMP_BASE_URL",
        "POLYGON_BASE_URL",
        "TARGETDESK_PROVIDERS",
        "TARGETDESK_FMP_PLAN",
        "TARGETDESK_POLYGON_PLAN",
        "TARGETDESK_STALE_SESSIONS",
        "NO_COLOR",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Path of a SQLite file that does not exist yet."""
    return tmp_path / "targetdesk.sqlite3"


@pytest.fixture
def db_url(db_path: Path) -> str:
    """Async URL of `db_path`."""
    return f"sqlite+aiosqlite:///{db_path}"


@pytest.fixture
async def store(db_url: str) -> AsyncIterator[Store]:
    """A Store on a new, migrated SQLite file."""
    opened = await Store.open(db_url)
    try:
        yield opened
    finally:
        await opened.close()
