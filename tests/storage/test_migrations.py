"""Schema migrations: applied from Python, from any directory, never downgraded."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from domain.errors import SchemaError
from storage.migrate import head_revision
from storage.store import Store


async def test_open_migrates_new_database(db_url: str, db_path: Path) -> None:
    store = await Store.open(db_url)
    try:
        assert await store.revision() == head_revision()
    finally:
        await store.close()
    tables = {
        row[0]
        for row in sqlite3.connect(db_path).execute(
            "select name from sqlite_master where type = 'table'"
        )
    }
    assert {"portfolios", "target_prices", "positions", "quotes", "error_log"} <= tables


async def test_sqlite_file_uses_wal(store: Store, db_path: Path) -> None:
    mode = sqlite3.connect(db_path).execute("pragma journal_mode").fetchone()[0]
    assert mode == "wal"


def test_cli_upgrade_works_from_another_directory(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    target = tmp_path / "data dir" / "t.db"
    command = [sys.executable, "-m", "tui.cli", "--db", str(target), "db", "upgrade"]
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": ""}
    result = subprocess.run(
        command, cwd=elsewhere, capture_output=True, text=True, env=env
    )
    assert result.returncode == 0, result.stderr
    current = subprocess.run(
        [sys.executable, "-m", "tui.cli", "--db", str(target), "db", "current"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        env=env,
    )
    assert current.stdout.strip() == head_revision()


async def test_newer_database_is_rejected_unchanged(db_url: str, db_path: Path) -> None:
    store = await Store.open(db_url)
    await store.close()
    with sqlite3.connect(db_path) as connection:
        connection.execute("update alembic_version set version_num = 'ffff9999'")
    before = db_path.read_bytes()
    with pytest.raises(SchemaError, match="newer targetdesk"):
        await Store.open(db_url)
    with sqlite3.connect(db_path) as connection:
        version = connection.execute(
            "select version_num from alembic_version"
        ).fetchone()
    assert version == ("ffff9999",)
    assert len(db_path.read_bytes()) == len(before)


def test_cli_reports_newer_database(db_path: Path, tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "tui.cli", "--db", str(db_path), "db", "upgrade"],
        check=True,
        capture_output=True,
    )
    with sqlite3.connect(db_path) as connection:
        connection.execute("update alembic_version set version_num = 'ffff9999'")
    result = subprocess.run(
        [sys.executable, "-m", "tui.cli", "--db", str(db_path), "targets"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "newer targetdesk" in result.stderr
    assert "Traceback" not in result.stderr


async def test_migrations_match_models(store: Store) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy.engine import Connection

    from storage.models import Base

    def differences(connection: Connection) -> list[object]:
        context = MigrationContext.configure(connection)
        return list(compare_metadata(context, Base.metadata))

    async with store.engine.connect() as connection:
        diff = await connection.run_sync(differences)
    assert diff == []


def test_head_constant_matches_scripts() -> None:
    from storage.store import HEAD_REVISION

    assert head_revision() == HEAD_REVISION
