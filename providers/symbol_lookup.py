"""Reference data for checking imported symbols, in as few requests as possible.

One Polygon grouped-daily request lists every US stock that traded in the
latest session, with its close, which settles "is it known and active" and
"is its price near the file's" for most symbols at once. Only the symbols
missing from it cost a request each: ticker details (inactive or unknown?)
and a search for what the user may have meant.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial

from domain.calendar import last_completed_session, previous_session
from domain.errors import ProviderError
from domain.quotes import Quote, TickerInfo
from providers.engine import Engine
from providers.plans import Endpoint
from providers.polygon import PolygonClient

log = logging.getLogger(__name__)

SEARCH_RESULTS = 10
"""Search results asked for per missing symbol, as suggestion candidates."""


@dataclass
class ReferenceData:
    """Reference data the symbol checks use, gathered from a provider."""

    reference: dict[str, TickerInfo | None] = field(default_factory=dict)
    """Looked-up symbols; None means the provider does not know the symbol."""
    live_prices: dict[str, Decimal] = field(default_factory=dict)
    universe: list[str] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)
    quotes: list[Quote] = field(default_factory=list)
    """Quotes of the checked symbols, worth caching."""
    error: str | None = None
    """Reason the lookup stopped early, if it did."""


def _polygon(engine: Engine) -> PolygonClient | None:
    for slot in engine.slots:
        if isinstance(slot.client, PolygonClient) and slot.disabled is None:
            return slot.client
    return None


async def lookup_reference(engine: Engine, symbols: Sequence[str]) -> ReferenceData:
    """Gather reference data for `symbols` through the engine's Polygon client.

    Returns empty data with `error` set when Polygon is not configured or
    fails, so the offline checks (known renames) still run.
    """
    data = ReferenceData()
    client = _polygon(engine)
    if client is None:
        data.error = "Polygon is not configured: set POLYGON_API_KEY to check symbols"
        return data
    try:
        await _gather(client, engine, list(dict.fromkeys(symbols)), data)
    except ProviderError as error:
        log.warning("symbol lookup stopped: %s", error.detail)
        data.error = error.detail
    return data


async def _gather(
    client: PolygonClient, engine: Engine, symbols: list[str], data: ReferenceData
) -> None:
    day = last_completed_session(engine.clock())
    everything: dict[str, Quote] = {}
    for _ in range(2):
        everything = await engine.call(
            "polygon", Endpoint.POLYGON_GROUPED, (), partial(client.grouped_daily, day)
        )
        if everything:
            break
        day = previous_session(day)
    data.universe = sorted(everything)
    missing = []
    for symbol in symbols:
        quote = everything.get(symbol)
        if quote is None:
            missing.append(symbol)
            continue
        data.reference[symbol] = TickerInfo(symbol=symbol, name=None, active=True)
        data.live_prices[symbol] = quote.price
        data.quotes.append(quote)
    for symbol in missing:
        info = await _details(engine, client, symbol)
        data.reference[symbol] = info
        if info is not None and info.active:
            continue
        query = info.name.split()[0] if info is not None and info.name else symbol
        for match in await _search(engine, client, query):
            if match.name:
                data.names[match.symbol] = match.name
            if match.symbol not in everything:
                data.universe.append(match.symbol)


async def _details(
    engine: Engine, client: PolygonClient, symbol: str
) -> TickerInfo | None:
    found: list[TickerInfo | None] = []

    async def call() -> dict[str, Quote]:
        found.append(await client.ticker_details(symbol))
        return {}

    await engine.call("polygon", Endpoint.POLYGON_TICKER_DETAILS, (symbol,), call)
    return found[-1]


async def _search(
    engine: Engine, client: PolygonClient, query: str
) -> list[TickerInfo]:
    found: list[list[TickerInfo]] = []

    async def call() -> dict[str, Quote]:
        found.append(await client.search_tickers(query, limit=SEARCH_RESULTS))
        return {}

    await engine.call("polygon", Endpoint.POLYGON_TICKERS, (), call)
    return found[-1]
