"""The emulator's securities and their deterministic daily prices.

`universe.csv` lists real US tickers with a reference price that is close to
a recent market price but is not market data. Synthetic tickers XA0001,
XA0002, … are added at load time so that benchmarks can request thousands of
symbols. Every price is a pure function of (symbol, session), so two runs
and both wire formats always agree.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from functools import lru_cache
from pathlib import Path

from domain.calendar import NEW_YORK

UNIVERSE_CSV = Path(__file__).with_name("universe.csv")
SYNTHETIC_PREFIX = "XA"
DEFAULT_SYNTHETIC_COUNT = 5000
# Bars exist from this session on unless a listing sets its own first session.
DEFAULT_FIRST_SESSION = dt.date(2000, 1, 3)
SYNTHETIC_FIRST_SESSION = dt.date(2015, 1, 2)
# A close stays within this fraction above or below the reference price.
CLOSE_BAND = Decimal("0.03")

_CENT = Decimal("0.01")
_TEN_THOUSANDTH = Decimal("0.0001")
_HASH_SCALE = 2**64

# Market identifier codes that Polygon reports as `primary_exchange`.
POLYGON_EXCHANGE = {
    "NASDAQ": "XNAS",
    "NYSE": "XNYS",
    "NYSEARCA": "ARCX",
    "OTC": "OTCM",
}


@dataclass(frozen=True, slots=True)
class Listing:
    """One security the emulator serves.

    Attributes:
        symbol: Canonical ticker (share class with a dot).
        name: Company or fund name.
        exchange: Listing venue as FMP names it: NASDAQ, NYSE, NYSEARCA or OTC.
        kind: CS (common stock), ETF, ETN or FUND (mutual fund). Polygon's
            stock endpoints do not serve mutual funds, so FUND listings exist
            only on the FMP side.
        reference_price: Centre of the band that daily closes move in.
        active: Whether the ticker still trades.
        first_session: First session with a bar.
        last_session: Last session with a bar, or None while it still trades.
        synthetic: Whether the ticker was generated rather than read from the
            data file.
    """

    symbol: str
    name: str
    exchange: str
    kind: str
    reference_price: Decimal
    active: bool
    first_session: dt.date
    last_session: dt.date | None
    synthetic: bool = False

    def trades_on(self, session: dt.date) -> bool:
        """Return True if the listing has a bar for `session` (a trading day)."""
        if session < self.first_session:
            return False
        return self.last_session is None or session <= self.last_session

    @property
    def on_polygon(self) -> bool:
        """Whether Polygon's stock endpoints serve this listing."""
        return self.kind != "FUND"


@dataclass(frozen=True, slots=True)
class DailyBar:
    """One session's prices of a listing, as floats ready for JSON."""

    symbol: str
    session: dt.date
    open: float
    high: float
    low: float
    close: float
    volume: int
    vwap: float
    transactions: int

    @property
    def start_ms(self) -> int:
        """Bar start as Polygon writes it: epoch ms of midnight New York time."""
        midnight = dt.datetime.combine(self.session, dt.time(0), tzinfo=NEW_YORK)
        return int(midnight.timestamp()) * 1000

    @property
    def close_epoch(self) -> int:
        """Epoch seconds of the session's 16:00 New York close."""
        close = dt.datetime.combine(self.session, dt.time(16), tzinfo=NEW_YORK)
        return int(close.timestamp())


def _unit(symbol: str, session: dt.date, salt: str) -> Decimal:
    """Return a deterministic number in [0, 1) for a symbol, day and purpose."""
    digest = hashlib.blake2b(
        f"{symbol}|{session.isoformat()}|{salt}".encode(), digest_size=8
    ).digest()
    return Decimal(int.from_bytes(digest, "big")) / _HASH_SCALE


def _round_price(value: Decimal) -> float:
    step = _CENT if value >= 1 else _TEN_THOUSANDTH
    return float(value.quantize(step, rounding=ROUND_HALF_EVEN))


