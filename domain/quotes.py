"""Market data values as the providers return them, in canonical symbols."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Quote:
    """A price for one symbol at the close (or last trade) of one session.

    Attributes:
        symbol: Canonical symbol (share class with a dot).
        price: The close or last price; always > 0.
        session: NYSE session date the price belongs to, in America/New_York.
        as_of: Aware time the price was observed at the exchange.
        source: Provider name, "fmp" or "polygon".
        fetched_at: Aware time the response was received.
    """

    symbol: str
    price: Decimal
    session: dt.date
    as_of: dt.datetime
    source: str
    fetched_at: dt.datetime


@dataclass(frozen=True, slots=True)
class Bar:
    """One daily OHLCV bar."""

    symbol: str
    session: dt.date
    open: Decimal | None
    high: Decimal | None
    low: Decimal | None
    close: Decimal
    volume: Decimal | None


@dataclass(frozen=True, slots=True)
class TickerInfo:
    """Reference data about a symbol from a provider's search or details."""

    symbol: str
    name: str | None
    active: bool | None
    exchange: str | None = None
    currency: str | None = None
