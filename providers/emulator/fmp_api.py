"""FMP's /stable/ routes, and the retired /api/v3 quote, as the emulator serves them.

FMP responds with bare JSON lists: an unknown symbol gives `[]`. Errors are
objects with an "Error Message" key. FMP spells share classes with a hyphen
(BRK-B), so BRK.B is unknown here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

from domain.calendar import is_session, previous_session
from domain.symbols import canonical_from_provider
from providers.emulator.calls import Call, Context, QueryError, parse_limit
from providers.emulator.universe import CLOSE_BAND, DailyBar, Listing, daily_bar
from providers.emulator.wire import (
    FMP_LEGACY,
    FMP_SPECIAL_ENDPOINT,
    Reply,
    fmp_error,
    fmp_premium_parameter,
    json_reply,
)
from providers.plans import Endpoint

ROUTES: dict[str, Endpoint] = {
    "/stable/quote": Endpoint.FMP_QUOTE,
    "/stable/batch-quote": Endpoint.FMP_BATCH_QUOTE,
    "/stable/historical-price-eod/full": Endpoint.FMP_HISTORICAL_EOD,
    "/stable/search-symbol": Endpoint.FMP_SEARCH,
}
LEGACY_QUOTE = re.compile(r"^/api/v3/quote/(?P<symbol>[^/]+)$")

# FMP's `exchange` code and `exchangeFullName` for each listing venue.
FMP_EXCHANGE = {
    "NASDAQ": ("NASDAQ", "NASDAQ Global Select"),
    "NYSE": ("NYSE", "New York Stock Exchange"),
    "NYSEARCA": ("AMEX", "New York Stock Exchange Arca"),
    "OTC": ("OTC", "Other OTC"),
}
DEFAULT_SEARCH_LIMIT = 50
MAX_SEARCH_LIMIT = 1000
DEFAULT_HISTORY = dt.timedelta(days=5 * 365)


def match(path: str, query: dict[str, str]) -> Call | None:
    """Match a request path to an FMP endpoint, or return None."""
    endpoint = ROUTES.get(path)
    if endpoint is not None:
        raw = query.get("symbols" if endpoint is Endpoint.FMP_BATCH_QUOTE else "symbol")
        wire = [item.strip() for item in (raw or "").split(",") if item.strip()]
        symbols = tuple(canonical_from_provider(item) for item in wire)
        return Call("fmp", endpoint, symbols, {}, query)
    legacy = LEGACY_QUOTE.match(path)
    if legacy is not None:
        symbol = unquote(legacy.group("symbol"))
        return Call(
            "fmp",
            Endpoint.FMP_LEGACY_QUOTE,
            (canonical_from_provider(symbol),),
            {"symbol": symbol},
            query,
        )
    return None


def entitlement_reply(endpoint: str) -> Reply:
    """Return FMP's reply for an endpoint outside the key's plan."""
    if endpoint == Endpoint.FMP_LEGACY_QUOTE:
        return fmp_error(403, FMP_LEGACY)
    return fmp_error(402, FMP_SPECIAL_ENDPOINT)


def handle(call: Call, context: Context) -> Reply:
    """Build the reply to a matched FMP call whose key passed the checks."""
    handler = _HANDLERS[call.endpoint]
    try:
        return handler(call, context)
    except QueryError as exc:
        return fmp_error(400, f"Invalid or missing query parameter - {exc}")


def _listing(context: Context, wire: str) -> Listing | None:
    if "." in wire:
        return None
    return context.universe.get(wire.upper().replace("-", "."))


def _wire(symbol: str) -> str:
    return symbol.replace(".", "-")


def _required(call: Call, name: str) -> str:
    value = call.query.get(name, "").strip()
    if not value:
        raise QueryError(name)
    return value


def _premium(context: Context, wires: list[str]) -> Reply | None:
    """Return 402 when the plan's symbol sample leaves out one of `wires`."""
    if all(context.plan.serves_symbol(wire.upper()) for wire in wires):
        return None
    return fmp_error(402, fmp_premium_parameter("symbol"))


def _price(context: Context, bar: DailyBar) -> Any:
    replacement = context.bad_price(bar.symbol, bar.session)
    return bar.close if replacement is ... else replacement


