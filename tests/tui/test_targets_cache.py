"""Target-table state: cached cells, the symbol index and sort ties."""

from __future__ import annotations

from decimal import Decimal

from tui_helpers import NOW, SESSION

from domain.events import PriceResolved
from domain.models import PositionType, PriceSource, ResolvedPrice, TargetPrice
from domain.views import TargetView, build_target_view
from tui.state.targets import COLUMN_KEYS, TargetTableState, key_of_cells


def view(
    symbol: str,
    price: str | None = "100",
    source: PriceSource | None = PriceSource.USER,
    *,
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
        price=None if price is None else Decimal(price), source=source
    )
    return build_target_view("demo", target, resolved)


def resolved(symbol: str, price: str) -> PriceResolved:
    return PriceResolved(
        at=NOW,
        symbol=symbol,
        source="fmp",
        price=Decimal(price),
        session=SESSION,
        stale=False,
        age_sessions=0,
    )


def loaded(*views: TargetView) -> TargetTableState:
    state = TargetTableState()
    state.load(views)
    return state


def test_row_cells_cached() -> None:
    state = loaded(view("AAPL"))
    first = state.row_cells("AAPL:LONG")
    assert state.row_cells("AAPL:LONG") is first
    assert len(first) == len(COLUMN_KEYS)
    assert [cell.plain for cell in first[:3]] == ["AAPL", "LONG", "100.00"]


def test_cells_follow_column_keys() -> None:
    state = loaded(view("AAPL"))
    cells = state.cells("AAPL:LONG", NOW)
    assert tuple(cells) == COLUMN_KEYS
    assert tuple(cells.values()) == state.row_cells("AAPL:LONG")


def test_price_rebuilds_only_its_rows() -> None:
    state = loaded(
        view("AAPL"),
        view("TSLA"),
        view("TSLA", position_type=PositionType.SHORT),
    )
    apple = state.row_cells("AAPL:LONG")
    tesla = state.row_cells("TSLA:LONG")
    changed = state.apply_prices([resolved("TSLA", "110")])
    assert changed == ["TSLA:LONG", "TSLA:SHORT"]
    assert state.row_cells("AAPL:LONG") is apple
    assert state.row_cells("TSLA:LONG") is not tesla
    assert state.row_cells("TSLA:LONG")[:2] == tesla[:2]
    assert state.row_cells("TSLA:LONG")[0] is tesla[0]
    assert state.cells("TSLA:LONG", NOW)["price"].plain == "110.00"
    assert state.cells("TSLA:SHORT", NOW)["source"].plain == "fmp"


def test_price_for_unknown_symbol() -> None:
    state = loaded(view("AAPL"))
    assert state.apply_prices([resolved("MSFT", "10")]) == []
    assert state.views["AAPL:LONG"].resolved.price == Decimal("100")


def test_remove_updates_symbol_index() -> None:
    state = loaded(
        view("TSLA"),
        view("TSLA", position_type=PositionType.SHORT),
    )
    state.remove("TSLA:LONG")
    assert state.apply_prices([resolved("TSLA", "110")]) == ["TSLA:SHORT"]
    state.remove("TSLA:SHORT")
    assert state.apply_prices([resolved("TSLA", "120")]) == []
    assert state.views == {}


def test_load_replaces_symbol_index() -> None:
    state = loaded(view("AAPL"))
    state.load([view("MSFT")])
    assert state.apply_prices([resolved("AAPL", "10")]) == []
    assert state.apply_prices([resolved("MSFT", "10")]) == ["MSFT:LONG"]


def test_load_drops_cached_cells() -> None:
    state = loaded(view("AAPL", "100"))
    state.row_cells("AAPL:LONG")
    state.load([view("AAPL", "250")])
    assert state.cells("AAPL:LONG", NOW)["price"].plain == "250.00"


def test_selection_rebuilds_symbol_cell() -> None:
    state = loaded(view("AAPL"))
    before = state.row_cells("AAPL:LONG")
    state.toggle_selected("AAPL:LONG")
    selected = state.row_cells("AAPL:LONG")
    assert selected is not before
    assert selected[0].plain == "✓AAPL"
    state.toggle_selected("AAPL:LONG")
    assert state.row_cells("AAPL:LONG")[0].plain == "AAPL"


def test_colour_change_rebuilds_cells() -> None:
    state = loaded(view("AAPL", "90"))
    assert state.cells("AAPL:LONG", NOW)["eoy"].style == "green"
    state.colour = False
    assert state.cells("AAPL:LONG", NOW)["eoy"].style == ""
    assert state.cells("AAPL:LONG", NOW)["source"].style == "italic"


def test_key_of_cells_strips_selection() -> None:
    state = loaded(view("AAPL", position_type=PositionType.SHORT))
    state.toggle_selected("AAPL:SHORT")
    symbol, position_type = state.row_cells("AAPL:SHORT")[:2]
    assert key_of_cells(symbol, position_type) == "AAPL:SHORT"


def test_reverse_sort_reverses_ties() -> None:
    state = loaded(view("A", "50"), view("B", "50"), view("C", None, None))
    state.sort_column = "price"
    assert state.visible_keys(NOW) == ["A:LONG", "B:LONG", "C:LONG"]
    state.sort_reverse = True
    assert state.visible_keys(NOW) == ["B:LONG", "A:LONG", "C:LONG"]
