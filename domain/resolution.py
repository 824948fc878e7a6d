"""The price-resolution policy: which price a target is shown with, and why.

Order: a live quote from this refresh, a cached quote for the latest completed
session (fresh), a cached quote within the stale tolerance, the user's own
price from the file, then nothing. Age is counted in NYSE sessions from the
quote's own session date, never from when it was fetched.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from domain.calendar import last_completed_session, sessions_between
from domain.models import PriceSource, ResolvedPrice
from domain.quotes import Quote

DEFAULT_STALE_SESSIONS = 3
"""Sessions a cached quote may lag the latest completed session and still be used."""


def _age(session: dt.date, now: dt.datetime) -> int:
    return sessions_between(session, last_completed_session(now))


def resolve_price(
    *,
    now: dt.datetime,
    user_price: Decimal | None,
    live: Quote | None = None,
    cached: Quote | None = None,
    tolerance: int = DEFAULT_STALE_SESSIONS,
    reason: str | None = None,
) -> ResolvedPrice:
    """Choose a price by the resolution order.

    Args:
        now: The moment the price is shown for (aware).
        user_price: The `current_price` from the user's file.
        live: A quote a provider returned during this refresh.
        cached: The newest cached quote for the symbol.
        tolerance: Sessions a cached quote may lag and still be shown (stale).
        reason: Why no provider returned a quote, kept when nothing else does.
    """
    if live is not None:
        age = _age(live.session, now)
        return ResolvedPrice(
            price=live.price,
            source=PriceSource(live.source),
            as_of=live.as_of,
            session=live.session,
            stale=age > 0,
            age_sessions=age,
        )
    if cached is not None:
        age = _age(cached.session, now)
        if age == 0:
            source = PriceSource.FRESH_CACHE
        elif age <= tolerance:
            source = PriceSource.STALE_CACHE
        else:
            source = None
        if source is not None:
            return ResolvedPrice(
                price=cached.price,
                source=source,
                as_of=cached.as_of,
                session=cached.session,
                stale=age > 0,
                age_sessions=age,
            )
    if user_price is not None and user_price > 0:
        return ResolvedPrice(price=user_price, source=PriceSource.USER, reason=reason)
    return ResolvedPrice(
        price=None,
        source=None,
        reason=reason or "no provider, cache or file price for this symbol",
    )


def resolve_recorded(
    *,
    now: dt.datetime,
    user_price: Decimal | None,
    recorded: Quote | None,
    recorded_reason: str | None = None,
    tolerance: int = DEFAULT_STALE_SESSIONS,
) -> ResolvedPrice:
    """Re-apply the policy to the price a past refresh recorded, without fetching.

    A price that was current when recorded keeps its source while its session
    is still the latest. Once newer sessions have closed it is a stale cached
    price, and past the tolerance the user's price is shown.
    """
    if recorded is not None and _age(recorded.session, now) == 0:
        source = recorded.source
        if source not in (PriceSource.FMP, PriceSource.POLYGON):
            source = PriceSource.FRESH_CACHE
        return ResolvedPrice(
            price=recorded.price,
            source=PriceSource(source),
            as_of=recorded.as_of,
            session=recorded.session,
            stale=False,
            age_sessions=0,
        )
    return resolve_price(
        now=now,
        user_price=user_price,
        cached=recorded,
        tolerance=tolerance,
        reason=recorded_reason,
    )
