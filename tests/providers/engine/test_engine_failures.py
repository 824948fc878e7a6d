"""The engine when providers fail: cache fallback, grouped errors, quotas, sharing."""

from __future__ import annotations

import asyncio
import datetime as dt
from decimal import Decimal

from engine_support import (
    Recorder,
    RunningClock,
    import_35,
    make_engine,
    refresh,
    requests_to,
)

from domain.calendar import NEW_YORK
from domain.quotes import Quote
from providers.emulator import Emulator, Fault, FaultAction
from providers.failures import STOP_AFTER_FAILURES
from providers.limiter import quota_day
from providers.setup import close_engine
from storage.backend import StoreBackend
from storage.market import list_errors
from storage.store import Store


def cached(symbol: str, day: str, price: str) -> Quote:
    session = dt.date.fromisoformat(day)
    as_of = dt.datetime.combine(session, dt.time(16), NEW_YORK)
    return Quote(symbol, Decimal(price), session, as_of, "polygon", as_of)


async def test_gateway_errors_fall_back_to_cache_then_user(
    store: Store, emulator: Emulator, clock: RunningClock
) -> None:
    prices = await import_35(store)
    for provider in ("fmp", "polygon"):
        emulator.script(
            Fault(FaultAction.HTML_ERROR, provider=provider, status=504, times=None)
        )
    # Latest session is Wed 2024-05-29: Fri 05-24 is 2 sessions old, 05-20 is 6.
    await StoreBackend(store).save_quotes(
        [cached("AAPL", "2024-05-24", "190.10"), cached("MSFT", "2024-05-20", "420.00")]
    )
    engine = make_engine(
        store,
        emulator,
        clock,
        fmp=("demo-fmp-starter", "starter"),
        polygon=("demo-polygon-starter", "starter"),
    )
    result = await refresh(engine, prices, Recorder())
    await close_engine(engine)
    aapl = result.resolved["AAPL"]
    assert aapl.source is not None
    assert aapl.source.value == "stale_cache"
    assert aapl.age_sessions == 2
    assert result.resolved["MSFT"].source is not None
    assert result.resolved["MSFT"].source.value == "user"
    assert result.by_source == {"stale_cache": 1, "user": 34}
    async with store.sessions() as session:
        errors = await list_errors(session)
    assert sorted(e.provider for e in errors) == ["fmp", "polygon"]
    assert all(e.kind == "transient" for e in errors)
    assert all("HTTP 504" in e.message for e in errors)
    assert all("text/html" in e.message for e in errors)
    # Each provider's one job fails three times in a row, after which the run
    # stops asking that provider, one attempt short of the retry limit.
    assert {e.count for e in errors} == {STOP_AFTER_FAILURES}


async def test_daily_quota_survives_restart(
    store: Store, emulator: Emulator, clock: RunningClock
) -> None:
    prices = await import_35(store)
    backend = StoreBackend(store)
    await backend.add_usage("fmp", quota_day(clock()), 250)
    engine = make_engine(
        store,
        emulator,
        clock,
        fmp=("demo-fmp", "free"),
        polygon=("demo-polygon", "free"),
        order=("fmp", "polygon"),
    )
    result = await refresh(engine, prices, Recorder())
    await close_engine(engine)
    assert requests_to(emulator, "fmp") == []
    assert result.by_source["polygon"] == 31


async def test_unknown_symbol_not_asked_twice(
    store: Store, emulator: Emulator, clock: RunningClock
) -> None:
    engine = make_engine(store, emulator, clock, fmp=("demo-fmp-starter", "starter"))
    prices: dict[str, Decimal | None] = {"AAPL": None, "QQQQZ": Decimal("5")}
    first = await refresh(engine, prices, Recorder())
    second = await refresh(engine, {"QQQQZ": Decimal("5")}, Recorder())
    await close_engine(engine)
    assert first.resolved["QQQQZ"].source is not None
    assert first.resolved["QQQQZ"].source.value == "user"
    assert second.resolved["QQQQZ"].source is not None
    assert len(requests_to(emulator, "fmp")) == 1


async def test_overlapping_refreshes_share_requests(
    store: Store, emulator: Emulator, clock: RunningClock
) -> None:
    emulator.script(Fault(FaultAction.SLOW, provider="fmp", delay=0.5))
    engine = make_engine(store, emulator, clock, fmp=("demo-fmp-starter", "starter"))
    prices: dict[str, Decimal | None] = {"AAPL": None, "MSFT": None}
    first, second = await asyncio.gather(
        refresh(engine, prices, Recorder()), refresh(engine, prices, Recorder())
    )
    await close_engine(engine)
    assert len(requests_to(emulator, "fmp")) == 1
    assert first.by_source == {"fmp": 2}
    assert second.by_source == {"fmp": 2}


async def test_fresh_cache_skips_the_network(
    store: Store, emulator: Emulator, clock: RunningClock
) -> None:
    await StoreBackend(store).save_quotes([cached("AAPL", "2024-05-29", "191.00")])
    engine = make_engine(store, emulator, clock, fmp=("demo-fmp-starter", "starter"))
    result = await refresh(engine, {"AAPL": None}, Recorder())
    await close_engine(engine)
    assert result.by_source == {"fresh_cache": 1}
    assert emulator.requests() == []
