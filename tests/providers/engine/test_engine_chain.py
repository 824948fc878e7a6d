"""The engine against the emulator: batching, fallback, pauses and bad keys."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from decimal import Decimal

from engine_support import (
    Recorder,
    RunningClock,
    import_35,
    make_engine,
    refresh,
    requests_to,
)

from domain.events import JobWaitingForQuota, ProviderDisabled, ProviderPaused
from domain.quotes import Quote
from providers.emulator import Emulator, Fault, FaultAction
from providers.setup import close_engine
from storage.backend import StoreBackend
from storage.store import Store

MUTUAL_FUNDS = {"FCNTX", "FMAGX", "FXNAX", "VTIAX"}


async def test_healthy_providers_use_one_fmp_batch(
    store: Store, emulator: Emulator, clock: RunningClock
) -> None:
    prices = await import_35(store)
    engine = make_engine(
        store,
        emulator,
        clock,
        fmp=("demo-fmp-starter", "starter"),
        polygon=("demo-polygon", "free"),
    )
    result = await refresh(engine, prices, Recorder())
    await close_engine(engine)
    assert result.by_source == {"fmp": 35}
    assert len(requests_to(emulator, "fmp")) <= 2
    assert requests_to(emulator, "polygon") == []


async def test_rejected_fmp_key_costs_one_request(
    store: Store, emulator: Emulator, clock: RunningClock
) -> None:
    prices = await import_35(store)
    engine = make_engine(
        store,
        emulator,
        clock,
        fmp=("not-a-real-key", "starter"),
        polygon=("demo-polygon", "free"),
    )
    recorder = Recorder()
    result = await refresh(engine, prices, recorder)
    await close_engine(engine)
    fmp = requests_to(emulator, "fmp")
    assert len(fmp) == 1
    assert fmp[0].status == 401
    assert len(requests_to(emulator, "polygon")) <= 2
    # Polygon's stock endpoints carry no mutual funds, so those four fall back
    # to the price in the file.
    assert result.by_source == {"polygon": 31, "user": 4}
    assert set(result.unresolved) == MUTUAL_FUNDS
    # FMP might quote the funds once its key works, so they stay retryable.
    assert result.unquoted == ()
    disabled = recorder.of(ProviderDisabled)
    assert [e.provider for e in disabled] == ["fmp"]
    assert "FMP_API_KEY" in disabled[0].reason


async def test_polygon_429_pauses_every_request(
    store: Store, emulator: Emulator, clock: RunningClock
) -> None:
    prices = await import_35(store)
    emulator.script(
        Fault(FaultAction.STATUS, provider="polygon", status=429, retry_after="3")
    )
    engine = make_engine(store, emulator, clock, polygon=("demo-polygon", "free"))
    recorder = Recorder()
    result = await refresh(engine, prices, recorder)
    await close_engine(engine)
    polygon = requests_to(emulator, "polygon")
    assert polygon[0].status == 429
    later = [r.monotonic - polygon[0].monotonic for r in polygon[1:]]
    assert later
    assert min(later) >= 3.0
    assert result.by_source["polygon"] == 31
    assert recorder.of(ProviderPaused)
    assert recorder.of(JobWaitingForQuota)


async def test_plan_403_moves_to_grouped_daily(
    store: Store, emulator: Emulator, clock: RunningClock
) -> None:
    prices = await import_35(store)
    emulator.script(
        Fault(
            FaultAction.STATUS,
            provider="polygon",
            endpoint="snapshot",
            status=403,
            times=None,
        )
    )
    engine = make_engine(
        store, emulator, clock, polygon=("demo-polygon-starter", "starter")
    )
    recorder = Recorder()
    result = await refresh(engine, prices, recorder)
    await close_engine(engine)
    endpoints = [r.endpoint for r in requests_to(emulator, "polygon")]
    assert endpoints == ["snapshot", "grouped"]
    assert result.by_source["polygon"] == 31
    assert [e.endpoint for e in recorder.of(ProviderDisabled)] == ["snapshot"]


async def test_fmp_limit_reach_parks_fmp(
    store: Store, emulator: Emulator, clock: RunningClock
) -> None:
    prices = await import_35(store)
    emulator.script(Fault(FaultAction.ERROR_IN_200, provider="fmp", times=None))
    engine = make_engine(
        store,
        emulator,
        clock,
        fmp=("demo-fmp-starter", "starter"),
        polygon=("demo-polygon", "free"),
    )
    recorder = Recorder()
    result = await refresh(engine, prices, recorder)
    await close_engine(engine)
    assert len(requests_to(emulator, "fmp")) == 1
    assert result.by_source["polygon"] == 31
    async with store.sessions() as session:
        from storage.market import list_errors

        errors = await list_errors(session, provider="fmp")
    assert [e.kind for e in errors] == ["quota_exhausted"]
    assert errors[0].count == 1


async def test_grouped_daily_without_funds_asks_once(
    store: Store, emulator: Emulator, clock: RunningClock
) -> None:
    # The session's grouped bars are published but carry none of the funds,
    # which must not send the engine back to the session before.
    prices = {symbol: Decimal("10") for symbol in sorted(MUTUAL_FUNDS)}
    engine = make_engine(store, emulator, clock, polygon=("demo-polygon", "free"))
    result = await refresh(engine, prices, Recorder())
    await close_engine(engine)
    polygon = requests_to(emulator, "polygon")
    assert len(polygon) == 1
    assert result.by_source == {"user": 4}
    assert set(result.unquoted) == MUTUAL_FUNDS


async def test_free_plans_leave_funds_unquoted(
    store: Store, emulator: Emulator, clock: RunningClock
) -> None:
    """Funds that neither free plan quotes are not worth asking for again."""
    prices = await import_35(store)
    engine = make_engine(
        store,
        emulator,
        clock,
        fmp=("demo-fmp", "free"),
        polygon=("demo-polygon", "free"),
    )
    result = await refresh(engine, prices, Recorder())
    await close_engine(engine)
    assert set(result.unresolved) == MUTUAL_FUNDS
    assert set(result.unquoted) == MUTUAL_FUNDS


async def test_overlapping_refreshes_share_request(
    store: Store, emulator: Emulator, clock: RunningClock
) -> None:
    engine = make_engine(store, emulator, clock, polygon=("demo-polygon", "free"))
    prices: dict[str, Decimal | None] = {"AAPL": None, "MSFT": None}
    first, second = await asyncio.gather(
        refresh(engine, prices, Recorder()), refresh(engine, prices, Recorder())
    )
    await close_engine(engine)
    assert len(requests_to(emulator, "polygon")) == 1
    assert first.by_source == {"polygon": 2}
    assert second.by_source == {"polygon": 2}


class LateSecondRead(StoreBackend):
    """The real store, whose second cache read returns only after the first
    refresh has received its response."""

    def __init__(self, store: Store, emulator: Emulator) -> None:
        super().__init__(store)
        self.emulator = emulator
        self.reads = 0

    async def latest_quotes(self, symbols: Sequence[str]) -> dict[str, Quote]:
        self.reads += 1
        quotes = await super().latest_quotes(symbols)
        if self.reads == 2:
            deadline = time.monotonic() + 10
            while not requests_to(self.emulator, "polygon"):
                assert time.monotonic() < deadline, "the first refresh sent nothing"
                await asyncio.sleep(0.01)
            await asyncio.sleep(0.3)
        return quotes


async def test_refresh_reading_the_cache_late_shares_request(
    store: Store, emulator: Emulator, clock: RunningClock
) -> None:
    """A cache read that ends after the other refresh's response sends nothing."""
    engine = make_engine(
        store,
        emulator,
        clock,
        polygon=("demo-polygon", "free"),
        backend=LateSecondRead(store, emulator),
    )
    prices: dict[str, Decimal | None] = {"AAPL": None, "MSFT": None}
    first, second = await asyncio.gather(
        refresh(engine, prices, Recorder()), refresh(engine, prices, Recorder())
    )
    await close_engine(engine)
    assert len(requests_to(emulator, "polygon")) == 1
    assert first.by_source == {"polygon": 2}
    assert second.by_source == {"polygon": 2}
