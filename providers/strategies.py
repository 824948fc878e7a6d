"""Request strategies: the fewest requests a provider's plan allows for many symbols.

Each strategy turns a set of symbols into jobs, and each job is one request.
Bulk strategies (FMP batch quote, Polygon snapshots, Polygon grouped daily)
cost a request per chunk or per session. Per-symbol strategies cost one
request for every symbol.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from domain.calendar import last_completed_session, previous_session
from domain.quotes import Quote
from domain.symbols import Spelling, provider_symbol
from providers.fmp import FmpClient
from providers.plans import Endpoint, Plan
from providers.polygon import PolygonClient

ProviderClient = FmpClient | PolygonClient

GROUPED_SESSIONS_TRIED = 2
"""Sessions grouped daily walks back when the latest has no data published yet."""


@dataclass(frozen=True, slots=True)
class Job:
    """One request to a provider for some symbols."""

    job_id: str
    provider: str
    endpoint: str
    symbols: tuple[str, ...]
    call: Callable[[], Awaitable[dict[str, Quote]]]


@dataclass(frozen=True, slots=True)
class Strategy:
    """The endpoint a provider is asked through, and whether it is per symbol."""

    endpoint: str
    per_symbol: bool


def _chunks(symbols: Sequence[str], size: int) -> list[tuple[str, ...]]:
    size = max(1, size)
    return [tuple(symbols[i : i + size]) for i in range(0, len(symbols), size)]


def choose_strategy(plan: Plan, disabled: set[str]) -> Strategy | None:
    """Return the cheapest endpoint the plan includes and the run has not disabled."""
    if plan.provider == "fmp":
        options = [
            Strategy(Endpoint.FMP_BATCH_QUOTE, per_symbol=False),
            Strategy(Endpoint.FMP_QUOTE, per_symbol=True),
        ]
    else:
        options = [
            Strategy(Endpoint.POLYGON_SNAPSHOT, per_symbol=False),
            Strategy(Endpoint.POLYGON_GROUPED, per_symbol=False),
            Strategy(Endpoint.POLYGON_PREV, per_symbol=True),
        ]
    for option in options:
        if option.endpoint not in disabled and plan.allows(option.endpoint):
            return option
    return None


def eligible(plan: Plan, symbols: Sequence[str]) -> list[str]:
    """Keep the symbols the plan serves; others would only earn a 402."""
    spelling = Spelling.HYPHEN if plan.provider == "fmp" else Spelling.DOT
    return [s for s in symbols if plan.serves_symbol(provider_symbol(s, spelling))]


def build_jobs(
    strategy: Strategy,
    plan: Plan,
    client: ProviderClient,
    symbols: Sequence[str],
    now: dt.datetime,
    next_id: Callable[[], str],
) -> list[Job]:
    """Split `symbols` into the requests `strategy` needs."""
    provider = plan.provider
    endpoint = strategy.endpoint
    if isinstance(client, FmpClient):
        fmp = client
        if endpoint == Endpoint.FMP_BATCH_QUOTE:
            return [
                Job(
                    next_id(), provider, endpoint, chunk, _bound(fmp.batch_quote, chunk)
                )
                for chunk in _chunks(symbols, plan.max_batch)
            ]
        return [
            Job(next_id(), provider, endpoint, (s,), _single(fmp.quote, s))
            for s in symbols
        ]
    polygon = client
    if endpoint == Endpoint.POLYGON_SNAPSHOT:
        return [
            Job(next_id(), provider, endpoint, chunk, _bound(polygon.snapshot, chunk))
            for chunk in _chunks(symbols, plan.max_batch)
        ]
    if endpoint == Endpoint.POLYGON_GROUPED:
        wanted = tuple(symbols)
        return [
            Job(next_id(), provider, endpoint, wanted, _grouped(polygon, wanted, now))
        ]
    return [
        Job(next_id(), provider, endpoint, (s,), _single(polygon.previous_close, s))
        for s in symbols
    ]


def _bound(
    method: Callable[[tuple[str, ...]], Awaitable[dict[str, Quote]]],
    chunk: tuple[str, ...],
) -> Callable[[], Awaitable[dict[str, Quote]]]:
    async def call() -> dict[str, Quote]:
        return await method(chunk)

    return call


def _single(
    method: Callable[[str], Awaitable[Quote | None]], symbol: str
) -> Callable[[], Awaitable[dict[str, Quote]]]:
    async def call() -> dict[str, Quote]:
        quote = await method(symbol)
        return {} if quote is None else {symbol: quote}

    return call


def _grouped(
    client: PolygonClient, symbols: tuple[str, ...], now: dt.datetime
) -> Callable[[], Awaitable[dict[str, Quote]]]:
    """Ask for the latest completed session, then the one before if it is empty.

    Polygon publishes a session's grouped bars some time after the close, so
    right after 16:00 New York time the latest session can still be empty.
    """

    async def call() -> dict[str, Quote]:
        day = last_completed_session(now)
        for _ in range(GROUPED_SESSIONS_TRIED):
            quotes = await client.grouped_closes(day, symbols)
            if quotes is not None:
                return quotes
            day = previous_session(day)
        return {}

    return call
