"""Expected-return arithmetic for targets, and the weighted portfolio summary."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, localcontext

from domain.models import OPTION_MULTIPLIER, PositionType

_HUNDRED = Decimal(100)
_RETURN_QUANTUM = Decimal("0.000001")
_PRECISION = 80
"""Digits for return arithmetic: enough to quantize the ratio of any two prices below
10**12 (the import limit) without overflow."""


def expected_return(
    position_type: PositionType, price: Decimal | None, target: Decimal | None
) -> Decimal | None:
    """Return the percent gain from `price` to `target` for this position type.

    Long positions and long options gain as the price rises to the target;
    shorts and short options gain as it falls. A missing target gives None,
    and so does a price that is missing, zero or negative, since no return
    can be computed from it.
    """
    if target is None or price is None or price <= 0:
        return None
    with localcontext(prec=_PRECISION):
        return _percent_change(position_type, price, target)


def _percent_change(
    position_type: PositionType, price: Decimal, target: Decimal
) -> Decimal:
    change = price - target if position_type.is_short else target - price
    return (change / price * _HUNDRED).quantize(_RETURN_QUANTUM).normalize()


@dataclass(frozen=True, slots=True)
class TargetReturns:
    """Expected returns of one target at one price, in percent."""

    eoy: Decimal | None
    next_year: Decimal | None
    downside: Decimal | None


def target_returns(
    position_type: PositionType,
    price: Decimal | None,
    target_eoy: Decimal | None,
    target_next_year: Decimal | None,
    downside: Decimal | None,
) -> TargetReturns:
    """Compute the three expected returns of a target at `price`."""
    return TargetReturns(
        eoy=expected_return(position_type, price, target_eoy),
        next_year=expected_return(position_type, price, target_next_year),
        downside=expected_return(position_type, price, downside),
    )


@dataclass(frozen=True, slots=True)
class WeightedHolding:
    """A position joined with its target's returns, ready for weighting."""

    position_type: PositionType
    quantity: Decimal
    price: Decimal | None
    returns: TargetReturns | None


@dataclass(frozen=True, slots=True)
class PortfolioSummary:
    """Coverage and |market value|-weighted expected returns of a portfolio."""

    positions: int
    positions_with_targets: int
    coverage_pct: Decimal | None
    targets: int
    weighted_return_eoy: Decimal | None
    weighted_return_next_year: Decimal | None
    weighted_downside: Decimal | None
    market_value: Decimal


def market_value(
    position_type: PositionType, quantity: Decimal, price: Decimal
) -> Decimal:
    """Return quantity × price, times the contract multiplier for options."""
    value = quantity * price
    if position_type.is_option:
        value *= OPTION_MULTIPLIER
    return value


def summarize(holdings: Iterable[WeightedHolding], targets: int) -> PortfolioSummary:
    """Weight each holding's returns by its |market value|.

    A holding without a price or without a given return adds no weight to that
    return's average, so one missing target never drags an average to zero.
    """
    holdings = list(holdings)
    covered = [h for h in holdings if h.returns is not None]
    sums: dict[str, Decimal] = {
        "eoy": Decimal(0),
        "next_year": Decimal(0),
        "downside": Decimal(0),
    }
    weights: dict[str, Decimal] = dict.fromkeys(sums, Decimal(0))
    total_value = Decimal(0)
    for holding in holdings:
        if holding.price is None or holding.price <= 0:
            continue
        weight = abs(
            market_value(holding.position_type, holding.quantity, holding.price)
        )
        total_value += weight
        if holding.returns is None:
            continue
        for name in sums:
            value = getattr(holding.returns, name)
            if value is not None:
                sums[name] += value * weight
                weights[name] += weight

    def average(name: str) -> Decimal | None:
        if weights[name] == 0:
            return None
        with localcontext(prec=_PRECISION):
            return (sums[name] / weights[name]).quantize(_RETURN_QUANTUM).normalize()

    coverage = None
    if holdings:
        coverage = (Decimal(len(covered)) / len(holdings) * _HUNDRED).quantize(
            Decimal("0.01")
        )
    return PortfolioSummary(
        positions=len(holdings),
        positions_with_targets=len(covered),
        coverage_pct=coverage,
        targets=targets,
        weighted_return_eoy=average("eoy"),
        weighted_return_next_year=average("next_year"),
        weighted_downside=average("downside"),
        market_value=total_value,
    )