@lru_cache(maxsize=65536)
def daily_bar(listing: Listing, session: dt.date) -> DailyBar:
    """Compute a listing's bar for a session from a hash of (symbol, session)."""
    symbol = listing.symbol
    reference = listing.reference_price
    close = reference * (1 + CLOSE_BAND * (2 * _unit(symbol, session, "c") - 1))
    open_ = close * (
        1 + Decimal("0.02") * (_unit(symbol, session, "o") - Decimal("0.5"))
    )
    high = max(open_, close) * (1 + Decimal("0.01") * _unit(symbol, session, "h"))
    low = min(open_, close) * (1 - Decimal("0.01") * _unit(symbol, session, "l"))
    volume = 50_000 + int(_unit(symbol, session, "v") * 40_000_000)
    return DailyBar(
        symbol=symbol,
        session=session,
        open=_round_price(open_),
        high=_round_price(high),
        low=_round_price(low),
        close=_round_price(close),
        volume=volume,
        vwap=_round_price((high + low + close) / 3),
        transactions=max(volume // 90, 1),
    )


class Universe:
    """The listings the emulator serves, looked up by canonical symbol."""

    def __init__(self, listings: Iterable[Listing]) -> None:
        self._by_symbol = {listing.symbol: listing for listing in listings}
        self._sorted = sorted(self._by_symbol.values(), key=lambda item: item.symbol)

    def __iter__(self) -> Iterator[Listing]:
        return iter(self._sorted)

    def __len__(self) -> int:
        return len(self._sorted)

    def get(self, symbol: str) -> Listing | None:
        """Return the listing of a canonical symbol, or None if unknown."""
        return self._by_symbol.get(symbol)

    def search(self, text: str) -> list[Listing]:
        """Return listings whose ticker starts with or whose name contains `text`.

        Ticker matches come first, then name matches, each in ticker order.
        """
        needle = text.strip()
        if not needle:
            return []
        upper, lower = needle.upper(), needle.lower()
        by_ticker = [item for item in self._sorted if item.symbol.startswith(upper)]
        by_name = [
            item
            for item in self._sorted
            if not item.symbol.startswith(upper) and lower in item.name.lower()
        ]
        return by_ticker + by_name


def _synthetic(count: int) -> Iterator[Listing]:
    for number in range(1, count + 1):
        symbol = f"{SYNTHETIC_PREFIX}{number:04d}"
        unit = _unit(symbol, SYNTHETIC_FIRST_SESSION, "reference")
        yield Listing(
            symbol=symbol,
            name=f"Synthetic Emulator Company {number:04d} (not a real security)",
            exchange="NASDAQ" if number % 2 else "NYSE",
            kind="CS",
            reference_price=(5 + unit * 495).quantize(_CENT),
            active=True,
            first_session=SYNTHETIC_FIRST_SESSION,
            last_session=None,
            synthetic=True,
        )


def _optional_date(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text.strip() else None


def load_universe(
    path: Path = UNIVERSE_CSV, synthetic_count: int = DEFAULT_SYNTHETIC_COUNT
) -> Universe:
    """Read the listings file and add `synthetic_count` synthetic tickers.

    Raises:
        ValueError: if a row has an invalid price, date or active flag. The
            message names the row.
    """
    if not 0 <= synthetic_count <= 9999:
        raise ValueError(f"synthetic_count must be 0 to 9999, not {synthetic_count}")
    listings: list[Listing] = []
    with path.open(newline="", encoding="utf-8") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            try:
                listings.append(
                    Listing(
                        symbol=row["symbol"],
                        name=row["name"],
                        exchange=row["exchange"],
                        kind=row["type"],
                        reference_price=Decimal(row["reference_price"]),
                        active={"true": True, "false": False}[row["active"]],
                        first_session=_optional_date(row["first_session"])
                        or DEFAULT_FIRST_SESSION,
                        last_session=_optional_date(row["last_session"]),
                    )
                )
            except (KeyError, ArithmeticError, ValueError) as exc:
                raise ValueError(f"{path}:{line}: invalid listing row: {exc}") from exc
    listings.extend(_synthetic(synthetic_count))
    return Universe(listings)
