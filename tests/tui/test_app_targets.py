"""Target pane: sort, filter, select, delete, portfolio switch and help."""

from __future__ import annotations

from decimal import Decimal

from textual.pilot import Pilot
from textual.widgets import DataTable, Input, OptionList
from tui_helpers import make_app, send_burst, settle

from domain.models import PositionType, TargetPrice
from storage.importer import write_import
from storage.portfolios import list_targets
from storage.store import Store
from tui.app import TargetdeskApp
from tui.sample import load_demo_data
from tui.screens import ConfirmScreen, HelpScreen, PortfolioPicker
from tui.widgets.targets import FILTER_DELAY


def first_symbols(app: TargetdeskApp, count: int) -> list[str]:
    table = app.target_pane.table
    return [str(table.get_row_at(i)[0]) for i in range(count)]


async def wait_for_filter(pilot: Pilot[None], app: TargetdeskApp) -> None:
    """Wait until a filter change that waits for FILTER_DELAY has applied."""
    for _ in range(100):
        if not app.target_pane.filter_pending:
            return
        await pilot.pause(FILTER_DELAY)
    raise AssertionError("the filter change did not apply in 100 waits")


async def add_second_portfolio(store: Store) -> None:
    target = TargetPrice(
        "ZM", PositionType.LONG, Decimal("96.62"), None, Decimal("65"), Decimal("80")
    )
    await write_import(store, "watchlist", [target], [])


async def test_demo_portfolio_loads(store: Store) -> None:
    await load_demo_data(store)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.portfolio == "demo"
        assert app.target_pane.table.row_count == 35
        assert first_symbols(app, 2) == ["AAPL", "ABBV"]


async def test_sort_key_cycles_column(store: Store) -> None:
    await load_demo_data(store)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        assert app.target_pane.state.sort_column == "eoy"
        returns = [
            app.target_pane.state.views[key].returns.eoy
            for key in app.target_pane.state.visible_keys(app.clock())
        ]
        assert returns == sorted(returns)  # type: ignore[type-var]
        await pilot.press("S")
        assert app.target_pane.border_subtitle == "sort: EOY % descending"
        assert first_symbols(app, 1) == ["TSLA"]


async def test_filter_shows_matching_rows(store: Store) -> None:
    await load_demo_data(store)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash", "M", "S", "F")
        await wait_for_filter(pilot, app)
        assert app.target_pane.table.row_count == 1
        await pilot.press("enter")
        assert app.focused is app.target_pane.table
        assert app.target_pane.table.row_count == 1
        await pilot.press("slash", "escape")
        assert app.target_pane.table.row_count == 35


async def test_filter_keys_in_one_burst(store: Store) -> None:
    """Keys read with "/" in one burst (a paste, an SSH packet) go to the filter."""
    await load_demo_data(store)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        send_burst(app, "/MSF")
        await pilot.pause()
        await wait_for_filter(pilot, app)
        line = app.query_one("#target-filter", Input)
        assert line.value == "MSF"
        assert app.focused is line
        assert app.target_pane.table.row_count == 1


async def test_keys_of_one_burst_act_in_order(store: Store) -> None:
    """ "i" then "/tmp" in one burst opens the dialog and types the path."""
    await load_demo_data(store)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        send_burst(app, "i/tmp")
        await settle(pilot)
        await pilot.pause(0.2)
        assert not app.query_one("#target-filter", Input).display
        path_line = app.screen.query_one(Input)
        assert path_line.value.endswith("/tmp")


async def test_slash_types_into_other_inputs(store: Store) -> None:
    """ "/" opens the filter only from the panes; in a path it is a character."""
    await load_demo_data(store)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await pilot.pause()
        path_line = app.screen.query_one(Input)
        await pilot.press("slash", "t", "m", "p")
        assert path_line.value.endswith("/tmp")
        assert not app.query_one("#target-filter", Input).display


async def test_delete_after_confirm(store: Store) -> None:
    await load_demo_data(store)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert app.target_pane.table.row_count == 34
        assert first_symbols(app, 1) == ["ABBV"]
    async with store.sessions() as session:
        symbols = [t.target.symbol for t in await list_targets(session, "demo")]
    assert "AAPL" not in symbols
    assert len(symbols) == 34


async def test_delete_declined_keeps_row(store: Store) -> None:
    await load_demo_data(store)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("d", "n")
        await settle(pilot)
        assert app.target_pane.table.row_count == 35
    async with store.sessions() as session:
        assert len(await list_targets(session, "demo")) == 35


async def test_delete_selected_rows(store: Store) -> None:
    await load_demo_data(store)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("space", "down", "down", "space")
        assert first_symbols(app, 1) == ["✓AAPL"]
        await pilot.press("d", "y")
        await settle(pilot)
        assert app.target_pane.table.row_count == 33
    async with store.sessions() as session:
        symbols = {t.target.symbol for t in await list_targets(session, "demo")}
    assert "AAPL" not in symbols
    assert "ADBE" not in symbols


async def test_portfolio_switch_by_picker(store: Store) -> None:
    await load_demo_data(store)
    await add_second_portfolio(store)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, PortfolioPicker)
        options = app.screen.query_one(OptionList)
        assert options.option_count == 2
        await pilot.press("down", "enter")
        await settle(pilot)
        assert app.portfolio == "watchlist"
        assert first_symbols(app, 1) == ["ZM"]
        assert app.target_pane.table.row_count == 1


async def test_help_lists_every_key(store: Store) -> None:
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one(DataTable)
        keys = {str(table.get_row_at(i)[0]) for i in range(table.row_count)}
        expected = ("i", "p", "s", "/", "d", "r", "R", "x", "t", "e", "?", "q")
        for key in (*expected, "ctrl+c", "ctrl+q"):
            assert key in keys, key
        where = {
            str(table.get_row_at(i)[0]): str(table.get_row_at(i)[2])
            for i in range(table.row_count)
        }
        assert where["ctrl+q"] == "everywhere"
        assert where["ctrl+c"] == "outside text fields"
        assert where["q"] == "panes"
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_ctrl_c_quits(store: Store) -> None:
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert not app.is_running


async def test_ctrl_c_quits_from_dialog(store: Store) -> None:
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await pilot.pause()
        await pilot.press("tab", "tab")
        assert not isinstance(app.focused, Input)
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert not app.is_running


async def test_empty_database_explains_import(store: Store) -> None:
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        hint = app.screen.query_one("#target-empty")
        assert hint.display is True
        assert app.portfolio is None


async def test_zoom_maximises_focused_pane(store: Store) -> None:
    await load_demo_data(store)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("z")
        assert app.screen.maximized is app.target_pane
        await pilot.press("z")
        assert app.screen.maximized is None
