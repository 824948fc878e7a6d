"""Target pane: in-place sort, bulk row replacement, delayed filter, prices."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rich.text import Text
from textual.app import App, ComposeResult
from textual.coordinate import Coordinate
from textual.pilot import Pilot
from textual.widgets.data_table import ColumnKey, RowKey
from tui_helpers import NOW, SESSION

from domain.events import PriceResolved
from domain.models import PositionType, PriceSource, ResolvedPrice, TargetPrice
from domain.views import TargetView, build_target_view
from tui.widgets.targets import FILTER_DELAY, FilterInput, TargetPane


class PaneApp(App[None]):
    """The target pane alone, loaded with `views`."""

    def __init__(self, views: list[TargetView]) -> None:
        super().__init__()
        self.views = views

    def compose(self) -> ComposeResult:
        yield TargetPane(id="targets")

    def on_mount(self) -> None:
        pane = self.query_one(TargetPane)
        pane.load(self.views, NOW)
        pane.table.focus()


def view(
    symbol: str,
    price: str,
    source: PriceSource = PriceSource.USER,
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
    resolved = ResolvedPrice(price=Decimal(price), source=source)
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


def many_views(count: int) -> list[TargetView]:
    """Return `count` targets whose EOY return falls as the symbol number rises."""
    return [view(f"S{index:03d}", str(60 + index)) for index in range(count)]


def table_keys(pane: TargetPane) -> list[str]:
    table = pane.table
    keys: list[str] = []
    for index in range(table.row_count):
        row_key, _column = table.coordinate_to_cell_key(Coordinate(index, 0))
        assert row_key.value is not None
        keys.append(row_key.value)
    return keys


async def wait_for_filter(pilot: Pilot[None], pane: TargetPane) -> None:
    for _ in range(100):
        if not pane.filter_pending:
            return
        await pilot.pause(FILTER_DELAY)
    raise AssertionError("the filter change did not apply in 100 waits")


async def test_sort_moves_rows_in_place() -> None:
    app = PaneApp(many_views(30))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        pane = app.query_one(TargetPane)
        cells_before = pane.table.get_row("S005:LONG")
        pane.move_cursor_to("S005:LONG")
        pane.cycle_sort()
        assert pane.state.sort_column == "eoy"
        assert table_keys(pane) == pane.state.visible_keys(NOW)
        assert table_keys(pane)[0] == "S029:LONG"
        assert pane.cursor_key() == "S005:LONG"
        assert pane.table.get_row("S005:LONG") == cells_before
        pane.reverse_sort()
        assert table_keys(pane) == pane.state.visible_keys(NOW)
        assert table_keys(pane)[0] == "S000:LONG"
        assert pane.cursor_key() == "S005:LONG"


async def test_sort_after_price_refilters() -> None:
    app = PaneApp([view("AAPL", "100"), view("MSFT", "100"), view("KO", "50")])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        pane = app.query_one(TargetPane)
        pane.apply_filter("fmp")
        assert pane.table.row_count == 0
        pane.apply_prices([resolved("MSFT", "90")], NOW)
        assert pane.table.row_count == 0
        pane.cycle_sort()
        assert table_keys(pane) == ["MSFT:LONG"]


async def test_sort_keeps_selection_mark() -> None:
    app = PaneApp(many_views(5))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        pane = app.query_one(TargetPane)
        pane.move_cursor_to("S002:LONG")
        pane.toggle_selected()
        pane.cycle_sort()
        assert table_keys(pane) == pane.state.visible_keys(NOW)
        symbol = pane.table.get_cell("S002:LONG", "symbol")
        assert isinstance(symbol, Text)
        assert symbol.plain == "✓S002"


async def test_replace_rows_orders_and_widens() -> None:
    app = PaneApp([view("A", "1")])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        pane = app.query_one(TargetPane)
        table = pane.table
        pane.state.load([view("LONGNAME", "123456.78"), view("B", "2")])
        table.replace_rows(
            (key, pane.state.row_cells(key)) for key in ["B:LONG", "LONGNAME:LONG"]
        )
        await pilot.pause()
        assert table_keys(pane) == ["B:LONG", "LONGNAME:LONG"]
        assert table.columns[ColumnKey("symbol")].content_width == len("LONGNAME")
        assert table.columns[ColumnKey("price")].content_width == len("123,456.78")
        assert table.get_row_index("LONGNAME:LONG") == 1
        assert table.virtual_size.height == 2 + table.header_height


async def test_replace_rows_rejects_bad_rows() -> None:
    app = PaneApp([view("A", "1")])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        pane = app.query_one(TargetPane)
        cells = pane.state.row_cells("A:LONG")
        with pytest.raises(ValueError, match="duplicate row keys"):
            pane.table.replace_rows([("A:LONG", cells), ("A:LONG", cells)])
        with pytest.raises(ValueError, match="has 2 cells, expected 9"):
            pane.table.replace_rows([("A:LONG", cells[:2])])
        assert table_keys(pane) == ["A:LONG"]


async def test_typing_burst_filters_twice() -> None:
    # The first keystroke filters at once, the rest of the burst once more.
    app = PaneApp([view("MSFT", "1"), view("MS", "1"), view("AAPL", "1")])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        pane = app.query_one(TargetPane)
        fills: list[int] = []
        replace_rows = pane.table.replace_rows

        def counted(rows: object, widths: object = None) -> None:
            fills.append(1)
            replace_rows(rows, widths)  # type: ignore[arg-type]

        pane.table.replace_rows = counted  # type: ignore[method-assign]
        pane.open_filter()
        line = pane.query_one(FilterInput)
        line.value = "M"
        line.value = "MS"
        line.value = "MSF"
        await pilot.pause()
        assert len(fills) == 1
        assert pane.filter_pending
        await wait_for_filter(pilot, pane)
        assert len(fills) == 2
        assert table_keys(pane) == ["MSFT:LONG"]


async def test_keystroke_after_pause_filters_at_once() -> None:
    app = PaneApp([view("MSFT", "1"), view("AAPL", "1")])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        pane = app.query_one(TargetPane)
        pane.open_filter()
        await pilot.press("a")
        assert not pane.filter_pending
        assert table_keys(pane) == ["AAPL:LONG"]
        await pilot.pause(FILTER_DELAY * 2)
        await pilot.press("backspace")
        assert not pane.filter_pending
        assert sorted(table_keys(pane)) == ["AAPL:LONG", "MSFT:LONG"]


async def test_enter_applies_pending_filter() -> None:
    app = PaneApp([view("MSFT", "1"), view("AAPL", "1")])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        pane = app.query_one(TargetPane)
        pane.open_filter()
        pane.query_one(FilterInput).value = "aap"
        await pilot.press("enter")
        assert not pane.filter_pending
        assert table_keys(pane) == ["AAPL:LONG"]
        assert app.focused is pane.table


async def test_escape_clears_filter_at_once() -> None:
    app = PaneApp([view("MSFT", "1"), view("AAPL", "1")])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        pane = app.query_one(TargetPane)
        pane.apply_filter("aap")
        pane.open_filter()
        await pilot.press("escape")
        assert not pane.filter_pending
        assert pane.state.filter_text == ""
        assert pane.table.row_count == 2


async def test_hidden_row_price_shows_later() -> None:
    app = PaneApp([view("MSFT", "1"), view("AAPL", "1")])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        pane = app.query_one(TargetPane)
        pane.apply_filter("aapl")
        assert pane.apply_prices([resolved("MSFT", "410")], NOW) == 1
        pane.apply_filter("")
        price = pane.table.get_cell("MSFT:LONG", "price")
        assert isinstance(price, Text)
        assert price.plain == "410.00"


async def test_price_updates_cells_in_place() -> None:
    app = PaneApp([view("MSFT", "1"), view("AAPL", "1")])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        pane = app.query_one(TargetPane)
        table = pane.table
        symbol = table.get_cell("AAPL:LONG", "symbol")
        pane.apply_prices([resolved("AAPL", "12345.5")], NOW)
        await pilot.pause()
        assert table.get_cell("AAPL:LONG", "symbol") is symbol
        assert table_keys(pane) == ["AAPL:LONG", "MSFT:LONG"]
        price = table.get_cell("AAPL:LONG", "price")
        assert isinstance(price, Text)
        assert price.plain == "12,345.50"
        assert table.columns[ColumnKey("price")].content_width == len("12,345.50")
        assert RowKey("MSFT:LONG") in table.rows


async def test_filter_keeps_column_widths() -> None:
    app = PaneApp([view("GOOGL", "1"), view("T", "1")])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        pane = app.query_one(TargetPane)
        symbol = pane.table.columns[ColumnKey("symbol")]
        before = symbol.content_width
        pane.apply_filter("t")
        await pilot.pause()
        assert table_keys(pane) == ["T:LONG"]
        assert symbol.content_width == before
        assert before >= len("GOOGL")


async def test_replace_rows_measures_without_widths() -> None:
    app = PaneApp([view("MSFT", "1")])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.query_one(TargetPane).table
        cells = [Text(f"cell{i}") for i in range(len(table.columns))]
        cells[0] = Text("AVERYLONGSYMBOL")
        table.replace_rows([("X:LONG", cells)])
        assert table.columns[ColumnKey("symbol")].content_width == len(
            "AVERYLONGSYMBOL"
        )
        table.replace_rows([("X:LONG", cells)], {"symbol": 30})
        assert table.columns[ColumnKey("symbol")].content_width == 30


async def test_narrower_price_keeps_column_width() -> None:
    # Asking the table to fit a narrower cell makes it measure the whole
    # column again, once per update: the price column only grows instead.
    app = PaneApp([view("MSFT", "12345.67"), view("AAPL", "1")])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        pane = app.query_one(TargetPane)
        price = pane.table.columns[ColumnKey("price")]
        wide = price.content_width
        pane.apply_prices([resolved("MSFT", "2")], NOW)
        await pilot.pause()
        assert price.content_width == wide
        pane.apply_prices([resolved("AAPL", "1234567.89")], NOW)
        await pilot.pause()
        assert price.content_width > wide
