"""Names, paths and cells with square brackets show as typed, never as markup."""

from __future__ import annotations

import pytest
from rich.console import Console
from textual.content import Content
from textual.widgets import OptionList
from tui_helpers import settle

from domain.models import PositionType, TargetPrice
from storage.importer import write_import
from storage.store import Store
from tui.app import TargetdeskApp
from tui.output import print_table
from tui.widgets.portfolio import PortfolioPane

NAMES = ["a[/]b", "we[ir]d", "x[bold]y"]


@pytest.mark.parametrize("name", NAMES)
async def test_portfolio_name_shown_as_typed(store: Store, name: str) -> None:
    target = TargetPrice("AAPL", PositionType.LONG, None, None, None, None)
    await write_import(store, name, [target], [])
    app = TargetdeskApp(store, portfolio=name)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        pane = app.query_one(PortfolioPane)
        assert pane.border_title is not None
        # The getter returns markup; reading it back gives the text shown.
        title_text = Content.from_markup(pane.border_title).plain
        assert title_text == f"Portfolio: {name}"
        option = app.query_one("#portfolio-list", OptionList).get_option(name)
        assert name in str(option.prompt)
        app.notify(f"Deleted 1 target(s) from {name}.")
        await settle(pilot)


@pytest.mark.parametrize("name", NAMES)
def test_table_output_keeps_brackets(name: str) -> None:
    console = Console(width=80, record=True)
    print_table(console, ["Portfolio", "Symbol"], [[name, "AAPL"]], title=name)
    text = console.export_text()
    assert text.count(name) == 2
