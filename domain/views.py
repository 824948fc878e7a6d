"""Targets as the command line and the TUI show them, with price and returns."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from domain.models import ResolvedPrice, TargetPrice
from domain.returns import TargetReturns, target_returns


@dataclass(frozen=True, slots=True)
class TargetView:
    """A target price, the price resolved for it and the returns at that price."""

    portfolio: str
    target: TargetPrice
    resolved: ResolvedPrice
    returns: TargetReturns

    @property
    def symbol(self) -> str:
        """The target's canonical symbol."""
        return self.target.symbol


def build_target_view(
    portfolio: str, target: TargetPrice, resolved: ResolvedPrice
) -> TargetView:
    """Compute the returns of `target` at the resolved price."""
    returns = target_returns(
        target.position_type,
        resolved.price,
        target.target_eoy,
        target.target_next_year,
        target.downside,
    )
    return TargetView(portfolio, target, resolved, returns)


def _number(value: Decimal | None) -> Decimal | int | None:
    """Return an integral value as int and any other as the exact Decimal.

    A float would round values beyond about 16 significant digits, so the
    JSON and CSV writers print the Decimal's own text.
    """
    if value is None:
        return None
    if value == value.to_integral_value() and abs(value) < 10**15:
        return int(value)
    return value


def _time(value: dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat()


TARGET_JSON_KEYS = (
    "portfolio",
    "symbol",
    "position_type",
    "target_eoy",
    "target_next_year",
    "downside",
    "current_price",
    "price",
    "price_source",
    "price_as_of",
    "price_session",
    "stale",
    "age_sessions",
    "price_reason",
    "expected_return_eoy",
    "expected_return_next_year",
    "downside_return",
)
"""Keys of each object `targetdesk targets --format json` prints, in order."""


def target_view_json(view: TargetView) -> dict[str, object]:
    """Return the JSON object `targetdesk targets --format json` prints for a row."""
    target = view.target
    resolved = view.resolved
    return {
        "portfolio": view.portfolio,
        "symbol": target.symbol,
        "position_type": target.position_type.value,
        "target_eoy": _number(target.target_eoy),
        "target_next_year": _number(target.target_next_year),
        "downside": _number(target.downside),
        "current_price": _number(target.current_price),
        "price": _number(resolved.price),
        "price_source": None if resolved.source is None else resolved.source.value,
        "price_as_of": _time(resolved.as_of),
        "price_session": None
        if resolved.session is None
        else resolved.session.isoformat(),
        "stale": resolved.stale,
        "age_sessions": resolved.age_sessions,
        "price_reason": resolved.reason,
        "expected_return_eoy": _number(view.returns.eoy),
        "expected_return_next_year": _number(view.returns.next_year),
        "downside_return": _number(view.returns.downside),
    }
