"""Expected-return arithmetic and the weighted summary."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.models import PositionType
from domain.returns import WeightedHolding, expected_return, summarize, target_returns

D = Decimal


def test_zm_long_returns_match_worked_example() -> None:
    returns = target_returns(
        PositionType.LONG, D("80.00"), D("96.62"), D("111.12"), D("65.00")
    )
    assert returns.eoy == D("20.775")
    assert returns.next_year == D("38.9")
    assert returns.downside == D("-18.75")


@pytest.mark.parametrize(
    ("long_type", "short_type"),
    [(PositionType.LONG, PositionType.SHORT), (PositionType.LC, PositionType.SC)],
)
def test_short_sign_opposite_of_long(
    long_type: PositionType, short_type: PositionType
) -> None:
    long = expected_return(long_type, D("80"), D("96.62"))
    short = expected_return(short_type, D("80"), D("96.62"))
    assert long is not None
    assert short == -long


def test_long_put_uses_long_formula() -> None:
    assert expected_return(PositionType.LP, D("50"), D("40")) == D("-20")


def test_short_put_uses_short_formula() -> None:
    assert expected_return(PositionType.SP, D("50"), D("40")) == D("20")


def test_missing_target_gives_none_not_zero() -> None:
    assert expected_return(PositionType.LONG, D("80"), None) is None


@pytest.mark.parametrize("price", [None, D("0"), D("-1")])
def test_unusable_price_gives_no_return(price: Decimal | None) -> None:
    assert expected_return(PositionType.LONG, price, D("100")) is None


def test_repeating_fraction_is_rounded_not_infinite() -> None:
    value = expected_return(PositionType.LONG, D("3"), D("4"))
    assert value == D("33.333333")


def test_summary_weights_by_absolute_market_value() -> None:
    long = WeightedHolding(
        PositionType.LONG,
        D("10"),
        D("100"),
        target_returns(PositionType.LONG, D("100"), D("110"), None, None),
    )
    short = WeightedHolding(
        PositionType.SHORT,
        D("-30"),
        D("100"),
        target_returns(PositionType.SHORT, D("100"), D("70"), None, None),
    )
    summary = summarize([long, short], targets=2)
    # Weights 1,000 and 3,000: (10 × 1,000 + 30 × 3,000) / 4,000 = 25.
    assert summary.weighted_return_eoy == D("25")
    assert summary.weighted_return_next_year is None
    assert summary.coverage_pct == D("100.00")


def test_summary_option_value_uses_contract_multiplier() -> None:
    option = WeightedHolding(PositionType.LC, D("2"), D("5"), None)
    stock = WeightedHolding(PositionType.LONG, D("1"), D("10"), None)
    summary = summarize([option, stock], targets=0)
    assert summary.market_value == D("1010")
    assert summary.positions_with_targets == 0


def test_summary_without_positions_has_no_coverage() -> None:
    summary = summarize([], targets=35)
    assert summary.coverage_pct is None
    assert summary.targets == 35


def test_huge_target_does_not_overflow() -> None:
    value = expected_return(
        PositionType.LONG, D("80"), D("9999999999999999999999999999")
    )
    assert value is not None
    assert value > D("1e28")
