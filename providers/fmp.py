"""Client for the /stable/ API of Financial Modeling Prep (FMP).

FMP accepts the key only as the `apikey` query parameter, so every request
URL contains it. Messages are built from endpoint names, never from URLs,
and the httpx loggers get a redacting filter when a client is created.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any, ClassVar, Final

import httpx

from domain.calendar import NEW_YORK
from domain.errors import ErrorKind, ProviderError
from domain.quotes import Bar, Quote, TickerInfo
from domain.symbols import Spelling, canonical_from_provider, provider_symbol
from providers.http import ProviderClient
from providers.plans import Endpoint
from providers.wire import short_message, to_amount, to_price

FMP_BASE_URL: Final = "https://financialmodelingprep.com"

_ERROR_KEYS = ("Error Message", "message", "error")
# Words FMP uses in messages about endpoints or symbols outside the plan.
_NOT_ENTITLED_WORDS = ("premium", "special endpoint", "subscription", "exclusive")


def _error_message(payload: Any) -> str | None:
    """Return the error text of an FMP error object, or None for other bodies."""
    if not isinstance(payload, dict):
        return None
    for key in _ERROR_KEYS:
        value = payload.get(key)
        if isinstance(value, str) and value.strip():
            return value
    return None


def _parse_date(value: object) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


class FmpClient(ProviderClient):
    """Async client for FMP quotes, daily bars and symbol search.

    Symbols go in and come out in canonical form (BRK.B); the client writes
    them in FMP's spelling (BRK-B) on the wire.
    """

    provider: ClassVar[str] = "fmp"
    display: ClassVar[str] = "FMP"
    invalid_key_detail: ClassVar[str] = (
        "FMP rejected the API key (401): set FMP_API_KEY or run targetdesk doctor"
    )

    def _params(self, *pairs: tuple[str, str]) -> list[tuple[str, str]]:
        return [*pairs, ("apikey", self._api_key)]

    def classify(
        self,
        response: httpx.Response,
        payload: Any,
        endpoint: str,
        symbols: Sequence[str],
    ) -> ProviderError | None:
        """Classify FMP error objects by their text, whatever the status."""
        message = _error_message(payload)
        status = response.status_code
        if message is None:
            return self.status_error(response, endpoint, symbols, None)

        lowered = message.lower()
        quoted = short_message(message, self._secrets)
        if "limit reach" in lowered:
            return self.error(
                ErrorKind.QUOTA_EXHAUSTED,
                f"FMP daily request limit reached (HTTP {status}): FMP accepts no "
                "more requests with this key until the daily reset. Wait for the "
                "reset or upgrade the plan.",
                endpoint,
                status=status,
                symbols=symbols,
            )
        if "invalid api key" in lowered:
            detail = self.invalid_key_detail
            if status != 401:
                detail = detail.replace("(401)", f"(HTTP {status})")
            return self.error(
                ErrorKind.INVALID_KEY, detail, endpoint, status=status, symbols=symbols
            )
        if "legacy endpoint" in lowered:
            return self.error(
                ErrorKind.NOT_ENTITLED,
                f"FMP no longer serves the legacy endpoint {endpoint} to this key "
                f"(HTTP {status}): use the /stable/ endpoints, such as "
                "/stable/quote?symbol=.",
                endpoint,
                status=status,
                symbols=symbols,
            )
        if status != 200:
            return self.status_error(response, endpoint, symbols, message)

        # FMP sent an error object with HTTP 200.
        if any(word in lowered for word in _NOT_ENTITLED_WORDS):
            return self.error(
                ErrorKind.NOT_ENTITLED,
                f"FMP plan does not include {endpoint}: {quoted}. Upgrade the plan "
                "or use an endpoint the plan includes.",
                endpoint,
                status=status,
                symbols=symbols,
            )
        return self.error(
            ErrorKind.BAD_REQUEST,
            f"FMP rejected the request for {endpoint}: {quoted}.",
            endpoint,
            status=status,
            symbols=symbols,
        )

    def _rows(
        self, payload: Any, endpoint: str, symbols: Sequence[str]
    ) -> list[dict[str, Any]]:
        if not isinstance(payload, list):
            raise self.shape_error(endpoint, "a JSON list", symbols)
        return [row for row in payload if isinstance(row, dict)]

    def _quote_from(self, row: dict[str, Any], fetched_at: dt.datetime) -> Quote | None:
        symbol = row.get("symbol")
        price = to_price(row.get("price"))
        timestamp = to_amount(row.get("timestamp"))
        if not isinstance(symbol, str) or price is None or timestamp is None:
            return None
        as_of = dt.datetime.fromtimestamp(float(timestamp), NEW_YORK)
        return Quote(
            symbol=canonical_from_provider(symbol),
            price=price,
            session=as_of.date(),
            as_of=as_of,
            source=self.provider,
            fetched_at=fetched_at,
        )

    async def quote(self, symbol: str) -> Quote | None:
        """Fetch the latest quote of one symbol.

        Returns None for an unknown symbol and when FMP has no price (0, null
        or NaN, as before the first trade).
        """
        payload = await self.get_json(
            Endpoint.FMP_QUOTE,
            "/stable/quote",
            params=self._params(("symbol", provider_symbol(symbol, Spelling.HYPHEN))),
            symbols=(symbol,),
        )
        fetched_at = dt.datetime.now(dt.UTC)
        for row in self._rows(payload, Endpoint.FMP_QUOTE, (symbol,)):
            quote = self._quote_from(row, fetched_at)
            if quote is not None and quote.symbol == symbol:
                return quote
        return None

    async def batch_quote(self, symbols: Iterable[str]) -> dict[str, Quote]:
        """Fetch quotes of several symbols in one request, keyed by symbol.

        Symbols that FMP does not know or has no price for are left out.
        Splitting a long list into chunks of Plan.max_batch is the caller's job.
        """
        requested_symbols = list(dict.fromkeys(symbols))
        if not requested_symbols:
            return {}
        wire = ",".join(
            provider_symbol(symbol, Spelling.HYPHEN) for symbol in requested_symbols
        )
        payload = await self.get_json(
            Endpoint.FMP_BATCH_QUOTE,
            "/stable/batch-quote",
            params=self._params(("symbols", wire)),
            symbols=requested_symbols,
        )
        fetched_at = dt.datetime.now(dt.UTC)
        quotes: dict[str, Quote] = {}
        requested = set(requested_symbols)
        for row in self._rows(payload, Endpoint.FMP_BATCH_QUOTE, requested_symbols):
            quote = self._quote_from(row, fetched_at)
            if quote is not None and quote.symbol in requested:
                quotes[quote.symbol] = quote
        return quotes

    async def daily_bars(self, symbol: str, start: dt.date, end: dt.date) -> list[Bar]:
        """Fetch end-of-day bars from `start` to `end` inclusive, oldest first.

        Rows with a null, zero or NaN close (such as holiday rows) are skipped.
        """
        payload = await self.get_json(
            Endpoint.FMP_HISTORICAL_EOD,
            "/stable/historical-price-eod/full",
            params=self._params(
                ("symbol", provider_symbol(symbol, Spelling.HYPHEN)),
                ("from", start.isoformat()),
                ("to", end.isoformat()),
            ),
            symbols=(symbol,),
        )
        bars: dict[dt.date, Bar] = {}
        for row in self._rows(payload, Endpoint.FMP_HISTORICAL_EOD, (symbol,)):
            session = _parse_date(row.get("date"))
            close = to_price(row.get("close"))
            if session is None or close is None or not start <= session <= end:
                continue
            bars[session] = Bar(
                symbol=symbol,
                session=session,
                open=to_price(row.get("open")),
                high=to_price(row.get("high")),
                low=to_price(row.get("low")),
                close=close,
                volume=to_amount(row.get("volume")),
            )
        return [bars[session] for session in sorted(bars)]

    async def search(self, query: str, limit: int = 50) -> list[TickerInfo]:
        """Search symbols and company names and return at most `limit` matches."""
        text = query.strip()
        if not text or limit <= 0:
            return []
        payload = await self.get_json(
            Endpoint.FMP_SEARCH,
            "/stable/search-symbol",
            params=self._params(("query", text), ("limit", str(limit))),
        )
        found: list[TickerInfo] = []
        for row in self._rows(payload, Endpoint.FMP_SEARCH, ()):
            symbol = row.get("symbol")
            if not isinstance(symbol, str) or not symbol.strip():
                continue
            found.append(
                TickerInfo(
                    symbol=canonical_from_provider(symbol),
                    name=_text(row.get("name")),
                    active=None,
                    exchange=_text(row.get("exchange")),
                    currency=_text(row.get("currency")),
                )
            )
        return found[:limit]


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
