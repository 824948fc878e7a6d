"""Rows of Polygon's aggregate and reference responses, read into domain types."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import lru_cache
from typing import Any

from domain.calendar import NEW_YORK
from domain.quotes import Bar, TickerInfo
from domain.symbols import canonical_from_provider
from providers.wire import to_amount, to_price


def bar_session(start_ms: object) -> dt.date | None:
    """Return the session of a daily bar from its start, epoch ms at NY midnight."""
    millis = to_amount(start_ms)
    if millis is None:
        return None
    return _session_at(millis)


@lru_cache(maxsize=256)
def _session_at(millis: Decimal) -> dt.date:
    # Cached because every row of a grouped response has the same start.
    return dt.datetime.fromtimestamp(float(millis) / 1000, NEW_YORK).date()


def bar_from(row: dict[str, Any], symbol: str) -> Bar | None:
    """Read one aggregate row as a daily bar, or None without a close or start."""
    close = to_price(row.get("c"))
    session = bar_session(row.get("t"))
    if close is None or session is None:
        return None
    return Bar(
        symbol=symbol,
        session=session,
        open=to_price(row.get("o")),
        high=to_price(row.get("h")),
        low=to_price(row.get("l")),
        close=close,
        volume=to_amount(row.get("v")),
    )


def ticker_info(row: dict[str, Any]) -> TickerInfo | None:
    """Read one reference-tickers row, or None without a ticker."""
    ticker = row.get("ticker")
    if not isinstance(ticker, str) or not ticker.strip():
        return None
    active = row.get("active")
    currency = row.get("currency_name")
    exchange = row.get("primary_exchange")
    name = row.get("name")
    return TickerInfo(
        symbol=canonical_from_provider(ticker),
        name=name if isinstance(name, str) else None,
        active=active if isinstance(active, bool) else None,
        exchange=exchange if isinstance(exchange, str) else None,
        currency=currency.upper() if isinstance(currency, str) else None,
    )
