"""Plan facts the engine and the emulator read."""

from __future__ import annotations

import pytest

from providers.plans import FMP_FREE_SYMBOLS, PLANS, Endpoint, plan_for


def test_polygon_free_limits() -> None:
    plan = plan_for("polygon", "free")
    assert plan.per_minute == 5
    assert plan.snapshots is False
    assert plan.history_days == 730


def test_polygon_free_endpoints() -> None:
    plan = plan_for("polygon", "free")
    assert plan.allows(Endpoint.POLYGON_PREV)
    assert plan.allows(Endpoint.POLYGON_GROUPED)
    assert not plan.allows(Endpoint.POLYGON_SNAPSHOT)
    assert not plan.allows(Endpoint.POLYGON_SNAPSHOT_TICKER)


@pytest.mark.parametrize(
    ("provider", "name", "per_minute"),
    [
        ("polygon", "starter", 100),
        ("polygon", "developer", 1000),
        ("fmp", "starter", 300),
        ("fmp", "premium", 750),
    ],
)
def test_paid_per_minute(provider: str, name: str, per_minute: int) -> None:
    assert plan_for(provider, name).per_minute == per_minute


def test_fmp_free_limits() -> None:
    plan = plan_for("fmp", "free")
    assert plan.per_day == 250
    assert plan.batch_quote is False
    assert plan.max_batch == 1


def test_fmp_free_sample_symbols() -> None:
    plan = plan_for("fmp", "free")
    assert plan.serves_symbol("AAPL")
    assert not plan.serves_symbol("VTI")


def test_fmp_paid_serves_every_symbol() -> None:
    assert plan_for("fmp", "starter").serves_symbol("VTI")


def test_fmp_legacy_never_allowed() -> None:
    assert not any(plan.allows(Endpoint.FMP_LEGACY_QUOTE) for plan in PLANS)


def test_fmp_sample_size() -> None:
    assert 80 <= len(FMP_FREE_SYMBOLS) <= 90


def test_plan_for_case_insensitive() -> None:
    assert plan_for(" Polygon ", "STARTER").name == "starter"


def test_plan_for_unknown_lists_plans() -> None:
    with pytest.raises(ValueError, match="polygon/free"):
        plan_for("polygon", "gold")
