"""Polygon's REST routes as the emulator serves them.

Responses follow Polygon's envelopes: aggregates carry `resultsCount` and a
`results` list that is left out when there is no data, snapshots carry
`tickers`, and reference endpoints page with `next_url` cursors.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

from domain.calendar import NEW_YORK, SESSION_CLOSE, is_session, previous_session
from domain.symbols import canonical_from_provider
from providers.emulator.calls import (
    Call,
    Context,
    QueryError,
    parse_limit,
    polygon_listing,
)
from providers.emulator.polygon_reference import ticker_details, tickers
from providers.emulator.universe import DailyBar, Listing, daily_bar
from providers.emulator.wire import (
    POLYGON_TICKER_NOT_FOUND,
    POLYGON_TIMEFRAME,
    Reply,
    json_reply,
    polygon_empty,
    polygon_error,
    request_id,
)
from providers.plans import Endpoint

_TICKER = r"(?P<ticker>[^/]+)"
ROUTES: tuple[tuple[re.Pattern[str], Endpoint], ...] = (
    (re.compile(rf"^/v2/aggs/ticker/{_TICKER}/prev$"), Endpoint.POLYGON_PREV),
    (
        re.compile(
            rf"^/v2/aggs/ticker/{_TICKER}/range/(?P<multiplier>[^/]+)/"
            r"(?P<timespan>[^/]+)/(?P<start>[^/]+)/(?P<end>[^/]+)$"
        ),
        Endpoint.POLYGON_RANGE,
    ),
    (
        re.compile(r"^/v2/aggs/grouped/locale/us/market/stocks/(?P<date>[^/]+)$"),
        Endpoint.POLYGON_GROUPED,
    ),
    (
        re.compile(r"^/v2/snapshot/locale/us/markets/stocks/tickers$"),
        Endpoint.POLYGON_SNAPSHOT,
    ),
    (
        re.compile(rf"^/v2/snapshot/locale/us/markets/stocks/tickers/{_TICKER}$"),
        Endpoint.POLYGON_SNAPSHOT_TICKER,
    ),
    (re.compile(r"^/v3/reference/tickers$"), Endpoint.POLYGON_TICKERS),
    (
        re.compile(rf"^/v3/reference/tickers/{_TICKER}$"),
        Endpoint.POLYGON_TICKER_DETAILS,
    ),
)

MAX_AGGS_LIMIT = 50_000
DEFAULT_AGGS_LIMIT = 5_000
# The snapshot `day` bar is zeroed from 03:30 New York time until the open.
SNAPSHOT_RESET = dt.time(3, 30)
MARKET_OPEN = dt.time(9, 30)
_SESSION_SECONDS = 6.5 * 3600


def match(path: str, query: dict[str, str]) -> Call | None:
    """Match a request path to a Polygon endpoint, or return None."""
    for pattern, endpoint in ROUTES:
        found = pattern.match(path)
        if found is None:
            continue
        params = {name: unquote(value) for name, value in found.groupdict().items()}
        symbols: tuple[str, ...] = ()
        if "ticker" in params:
            symbols = (canonical_from_provider(params["ticker"]),)
        elif endpoint is Endpoint.POLYGON_SNAPSHOT and query.get("tickers"):
            symbols = tuple(
                canonical_from_provider(item)
                for item in query["tickers"].split(",")
                if item.strip()
            )
        return Call("polygon", endpoint, symbols, params, query)
    return None


def handle(call: Call, context: Context) -> Reply:
    """Build the reply to a matched Polygon call whose key passed the checks."""
    handler = _HANDLERS[call.endpoint]
    try:
        return handler(call, context)
    except QueryError as exc:
        return polygon_error(400, f"Failed to parse query parameters from URL: {exc}")


def _agg_row(bar: DailyBar, context: Context, *, with_ticker: bool) -> dict[str, Any]:
    row: dict[str, Any] = {}
    if with_ticker:
        row["T"] = bar.symbol
    row.update(
        v=bar.volume,
        vw=bar.vwap,
        o=bar.open,
        c=bar.close,
        h=bar.high,
        l=bar.low,
        t=bar.start_ms,
        n=bar.transactions,
    )
    replacement = context.bad_price(bar.symbol, bar.session)
    if replacement is not ...:
        row["c"] = replacement
    return row


def _envelope(ticker: str | None, rows: list[dict[str, Any]]) -> dict[str, Any]:
    body: dict[str, Any] = {} if ticker is None else {"ticker": ticker}
    body.update(
        queryCount=len(rows),
        resultsCount=len(rows),
        adjusted=True,
        results=rows,
        status="OK",
        request_id=request_id(),
        count=len(rows),
    )
    return body


def _prev(call: Call, context: Context) -> Reply:
    ticker = call.path_params["ticker"]
    listing = polygon_listing(context, ticker)
    session = context.last_session
    if context.empty or listing is None or not listing.trades_on(session):
        return json_reply(polygon_empty(call.endpoint, ticker))
    row = _agg_row(daily_bar(listing, session), context, with_ticker=True)
    return json_reply(_envelope(ticker, [row]))


def _parse_day(text: str, name: str) -> dt.date:
    """Read a date as YYYY-MM-DD or as epoch milliseconds."""
    if text.isdigit():
        return dt.datetime.fromtimestamp(int(text) / 1000, NEW_YORK).date()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise QueryError(f"invalid {name} date {text!r}") from None


def _epoch_ms(day: dt.date) -> int:
    return int(dt.datetime.combine(day, dt.time(0), tzinfo=NEW_YORK).timestamp()) * 1000


def _outside_history(context: Context, first_day: dt.date) -> bool:
    start = context.history_start()
    return start is not None and first_day < start


def _range(call: Call, context: Context) -> Reply:
    params, query = call.path_params, call.query
    ticker = params["ticker"]
    if params["multiplier"] != "1" or params["timespan"] != "day":
        raise QueryError("the emulator serves only 1/day aggregates")
    start = _parse_day(params["start"], "from")
    end = _parse_day(params["end"], "to")
    order = query.get("sort", "asc")
    if order not in ("asc", "desc"):
        raise QueryError(f"invalid sort {order!r}")
    limit = parse_limit(query, "limit", DEFAULT_AGGS_LIMIT, MAX_AGGS_LIMIT)

    if _outside_history(context, start):
        return polygon_error(403, POLYGON_TIMEFRAME, state="NOT_AUTHORIZED")
    listing = polygon_listing(context, ticker)
    if context.empty or listing is None:
        return json_reply(polygon_empty(call.endpoint, ticker))
    rows = _range_rows(listing, start, min(end, context.last_session), context)
    rows.sort(key=lambda row: int(row["t"]), reverse=order == "desc")
    if not rows:
        return json_reply(polygon_empty(call.endpoint, ticker))

    body = _envelope(ticker, rows[:limit])
    if len(rows) > limit:
        following = int(rows[limit]["t"])
        if order == "asc":
            span = f"{following}/{_epoch_ms(end)}"
        else:
            span = f"{_epoch_ms(start)}/{following}"
        adjusted = query.get("adjusted", "true")
        body["next_url"] = (
            f"{context.base_url}/v2/aggs/ticker/{ticker}/range/1/day/{span}"
            f"?adjusted={adjusted}&sort={order}&limit={limit}"
        )
    return json_reply(body)


def _range_rows(
    listing: Listing, start: dt.date, end: dt.date, context: Context
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    day = start
    while day <= end:
        if is_session(day) and listing.trades_on(day):
            rows.append(_agg_row(daily_bar(listing, day), context, with_ticker=False))
        day += dt.timedelta(days=1)
    fault = context.fault
    extra = fault.session if fault is not None else None
    if extra is not None and start <= extra <= end and not is_session(extra):
        # A holiday row with a bad close, as some feeds send for closed days.
        bar = daily_bar(listing, extra)
        rows.append(_agg_row(bar, context, with_ticker=False))
    return rows


def _grouped(call: Call, context: Context) -> Reply:
    try:
        day = dt.date.fromisoformat(call.path_params["date"])
    except ValueError:
        raise QueryError(f"invalid date {call.path_params['date']!r}") from None
    if _outside_history(context, day):
        return polygon_error(403, POLYGON_TIMEFRAME, state="NOT_AUTHORIZED")
    if context.empty or not is_session(day) or day > context.last_session:
        return json_reply(polygon_empty(call.endpoint, None))
    rows = [
        _agg_row(daily_bar(listing, day), context, with_ticker=True)
        for listing in context.universe
        if listing.on_polygon and listing.trades_on(day)
    ]
    body = _envelope(None, rows)
    return json_reply(body)


def _snapshot_item(listing: Listing, context: Context) -> dict[str, Any] | None:
    local = context.now.astimezone(NEW_YORK)
    today, clock = local.date(), local.time()
    updated = context.now
    if is_session(today) and MARKET_OPEN <= clock < SESSION_CLOSE:
        previous = previous_session(today)
        if not listing.trades_on(today):
            return None
        bar, prior = daily_bar(listing, today), daily_bar(listing, previous)
        opened = dt.datetime.combine(today, MARKET_OPEN, tzinfo=NEW_YORK)
        fraction = (local - opened).total_seconds() / _SESSION_SECONDS
        live = round(prior.close + (bar.close - prior.close) * fraction, 4)
        day = {
            "o": bar.open,
            "h": max(bar.open, live),
            "l": min(bar.open, live),
            "c": live,
            "v": int(bar.volume * fraction),
            "vw": live,
        }
    elif is_session(today) and SNAPSHOT_RESET <= clock < MARKET_OPEN:
        previous = previous_session(today)
        if not listing.trades_on(previous):
            return None
        prior = daily_bar(listing, previous)
        day = {"o": 0, "h": 0, "l": 0, "c": 0, "v": 0, "vw": 0}
    else:
        last = context.last_session
        if not listing.trades_on(last):
            return None
        bar, prior = (
            daily_bar(listing, last),
            daily_bar(listing, previous_session(last)),
        )
        day = {"o": bar.open, "h": bar.high, "l": bar.low, "c": bar.close}
        day.update(v=bar.volume, vw=bar.vwap)
        updated = dt.datetime.combine(last, SESSION_CLOSE, tzinfo=NEW_YORK)
    prev_day = {"o": prior.open, "h": prior.high, "l": prior.low, "c": prior.close}
    prev_day.update(v=prior.volume, vw=prior.vwap)
    change = round(day["c"] - prior.close, 4) if day["c"] else 0
    replacement = context.bad_price(listing.symbol)
    if replacement is not ...:
        day["c"] = replacement
        prev_day["c"] = replacement
    return {
        "ticker": listing.symbol,
        "todaysChange": change,
        "todaysChangePerc": round(change / prior.close * 100, 4) if change else 0,
        "updated": int(updated.timestamp()) * 1_000_000_000,
        "day": day,
        "prevDay": prev_day,
    }


def _snapshot(call: Call, context: Context) -> Reply:
    if context.empty:
        return json_reply(polygon_empty(call.endpoint, None))
    requested = call.query.get("tickers")
    if requested:
        chosen = [
            polygon_listing(context, item.strip()) for item in requested.split(",")
        ]
        listings = [item for item in chosen if item is not None]
    else:
        listings = [item for item in context.universe if item.on_polygon]
    items = [_snapshot_item(listing, context) for listing in listings]
    tickers = [item for item in items if item is not None]
    return json_reply(
        {
            "status": "OK",
            "request_id": request_id(),
            "count": len(tickers),
            "tickers": tickers,
        }
    )


def _snapshot_ticker(call: Call, context: Context) -> Reply:
    listing = polygon_listing(context, call.path_params["ticker"])
    item = None if listing is None else _snapshot_item(listing, context)
    if context.empty or item is None:
        return polygon_error(404, POLYGON_TICKER_NOT_FOUND, state="NOT_FOUND")
    return json_reply({"status": "OK", "request_id": request_id(), "ticker": item})


_HANDLERS: dict[str, Callable[[Call, Context], Reply]] = {
    Endpoint.POLYGON_PREV: _prev,
    Endpoint.POLYGON_RANGE: _range,
    Endpoint.POLYGON_GROUPED: _grouped,
    Endpoint.POLYGON_SNAPSHOT: _snapshot,
    Endpoint.POLYGON_SNAPSHOT_TICKER: _snapshot_ticker,
    Endpoint.POLYGON_TICKERS: tickers,
    Endpoint.POLYGON_TICKER_DETAILS: ticker_details,
}
