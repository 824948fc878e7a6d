"""Closing the store while a cancelled task still has a session open.

When the app quits, Textual cancels its workers without waiting for them, and
the caller closes the store at once. A worker cancelled in the middle of a
query still has its connection checked out. Each aiosqlite connection owns a
worker thread: if the connection is never closed, the thread waits for work
for good, and if its event loop closes first, the thread dies with "Event
loop is closed" when it posts the query's result.
"""

from __future__ import annotations

import asyncio
import threading

from sqlalchemy import text

from storage.store import Store


def connection_threads() -> set[threading.Thread]:
    """Return the live worker threads of aiosqlite connections."""
    return {
        thread
        for thread in threading.enumerate()
        if "_connection_worker_thread" in thread.name
    }


async def test_close_waits_for_open_session(db_url: str) -> None:
    before = connection_threads()
    store = await Store.open(db_url)
    inside = asyncio.Event()
    release = asyncio.Event()

    async def hold_session() -> None:
        async with store.sessions() as session:
            await session.execute(text("SELECT 1"))
            inside.set()
            await release.wait()
            await session.execute(text("SELECT 2"))

    holder = asyncio.create_task(hold_session())
    await inside.wait()
    closing = asyncio.create_task(store.close())
    await asyncio.sleep(0.05)
    assert not closing.done(), "close returned while a session was still in use"
    release.set()
    await asyncio.wait_for(closing, timeout=10)
    await holder
    assert store.engine.pool.checkedout() == 0  # type: ignore[attr-defined]
    for thread in connection_threads() - before:
        thread.join(timeout=5)
        assert not thread.is_alive(), "a connection's thread outlived close()"


async def test_close_stops_cancelled_query_thread(db_url: str) -> None:
    before = connection_threads()
    store = await Store.open(db_url)
    started = asyncio.Event()

    async def long_read() -> None:
        async with store.sessions() as session:
            started.set()
            # A recursive count keeps the connection's thread busy for a while.
            await session.execute(
                text(
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
                    " WHERE i < 3000000) SELECT count(*) FROM n"
                )
            )

    reader = asyncio.create_task(long_read())
    await started.wait()
    await asyncio.sleep(0.02)
    reader.cancel()
    await asyncio.wait_for(store.close(), timeout=30)
    assert store.engine.pool.checkedout() == 0  # type: ignore[attr-defined]
    for thread in connection_threads() - before:
        thread.join(timeout=30)
        assert not thread.is_alive(), "a connection's thread outlived close()"
