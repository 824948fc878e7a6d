"""Client for the Polygon.io REST API (also sold as Massive).

The key travels only in the `Authorization: Bearer` header. Pages named by
`next_url` are requested under the client's own base URL, with any key
parameter dropped, so the key never appears in a URL or reaches another host.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any, ClassVar, Final
from urllib.parse import quote as quote_path

import httpx

from domain.calendar import (
    NEW_YORK,
    is_session,
    last_completed_session,
    previous_session,
)
from domain.errors import ErrorKind, ProviderError
from domain.quotes import Bar, Quote, TickerInfo
from domain.symbols import Spelling, canonical_from_provider, provider_symbol
from providers.http import ProviderClient
from providers.plans import Endpoint
from providers.polygon_rows import bar_from, bar_session, ticker_info
from providers.wire import session_close, short_message, to_amount, to_price

POLYGON_BASE_URL: Final = "https://api.polygon.io"

_SUCCESS = frozenset({"OK", "DELAYED"})
_SECRET_PARAMS = frozenset({"apikey", "api_key", "token"})
# Upper bound on next_url pages for one call. A longer chain means a server
# that keeps sending new cursors without end.
_MAX_PAGES = 200
_MAX_SEARCH_LIMIT = 1000


def _error_text(payload: Any) -> str | None:
    if not isinstance(payload, dict):
        return None
    for key in ("error", "message"):
        value = payload.get(key)
        if isinstance(value, str) and value.strip():
            return value
    return None


def _latest_session_on_or_before(day: dt.date) -> dt.date:
    return day if is_session(day) else previous_session(day)


class PolygonClient(ProviderClient):
    """Async client for Polygon aggregates, snapshots and reference tickers.

    Symbols go in and come out in canonical form, which is also Polygon's
    spelling of share classes (BRK.B).
    """

    provider: ClassVar[str] = "polygon"
    display: ClassVar[str] = "Polygon"
    invalid_key_detail: ClassVar[str] = (
        "Polygon key rejected (401): set POLYGON_API_KEY or run targetdesk doctor"
    )

    def auth_headers(self) -> dict[str, str]:
        """Return the bearer header, the only place the Polygon key is sent."""
        return {"Authorization": f"Bearer {self._api_key}"}

    def classify(
        self,
        response: httpx.Response,
        payload: Any,
        endpoint: str,
        symbols: Sequence[str],
    ) -> ProviderError | None:
        """Classify Polygon responses by status and by the body's `status`."""
        status = response.status_code
        message = _error_text(payload) or ""
        body_status = payload.get("status") if isinstance(payload, dict) else None
        quoted = short_message(message or str(body_status), self._secrets)

        if status == 400 and "api key" in message.lower():
            # Some users saw 400 rather than 401 for a missing key.
            kind = ErrorKind.INVALID_KEY
            detail = self.invalid_key_detail.replace("(401)", "(HTTP 400)")
        elif status == 404 and body_status == "NOT_FOUND":
            kind = ErrorKind.UNKNOWN_SYMBOL
            unknown = ", ".join(symbols) or "the ticker"
            detail = f"Polygon does not know {unknown}. Check the symbol."
        elif status == 403 and "timeframe" in message.lower():
            kind = ErrorKind.NOT_ENTITLED
            detail = (
                f"Polygon plan does not reach back to the dates requested from "
                f"{endpoint} (HTTP 403): {quoted} Request more recent dates or "
                "upgrade the plan."
            )
        elif status != 200:
            return self.status_error(response, endpoint, symbols, message or None)
        elif body_status is None or body_status in _SUCCESS:
            return None
        else:
            # HTTP 200 whose body's `status` marks an error.
            kind = ErrorKind.BAD_REQUEST
            if body_status == "NOT_AUTHORIZED":
                kind = ErrorKind.NOT_ENTITLED
            detail = f"Polygon answered {endpoint} with status {body_status}: {quoted}"
        return self.error(kind, detail, endpoint, status=status, symbols=symbols)

    def _quote_from_bar(
        self,
        row: dict[str, Any],
        symbol: str,
        fetched_at: dt.datetime,
        fallback: dt.date,
    ) -> Quote | None:
        """Build a quote from an aggregate row, or None when it has no price.

        `fallback` is the session used when the row has no `t`.
        """
        price = to_price(row.get("c"))
        session = bar_session(row.get("t")) or fallback
        if price is None:
            return None
        return Quote(
            symbol=symbol,
            price=price,
            session=session,
            as_of=session_close(session),
            source=self.provider,
            fetched_at=fetched_at,
        )

    def _results(
        self, payload: Any, endpoint: str, symbols: Sequence[str]
    ) -> list[dict[str, Any]]:
        """Return an aggregate envelope's rows. A missing `results` means none."""
        if not isinstance(payload, dict):
            raise self.shape_error(endpoint, "a JSON object", symbols)
        rows = payload.get("results")
        if rows is None:
            return []
        if not isinstance(rows, list):
            raise self.shape_error(endpoint, "`results` as a list", symbols)
        return [row for row in rows if isinstance(row, dict)]

    async def previous_close(self, symbol: str) -> Quote | None:
        """Fetch the last completed session's close of one symbol.

        Returns None for an unknown ticker (Polygon sends no `results`) and for
        a close of 0, null or NaN.
        """
        wire = quote_path(symbol, safe=".")
        payload = await self.get_json(
            Endpoint.POLYGON_PREV,
            f"/v2/aggs/ticker/{wire}/prev",
            params=[("adjusted", "true")],
            symbols=(symbol,),
        )
        fetched_at = dt.datetime.now(dt.UTC)
        # NOTE: a row without `t` is taken to be the last completed session,
        # which is what /prev serves. Polygon documents `t` on every row.
        fallback = last_completed_session(fetched_at)
        for row in self._results(payload, Endpoint.POLYGON_PREV, (symbol,)):
            quote = self._quote_from_bar(row, symbol, fetched_at, fallback)
            if quote is not None:
                return quote
        return None

    async def daily_bars(self, symbol: str, start: dt.date, end: dt.date) -> list[Bar]:
        """Fetch daily bars from `start` to `end` inclusive, oldest first.

        Follows `next_url` pages. Rows with a null, zero or NaN close are
        skipped.
        """
        wire = quote_path(symbol, safe=".")
        path = f"/v2/aggs/ticker/{wire}/range/1/day/{start}/{end}"
        params: list[tuple[str, str]] = [
            ("adjusted", "true"),
            ("sort", "asc"),
            ("limit", "50000"),
        ]
        bars: dict[dt.date, Bar] = {}
        async for payload in self._pages(Endpoint.POLYGON_RANGE, path, params, symbol):
            for row in self._results(payload, Endpoint.POLYGON_RANGE, (symbol,)):
                bar = bar_from(row, symbol)
                if bar is not None and start <= bar.session <= end:
                    bars[bar.session] = bar
        return [bars[session] for session in sorted(bars)]

    async def grouped_daily(self, day: dt.date) -> dict[str, Quote]:
        """Fetch every US stock's close for one session, keyed by symbol.

        Returns an empty dict for a weekend, a holiday or a session that has
        not closed yet.
        """
        return await self.grouped_closes(day, None) or {}

    async def grouped_closes(
        self, day: dt.date, symbols: Iterable[str] | None
    ) -> dict[str, Quote] | None:
        """Fetch one session's closes of `symbols` (all when None) from grouped bars.

        Returns None when the session has no bars: a weekend, a holiday or a
        session not published yet. Rows of other symbols are skipped unread,
        which spares a small portfolio parsing the other 10,000 or so rows.
        """
        payload = await self.get_json(
            Endpoint.POLYGON_GROUPED,
            f"/v2/aggs/grouped/locale/us/market/stocks/{day.isoformat()}",
            params=[("adjusted", "true")],
        )
        rows = self._results(payload, Endpoint.POLYGON_GROUPED, ())
        if not rows:
            return None
        requested = None
        if symbols is not None:
            requested = {provider_symbol(s, Spelling.DOT): s for s in symbols}
        fetched_at = dt.datetime.now(dt.UTC)
        quotes: dict[str, Quote] = {}
        for row in rows:
            ticker = row.get("T")
            if not isinstance(ticker, str):
                continue
            if requested is None:
                symbol = canonical_from_provider(ticker)
            elif ticker in requested:
                symbol = requested[ticker]
            else:
                continue
            quote = self._quote_from_bar(row, symbol, fetched_at, day)
            if quote is not None:
                quotes[quote.symbol] = quote
        return quotes

    async def snapshot(self, symbols: Iterable[str]) -> dict[str, Quote]:
        """Fetch current snapshot prices of several symbols (paid plans only).

        Uses the `day` bar's close, or `prevDay` while the `day` bar is zeroed
        between 03:30 New York time and the open. Symbols without a price are
        left out.
        """
        requested_symbols = list(dict.fromkeys(symbols))
        if not requested_symbols:
            return {}
        tickers = ",".join(
            provider_symbol(symbol, Spelling.DOT) for symbol in requested_symbols
        )
        payload = await self.get_json(
            Endpoint.POLYGON_SNAPSHOT,
            "/v2/snapshot/locale/us/markets/stocks/tickers",
            params=[("tickers", tickers)],
            symbols=requested_symbols,
        )
        if not isinstance(payload, dict) or not isinstance(
            payload.get("tickers", []), list
        ):
            raise self.shape_error(
                Endpoint.POLYGON_SNAPSHOT,
                "an object with a `tickers` list",
                requested_symbols,
            )
        fetched_at = dt.datetime.now(dt.UTC)
        requested = set(requested_symbols)
        quotes: dict[str, Quote] = {}
        for item in payload.get("tickers") or []:
            quote = self._quote_from_snapshot(item, fetched_at)
            if quote is not None and quote.symbol in requested:
                quotes[quote.symbol] = quote
        return quotes

    def _quote_from_snapshot(self, item: Any, fetched_at: dt.datetime) -> Quote | None:
        if not isinstance(item, dict) or not isinstance(item.get("ticker"), str):
            return None
        symbol = canonical_from_provider(item["ticker"])
        updated_ns = to_amount(item.get("updated"))
        if updated_ns is not None and updated_ns > 0:
            updated = dt.datetime.fromtimestamp(float(updated_ns) / 1e9, NEW_YORK)
        else:
            updated = fetched_at.astimezone(NEW_YORK)
        day = item.get("day")
        price = to_price(day.get("c")) if isinstance(day, dict) else None
        if price is not None:
            session = _latest_session_on_or_before(updated.date())
            as_of = min(updated, session_close(session))
        else:
            previous = item.get("prevDay")
            if not isinstance(previous, dict):
                return None
            price = to_price(previous.get("c"))
            session = previous_session(updated.date())
            as_of = session_close(session)
        if price is None:
            return None
        return Quote(
            symbol=symbol,
            price=price,
            session=session,
            as_of=as_of,
            source=self.provider,
            fetched_at=fetched_at,
        )

    async def ticker_details(self, symbol: str) -> TickerInfo | None:
        """Fetch reference data of one ticker, or None if Polygon does not know it."""
        wire = quote_path(symbol, safe=".")
        try:
            payload = await self.get_json(
                Endpoint.POLYGON_TICKER_DETAILS,
                f"/v3/reference/tickers/{wire}",
                symbols=(symbol,),
            )
        except ProviderError as error:
            if error.kind is ErrorKind.UNKNOWN_SYMBOL:
                return None
            raise
        results = payload.get("results") if isinstance(payload, dict) else None
        if not isinstance(results, dict):
            raise self.shape_error(
                Endpoint.POLYGON_TICKER_DETAILS, "an object with `results`", (symbol,)
            )
        return ticker_info(results)

    async def search_tickers(self, query: str, limit: int = 100) -> list[TickerInfo]:
        """Search active stock tickers by symbol or name, returning at most `limit`.

        Follows `next_url` pages until `limit` results have arrived.
        """
        text = query.strip()
        if not text or limit <= 0:
            return []
        params = [
            ("search", text),
            ("active", "true"),
            ("market", "stocks"),
            ("limit", str(min(limit, _MAX_SEARCH_LIMIT))),
        ]
        found: list[TickerInfo] = []
        async for payload in self._pages(
            Endpoint.POLYGON_TICKERS, "/v3/reference/tickers", params, None
        ):
            for row in self._results(payload, Endpoint.POLYGON_TICKERS, ()):
                info = ticker_info(row)
                if info is not None:
                    found.append(info)
            if len(found) >= limit:
                break
        return found[:limit]

    async def _pages(
        self,
        endpoint: str,
        path: str,
        params: list[tuple[str, str]],
        symbol: str | None,
    ) -> Any:
        """Yield the JSON body of each page, following `next_url`."""
        symbols = (symbol,) if symbol else ()
        seen: set[str] = set()
        current_path, current_params = path, params
        for _ in range(_MAX_PAGES):
            payload = await self.get_json(
                endpoint, current_path, params=current_params, symbols=symbols
            )
            yield payload
            next_url = payload.get("next_url") if isinstance(payload, dict) else None
            if not isinstance(next_url, str) or not next_url:
                return
            if next_url in seen:
                raise self.shape_error(endpoint, "a new cursor in next_url", symbols)
            seen.add(next_url)
            current_path, current_params = _split_next_url(next_url)
        raise self.shape_error(
            endpoint, f"at most {_MAX_PAGES} pages of results", symbols
        )


def _split_next_url(next_url: str) -> tuple[str, list[tuple[str, str]]]:
    """Return a next_url's path and query without any credential parameter."""
    url = httpx.URL(next_url)
    params = [
        (name, value)
        for name, value in url.params.multi_items()
        if name.lower() not in _SECRET_PARAMS
    ]
    return url.raw_path.split(b"?", 1)[0].decode("ascii"), params