def _quote_object(listing: Listing, context: Context) -> dict[str, Any] | None:
    session = context.last_session
    if not listing.trades_on(session):
        return None
    bar = daily_bar(listing, session)
    prior = daily_bar(listing, previous_session(session))
    change = round(bar.close - prior.close, 4)
    exchange, _ = FMP_EXCHANGE.get(listing.exchange, (listing.exchange, ""))
    reference = float(listing.reference_price)
    band = float(CLOSE_BAND)
    return {
        "symbol": _wire(listing.symbol),
        "name": listing.name,
        "price": _price(context, bar),
        "changePercentage": round(change / prior.close * 100, 5),
        "change": change,
        "volume": bar.volume,
        "dayLow": bar.low,
        "dayHigh": bar.high,
        # Closes stay within the band, so its edges bound the 52-week range.
        "yearHigh": round(reference * (1 + band), 2),
        "yearLow": round(reference * (1 - band), 2),
        "marketCap": int(bar.close * bar.volume * 40),
        "exchange": exchange,
        "open": bar.open,
        "previousClose": prior.close,
        "timestamp": bar.close_epoch,
    }


def _quote(call: Call, context: Context) -> Reply:
    wire = _required(call, "symbol")
    rejection = _premium(context, [wire])
    if rejection is not None:
        return rejection
    listing = _listing(context, wire)
    item = None if listing is None else _quote_object(listing, context)
    if context.empty or item is None:
        return json_reply([])
    return json_reply([item])


def _batch_quote(call: Call, context: Context) -> Reply:
    wires = [item.strip() for item in _required(call, "symbols").split(",")]
    rejection = _premium(context, wires)
    if rejection is not None:
        return rejection
    if context.empty:
        return json_reply([])
    items = []
    for wire in dict.fromkeys(wires):
        listing = _listing(context, wire)
        item = None if listing is None else _quote_object(listing, context)
        if item is not None:
            items.append(item)
    return json_reply(items)


def _parse_date(call: Call, name: str, default: dt.date) -> dt.date:
    text = call.query.get(name)
    if not text:
        return default
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise QueryError(name) from None


def _eod_row(bar: DailyBar, prior: DailyBar | None, context: Context) -> dict[str, Any]:
    change = round(bar.close - bar.open, 4)
    return {
        "symbol": _wire(bar.symbol),
        "date": bar.session.isoformat(),
        "open": bar.open,
        "high": bar.high,
        "low": bar.low,
        "close": _price(context, bar),
        "volume": bar.volume,
        "change": change,
        "changePercent": round(change / bar.open * 100, 5),
        "vwap": bar.vwap,
    }


def _historical_eod(call: Call, context: Context) -> Reply:
    wire = _required(call, "symbol")
    end = _parse_date(call, "to", context.now.date())
    start = _parse_date(call, "from", end - DEFAULT_HISTORY)
    rejection = _premium(context, [wire])
    if rejection is not None:
        return rejection
    listing = _listing(context, wire)
    if context.empty or listing is None:
        return json_reply([])
    oldest = context.history_start()
    if oldest is not None:
        # NOTE: FMP's handling of dates before a plan's window is not
        # documented; the emulator leaves those rows out.
        start = max(start, oldest)
    last = min(end, context.last_session)
    rows: list[dict[str, Any]] = []
    day = start
    while day <= last:
        if is_session(day) and listing.trades_on(day):
            rows.append(_eod_row(daily_bar(listing, day), None, context))
        day += dt.timedelta(days=1)
    fault = context.fault
    extra = fault.session if fault is not None else None
    if extra is not None and start <= extra <= last and not is_session(extra):
        rows.append(_eod_row(daily_bar(listing, extra), None, context))
    rows.sort(key=lambda row: str(row["date"]), reverse=True)
    return json_reply(rows)


def _search(call: Call, context: Context) -> Reply:
    text = _required(call, "query")
    limit = parse_limit(call.query, "limit", DEFAULT_SEARCH_LIMIT, MAX_SEARCH_LIMIT)
    if context.empty:
        return json_reply([])
    found = []
    for listing in context.universe.search(text):
        if not listing.active:
            continue
        exchange, full_name = FMP_EXCHANGE.get(listing.exchange, (listing.exchange, ""))
        found.append(
            {
                "symbol": _wire(listing.symbol),
                "name": listing.name,
                "currency": "USD",
                "exchangeFullName": full_name,
                "exchange": exchange,
            }
        )
        if len(found) >= limit:
            break
    return json_reply(found)


def _legacy_quote(call: Call, context: Context) -> Reply:
    return entitlement_reply(call.endpoint)


_HANDLERS: dict[str, Callable[[Call, Context], Reply]] = {
    Endpoint.FMP_QUOTE: _quote,
    Endpoint.FMP_BATCH_QUOTE: _batch_quote,
    Endpoint.FMP_HISTORICAL_EOD: _historical_eod,
    Endpoint.FMP_SEARCH: _search,
    Endpoint.FMP_LEGACY_QUOTE: _legacy_quote,
}
