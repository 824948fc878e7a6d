"""Target and position upserts, one transaction per import, and concurrent writers."""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError

from domain.models import Position, PositionType, TargetPrice
from storage.importer import write_import
from storage.portfolios import delete_target, list_portfolios, list_targets
from storage.store import Store

D = Decimal


def zm(target_eoy: str = "96.62") -> TargetPrice:
    return TargetPrice(
        "ZM", PositionType.LONG, D(target_eoy), D("111.12"), D("65.00"), D("80.00")
    )


async def test_import_creates_portfolio_and_rows(store: Store) -> None:
    written = await write_import(store, "real", [zm()], [])
    assert written.targets.inserted == 1
    async with store.sessions() as session:
        portfolios = await list_portfolios(session)
    assert [(p.name, p.targets) for p in portfolios] == [("real", 1)]


async def test_second_import_changes_nothing(store: Store) -> None:
    await write_import(store, "real", [zm()], [])
    again = await write_import(store, "real", [zm()], [])
    assert again.targets.written == 0
    assert again.targets.unchanged == 1


async def test_changed_target_is_updated_in_place(store: Store) -> None:
    await write_import(store, "real", [zm()], [])
    again = await write_import(store, "real", [zm("100")], [])
    assert again.targets.updated == 1
    async with store.sessions() as session:
        stored = await list_targets(session, "real")
    assert stored[0].target.target_eoy == D("100")


async def test_decimals_round_trip_exactly(store: Store, db_path: Path) -> None:
    target = TargetPrice(
        "X", PositionType.LONG, D("0.1"), None, D("1234567.891234"), None
    )
    await write_import(store, "p", [target], [])
    async with store.sessions() as session:
        stored = (await list_targets(session, "p"))[0].target
    assert stored == target
    raw = (
        sqlite3.connect(db_path)
        .execute("select target_eoy from target_prices")
        .fetchone()
    )
    assert raw == ("0.1",)


async def test_long_and_short_of_one_symbol_coexist(store: Store) -> None:
    short = TargetPrice("ZM", PositionType.SHORT, D("70"), None, D("90"), D("80"))
    await write_import(store, "real", [zm(), short], [])
    async with store.sessions() as session:
        stored = await list_targets(session, "real")
    assert len(stored) == 2


async def test_failed_import_writes_nothing(store: Store) -> None:
    bad = Position("AAPL", PositionType.LONG, D(1), D(1), dt.date(2024, 1, 1))
    duplicate = [bad, bad]  # Same key twice violates the unique constraint.
    with pytest.raises(IntegrityError):
        await write_import(store, "real", [zm()], duplicate)
    async with store.sessions() as session:
        assert await list_portfolios(session) == []


async def test_delete_target_removes_one_row(store: Store) -> None:
    await write_import(store, "real", [zm()], [])
    async with store.sessions.begin() as session:
        assert await delete_target(session, "real", "ZM", PositionType.LONG)
    async with store.sessions() as session:
        assert await list_targets(session, "real") == []


async def test_second_writer_waits_for_lock(db_url: str, db_path: Path) -> None:
    first = await Store.open(db_url)
    second = await Store.open(db_url)
    try:
        blocker = sqlite3.connect(db_path, timeout=0)
        blocker.execute("begin immediate")
        task = asyncio.create_task(write_import(second, "real", [zm()], []))
        await asyncio.sleep(0.5)
        assert not task.done()
        blocker.rollback()
        blocker.close()
        written = await asyncio.wait_for(task, timeout=10)
        assert written.targets.inserted == 1
    finally:
        await first.close()
        await second.close()
