"""The main screen on the sample portfolio, with a fixed clock, for snapshots.

The database contains the sample portfolio, live and cached prices recorded
by an earlier refresh, and two error causes. `mid_refresh` scripts a
refresh that stops half-way, so the fetch queue has a job in every state.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from decimal import Decimal

from tui_helpers import NOW, SESSION, ScriptedRefresh, at, fixed_clock

from domain.events import (
    ErrorLogged,
    Event,
    JobFailed,
    JobQueued,
    JobStarted,
    JobSucceeded,
    JobWaitingForQuota,
    PriceResolved,
    ProviderPaused,
    QuotaUsed,
    RetryScheduled,
)
from domain.models import PriceSource, ResolvedPrice
from domain.quotes import Quote
from storage.db import create_engine
from storage.market import log_error, save_quotes
from storage.portfolios import record_resolutions
from storage.store import Store
from tui.app import TargetdeskApp
from tui.sample import load_demo_data
from tui.services import AppServices

STALE_SESSION = dt.date(2024, 6, 12)
"""Two sessions before SESSION."""

RECORDED = {
    "AAPL": ("212.49", "fmp", SESSION),
    "MSFT": ("442.57", "fmp", SESSION),
    "NVDA": ("131.88", "polygon", SESSION),
    "KO": ("63.11", "fmp", STALE_SESSION),
    "AMZN": ("183.66", "fmp", STALE_SESSION),
}
"""Prices an earlier refresh recorded: (price, source, session) by symbol."""


def _quote(symbol: str, price: str, source: str, session: dt.date) -> Quote:
    as_of = dt.datetime.combine(session, dt.time(20, 0), tzinfo=dt.UTC)
    return Quote(symbol, Decimal(price), session, as_of, source, as_of)


async def prepare_database(url: str) -> None:
    """Create the database behind `url` with the data the snapshots show."""
    store = await Store.open(url)
    try:
        await load_demo_data(store)
        quotes = [_quote(s, *values) for s, values in RECORDED.items()]
        async with store.sessions.begin() as session:
            await save_quotes(session, quotes)
            await record_resolutions(
                session,
                {
                    q.symbol: ResolvedPrice(
                        price=q.price,
                        source=PriceSource(q.source),
                        as_of=q.as_of,
                        session=q.session,
                    )
                    for q in quotes
                },
            )
            for symbol in ("FCNTX", "VFIAX"):
                await log_error(
                    session,
                    run_id="earlier",
                    provider="polygon",
                    kind="not_entitled",
                    message="Polygon plan has no mutual fund quotes: the user "
                    "price is shown",
                    symbols=[symbol],
                    at=at(-3600),
                )
    finally:
        await store.close()


def build_app(url: str, refresh: ScriptedRefresh | None = None) -> TargetdeskApp:
    """Build the app on a prepared database, with a fixed clock."""
    store = Store(create_engine(url), url)
    services = AppServices(
        refresh=refresh, demo_note="demo: emulator on 127.0.0.1:8765"
    )
    return TargetdeskApp(store, services=services, clock=fixed_clock)


def _price(symbol: str, value: str) -> PriceResolved:
    return PriceResolved(
        at=NOW,
        symbol=symbol,
        source="fmp",
        price=Decimal(value),
        session=SESSION,
        stale=False,
        age_sessions=0,
    )


def mid_refresh(hold: asyncio.Event) -> ScriptedRefresh:
    """Return a refresh that emits a job in every state and then waits for `hold`."""
    batch = ("AAPL", "ABBV", "ADBE", "AMZN", "AVGO", "BND", "BRK.B", "COST")
    events: list[Event | float | asyncio.Event] = [
        JobQueued(
            at=at(-6), job_id="b1", symbols=batch, provider="fmp", endpoint="quote"
        ),
        JobStarted(at=at(-5), job_id="b1", provider="fmp", endpoint="quote", attempt=1),
        JobSucceeded(at=at(-4), job_id="b1", provider="fmp", resolved=batch),
        _price("AAPL", "213.07"),
        _price("ABBV", "171.38"),
        QuotaUsed(
            at=at(-4),
            provider="fmp",
            used_today=12,
            daily_limit=250,
            used_this_minute=2,
            minute_limit=None,
        ),
        JobQueued(
            at=at(-4), job_id="j2", symbols=("FCNTX",), provider="fmp", endpoint="quote"
        ),
        JobFailed(
            at=at(-3),
            job_id="j2",
            provider="fmp",
            kind="not_entitled",
            message="FMP plan has no quote for FCNTX",
        ),
        PriceResolved(
            at=at(-3),
            symbol="FCNTX",
            source="user",
            price=Decimal("20.15"),
            session=None,
            stale=False,
            age_sessions=None,
        ),
        JobQueued(
            at=at(-3),
            job_id="j3",
            symbols=("NVDA",),
            provider="polygon",
            endpoint="prev",
        ),
        JobStarted(
            at=at(-3), job_id="j3", provider="polygon", endpoint="prev", attempt=1
        ),
        RetryScheduled(
            at=NOW, job_id="j3", provider="polygon", attempt=1, delay=4, cause="503"
        ),
        JobQueued(
            at=at(-2),
            job_id="j4",
            symbols=("TSLA",),
            provider="polygon",
            endpoint="prev",
        ),
        ProviderPaused(at=NOW, provider="polygon", until=at(38), cause="HTTP 429"),
        JobWaitingForQuota(at=NOW, job_id="j4", provider="polygon", until=at(38)),
        JobQueued(
            at=at(-2), job_id="j5", symbols=("MSFT",), provider="fmp", endpoint="quote"
        ),
        JobStarted(at=at(-2), job_id="j5", provider="fmp", endpoint="quote", attempt=1),
        JobQueued(
            at=at(-1), job_id="j6", symbols=("KO",), provider="fmp", endpoint="quote"
        ),
        ErrorLogged(
            at=at(-3),
            provider="fmp",
            kind="not_entitled",
            message="FMP plan has no quote for this fund: the user price is shown",
            symbols=("FCNTX",),
            count=1,
        ),
    ]
    return ScriptedRefresh(events, hold=hold)
