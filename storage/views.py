"""Targets joined with their resolved prices, as every view shows them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from domain.resolution import DEFAULT_STALE_SESSIONS, resolve_recorded
from domain.returns import PortfolioSummary, WeightedHolding, summarize, target_returns
from domain.views import TargetView, build_target_view
from storage.market import latest_quotes
from storage.portfolios import list_positions, list_targets
from storage.store import Store


async def load_target_views(
    store: Store,
    portfolio: str | None,
    *,
    now: dt.datetime,
    tolerance: int = DEFAULT_STALE_SESSIONS,
) -> list[TargetView]:
    """Load targets with the price each resolves to at `now`, without fetching.

    A target never refreshed takes the newest cached quote of its symbol, if
    one is within the tolerance, and otherwise the user's own price.
    """
    async with store.sessions() as session:
        stored = await list_targets(session, portfolio)
        unrecorded = sorted({s.target.symbol for s in stored if s.recorded is None})
        cached = await latest_quotes(session, unrecorded) if unrecorded else {}
    views = []
    for item in stored:
        recorded = item.recorded or cached.get(item.target.symbol)
        resolved = resolve_recorded(
            now=now,
            user_price=item.target.current_price,
            recorded=recorded,
            recorded_reason=item.recorded_reason,
            tolerance=tolerance,
        )
        views.append(build_target_view(item.portfolio, item.target, resolved))
    return views


async def load_summary(
    store: Store,
    portfolio: str,
    *,
    now: dt.datetime,
    tolerance: int = DEFAULT_STALE_SESSIONS,
    views: Sequence[TargetView] | None = None,
) -> PortfolioSummary:
    """Summarise a portfolio: coverage and |market value|-weighted returns.

    `views` are the portfolio's targets if the caller has loaded them already.
    """
    if views is None:
        views = await load_target_views(store, portfolio, now=now, tolerance=tolerance)
    by_key = {(v.target.symbol, v.target.position_type): v for v in views}
    async with store.sessions() as session:
        positions = await list_positions(session, portfolio)
    holdings = []
    for position in positions:
        if position.exit_date is not None:
            continue
        view = by_key.get((position.symbol, position.position_type))
        price = view.resolved.price if view else None
        returns = None
        if view is not None:
            returns = target_returns(
                position.position_type,
                price,
                view.target.target_eoy,
                view.target.target_next_year,
                view.target.downside,
            )
        holdings.append(
            WeightedHolding(position.position_type, position.quantity, price, returns)
        )
    return summarize(holdings, targets=len(views))
