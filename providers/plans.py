"""Provider plans: request limits, history windows and entitled endpoints.

The fetch engine paces requests with these numbers and the emulator enforces
them. Each figure names its source. Polygon and FMP change their plans from
time to time, so a figure marked NOTE is an estimate to check against the
provider's plan page.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Endpoint(StrEnum):
    """Names of the provider endpoints, as request logs and limiters use them."""

    # Polygon
    POLYGON_PREV = "prev"
    POLYGON_RANGE = "range"
    POLYGON_GROUPED = "grouped"
    POLYGON_SNAPSHOT = "snapshot"
    POLYGON_SNAPSHOT_TICKER = "snapshot_ticker"
    POLYGON_TICKERS = "tickers"
    POLYGON_TICKER_DETAILS = "ticker_details"
    # FMP
    FMP_QUOTE = "quote"
    FMP_BATCH_QUOTE = "batch_quote"
    FMP_HISTORICAL_EOD = "historical_eod"
    FMP_SEARCH = "search_symbol"
    FMP_LEGACY_QUOTE = "legacy_quote"


POLYGON_SNAPSHOT_ENDPOINTS = frozenset(
    {Endpoint.POLYGON_SNAPSHOT, Endpoint.POLYGON_SNAPSHOT_TICKER}
)

# FMP's free plan serves a fixed sample of large US symbols and responds with
# 402 "Premium Query Parameter" for any other symbol.
# NOTE: FMP does not publish the sample as a stable list. This set is an
# approximation of about 87 symbols, written in FMP's spelling.
_FMP_FREE_SAMPLE = """
    AAL AAPL ABBV ADBE AMD AMZN ATVI BA BABA BAC BIDU BILI C CARR CCL COIN
    COST CPRX CSCO CVX DAL DIS DOCU ET ETSY F FDX FUBO GE GM GOOGL GS HCA HOOD
    INTC JNJ JPM KO LCID LMT META MGM MRNA MRO MSFT NFLX NIO NKE NOK NVDA PEP
    PFE PINS PLTR PYPL QQQ RBLX RIOT RIVN ROKU SBUX SHOP SIRI SNAP SOFI SONY
    SPY SPYG SQ T TGT TLRY TSLA TSM UAL UBER UNH V VWO VZ WBA WFC WMT XOM ZM
"""
FMP_FREE_SYMBOLS = frozenset(_FMP_FREE_SAMPLE.split())


@dataclass(frozen=True, slots=True)
class Plan:
    """One subscription plan of one provider.

    Attributes:
        provider: "fmp" or "polygon".
        name: Plan name in lower case, such as "free" or "starter".
        per_minute: Maximum requests in any 60-second window, or None if
            the plan sets no per-minute limit.
        per_day: Maximum requests per calendar day, or None.
        batch_quote: Whether FMP's /stable/batch-quote is included.
        snapshots: Whether Polygon's snapshot endpoints are included.
        max_batch: Maximum symbols in one batch-quote or snapshot request;
            1 when the plan has no batch endpoint.
        history_days: Calendar days of daily bars the plan serves, counted
            back from today, or None for the provider's full history.
        symbols: Symbols the plan serves in the provider's spelling, or None
            for every symbol.
    """

    provider: str
    name: str
    per_minute: int | None
    per_day: int | None
    batch_quote: bool
    snapshots: bool
    max_batch: int
    history_days: int | None
    symbols: frozenset[str] | None = None

    def allows(self, endpoint: str) -> bool:
        """Return True if requests to `endpoint` are part of this plan."""
        if endpoint in POLYGON_SNAPSHOT_ENDPOINTS:
            return self.snapshots
        if endpoint == Endpoint.FMP_BATCH_QUOTE:
            return self.batch_quote
        # Accounts created after 2025-08-31 get 403 on every /api/v3 path.
        return endpoint != Endpoint.FMP_LEGACY_QUOTE

    def serves_symbol(self, provider_symbol: str) -> bool:
        """Return True if the plan serves a symbol, given in the provider's spelling."""
        return self.symbols is None or provider_symbol in self.symbols


_YEAR = 365

PLANS: tuple[Plan, ...] = (
    # Polygon Stocks Basic: free, 5 calls per minute, end-of-day data only,
    # 2 years of history, no snapshots. Plan figures here are as Polygon and
    # FMP listed them in 2025 and are not checked against live accounts.
    Plan("polygon", "free", 5, None, False, False, 1, 2 * _YEAR),
    # Polygon's paid plans advertise unlimited calls. 100/min (Starter) and
    # 1,000/min (Developer) are the limits a production deployment used to
    # stay clear of throttling. History: 5, 10 and 20 years.
    # NOTE: Polygon documents no maximum for tickers= in a snapshot request;
    # 250 keeps the URL well under common 8 KiB request-line limits.
    Plan("polygon", "starter", 100, None, False, True, 250, 5 * _YEAR),
    Plan("polygon", "developer", 1000, None, False, True, 250, 10 * _YEAR),
    Plan("polygon", "advanced", 10000, None, False, True, 250, 20 * _YEAR),
    # FMP Basic: free, 250 calls per day, end-of-day data, sample symbols only,
    # no batch quote.
    # NOTE: the 5-year history window of the free plan is an estimate.
    Plan("fmp", "free", None, 250, False, False, 1, 5 * _YEAR, FMP_FREE_SYMBOLS),
    # FMP Starter 300/min, Premium 750/min, Ultimate 3,000/min.
    # NOTE: FMP documents no maximum for symbols= in batch-quote, so 100 is a
    # conservative chunk size.
    Plan("fmp", "starter", 300, None, True, False, 100, 5 * _YEAR),
    Plan("fmp", "premium", 750, None, True, False, 100, 30 * _YEAR),
    Plan("fmp", "ultimate", 3000, None, True, False, 100, None),
)


def plan_for(provider: str, name: str) -> Plan:
    """Look up a plan by provider and plan name (case-insensitive).

    Raises:
        ValueError: if the provider has no plan of that name. The message
            lists the known plans.
    """
    requested = (provider.strip().lower(), name.strip().lower())
    for plan in PLANS:
        if (plan.provider, plan.name) == requested:
            return plan
    known = ", ".join(f"{plan.provider}/{plan.name}" for plan in PLANS)
    raise ValueError(f"unknown plan {provider}/{name}: use one of {known}")
