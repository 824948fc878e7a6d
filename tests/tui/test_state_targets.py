"""Target-table state: cell text, sorting, filtering and price updates."""

from __future__ import annotations

from decimal import Decimal

from tui_helpers import NOW, SESSION

from domain.events import PriceResolved
from domain.models import PositionType, PriceSource, ResolvedPrice, TargetPrice
from domain.views import TargetView, build_target_view
from tui.state.format import format_percent_short, format_sessions
from tui.state.targets import TargetTableState, range_bar, source_label


def view(
    symbol: str,
    price: str | None,
    source: PriceSource | None = PriceSource.USER,
    *,
    stale: bool = False,
    age: int | None = None,
    position_type: PositionType = PositionType.LONG,
) -> TargetView:
    target = TargetPrice(
        symbol=symbol,
        position_type=position_type,
        target_eoy=Decimal("120"),
        target_next_year=Decimal("140"),
        downside=Decimal("80"),
        current_price=Decimal("100"),
    )
    resolved = ResolvedPrice(
        price=None if price is None else Decimal(price),
        source=source,
        stale=stale,
        age_sessions=age,
    )
    return build_target_view("demo", target, resolved)


def test_source_labels_in_text() -> None:
    assert source_label(view("A", "1").resolved) == "user"
    assert source_label(view("A", "1", PriceSource.FMP).resolved) == "fmp"
    assert source_label(view("A", "1", PriceSource.FRESH_CACHE).resolved) == "cache"
    stale = view("A", "1", PriceSource.STALE_CACHE, stale=True, age=2)
    assert source_label(stale.resolved) == "stale 2d"
    assert source_label(view("A", None, None).resolved) == "—"


def test_range_bar_orders_markers() -> None:
    assert range_bar(view("A", "100")).plain == "D──●──E──N"


def test_range_bar_needs_two_values() -> None:
    lonely = build_target_view(
        "demo",
        TargetPrice("A", PositionType.LONG, None, None, None, None),
        ResolvedPrice(price=Decimal(5), source=PriceSource.USER),
    )
    assert range_bar(lonely).plain == "—"


def test_sort_by_return_descending() -> None:
    state = TargetTableState()
    state.load([view("LOW", "119"), view("HIGH", "90"), view("NONE", None, None)])
    state.sort_column = "eoy"
    state.sort_reverse = True
    assert state.visible_keys(NOW) == ["HIGH:LONG", "LOW:LONG", "NONE:LONG"]


def test_missing_sorts_last_ascending() -> None:
    state = TargetTableState()
    state.load([view("NONE", None, None), view("A", "90")])
    state.sort_column = "price"
    assert state.visible_keys(NOW) == ["A:LONG", "NONE:LONG"]


def test_cycle_sort_steps_columns() -> None:
    state = TargetTableState()
    state.cycle_sort()
    assert state.sort_column == "eoy"
    state.reverse_sort()
    assert state.describe() == "sort: EOY % descending"


def test_filter_by_symbol_substring() -> None:
    state = TargetTableState()
    state.load([view("AAPL", "1"), view("MSFT", "1")])
    state.filter_text = "aap"
    assert state.visible_keys(NOW) == ["AAPL:LONG"]


def test_filter_by_source() -> None:
    state = TargetTableState()
    state.load([view("AAPL", "1"), view("MSFT", "1", PriceSource.FMP)])
    state.filter_text = "fmp"
    assert state.visible_keys(NOW) == ["MSFT:LONG"]


def test_price_event_updates_both_types() -> None:
    state = TargetTableState()
    state.load(
        [view("TSLA", "100"), view("TSLA", "100", position_type=PositionType.SHORT)]
    )
    event = PriceResolved(
        at=NOW,
        symbol="TSLA",
        source="fmp",
        price=Decimal("110"),
        session=SESSION,
        stale=False,
        age_sessions=0,
    )
    changed = state.apply_prices([event])
    assert changed == ["TSLA:LONG", "TSLA:SHORT"]
    assert state.views["TSLA:LONG"].resolved.price == Decimal("110")
    assert state.cells("TSLA:SHORT", NOW)["source"].plain == "fmp"


def test_selected_row_marked_in_text() -> None:
    state = TargetTableState()
    state.load([view("AAPL", "1")])
    state.toggle_selected("AAPL:LONG")
    assert state.cells("AAPL:LONG", NOW)["symbol"].plain == "✓AAPL"


def test_age_fits_three_characters() -> None:
    for sessions, text in ((0, "0d"), (2, "2d"), (99, "99d"), (100, "99+")):
        assert format_sessions(sessions) == text


def test_age_in_sessions() -> None:
    state = TargetTableState()
    state.load([view("A", "1", PriceSource.STALE_CACHE, stale=True, age=2)])
    assert state.cells("A:LONG", NOW)["age"].plain == "2d"


def test_age_of_latest_session() -> None:
    state = TargetTableState()
    state.load([view("A", "1", PriceSource.FMP, age=0)])
    assert state.cells("A:LONG", NOW)["age"].plain == "0d"


def test_user_price_has_no_age() -> None:
    state = TargetTableState()
    state.load([view("A", "1", PriceSource.USER, age=0)])
    assert state.cells("A:LONG", NOW)["age"].plain == "—"


def test_sort_by_age_sessions() -> None:
    state = TargetTableState(sort_column="age")
    state.load(
        [
            view("OLD", "1", PriceSource.STALE_CACHE, stale=True, age=3),
            view("USER", "1"),
            view("NEW", "1", PriceSource.FMP, age=0),
        ]
    )
    assert state.visible_keys(NOW) == ["NEW:LONG", "OLD:LONG", "USER:LONG"]


def test_percent_fits_six_characters() -> None:
    assert format_percent_short(Decimal("20.775")) == "+20.8%"
    assert format_percent_short(Decimal("-150.2")) == "-150%"
    assert format_percent_short(None) == "—"
