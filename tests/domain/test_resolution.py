"""The price-resolution order: live, fresh cache, stale cache, user, nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from domain.calendar import NEW_YORK
from domain.models import PriceSource
from domain.quotes import Quote
from domain.resolution import resolve_price, resolve_recorded

NOW = dt.datetime(2024, 5, 28, 8, 0, tzinfo=NEW_YORK)  # latest session: Fri 05-24


def quote(day: str, source: str = "polygon", price: str = "189.98") -> Quote:
    session = dt.date.fromisoformat(day)
    as_of = dt.datetime.combine(session, dt.time(16), NEW_YORK)
    return Quote("AAPL", Decimal(price), session, as_of, source, as_of)


def test_live_quote_wins() -> None:
    resolved = resolve_price(now=NOW, user_price=Decimal(1), live=quote("2024-05-24"))
    assert resolved.source == PriceSource.POLYGON
    assert resolved.stale is False


def test_cache_of_latest_session_is_fresh() -> None:
    resolved = resolve_price(now=NOW, user_price=None, cached=quote("2024-05-24"))
    assert resolved.source == PriceSource.FRESH_CACHE
    assert resolved.age_sessions == 0


def test_cache_within_tolerance_is_stale() -> None:
    resolved = resolve_price(now=NOW, user_price=None, cached=quote("2024-05-21"))
    assert resolved.source == PriceSource.STALE_CACHE
    assert resolved.stale is True
    assert resolved.age_sessions == 3


def test_cache_past_tolerance_gives_user_price() -> None:
    resolved = resolve_price(
        now=NOW, user_price=Decimal("80"), cached=quote("2024-05-20"), reason="fmp: 504"
    )
    assert resolved.source == PriceSource.USER
    assert resolved.price == Decimal("80")
    assert resolved.reason == "fmp: 504"


def test_nothing_left_is_unresolved_with_reason() -> None:
    resolved = resolve_price(now=NOW, user_price=None)
    assert resolved.price is None
    assert resolved.source is None
    assert resolved.reason


def test_zero_user_price_is_not_a_price() -> None:
    assert resolve_price(now=NOW, user_price=Decimal(0)).price is None


def test_recorded_live_price_keeps_source_while_current() -> None:
    resolved = resolve_recorded(
        now=NOW, user_price=None, recorded=quote("2024-05-24", "fmp")
    )
    assert resolved.source == PriceSource.FMP


def test_recorded_live_price_turns_stale_cache() -> None:
    later = dt.datetime(2024, 5, 30, 17, 0, tzinfo=NEW_YORK)
    resolved = resolve_recorded(
        now=later, user_price=None, recorded=quote("2024-05-24", "fmp")
    )
    assert resolved.source == PriceSource.STALE_CACHE
    assert resolved.age_sessions == 3
