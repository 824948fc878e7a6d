"""The portfolio pane: every portfolio, and the selected one's summary."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from domain.returns import PortfolioSummary
from tui.state.format import MISSING, format_percent_short

if TYPE_CHECKING:
    from storage.portfolios import PortfolioInfo


def summary_lines(summary: PortfolioSummary | None) -> str:
    """Describe a portfolio summary in two lines of text."""
    if summary is None:
        return "No portfolio yet: press i to import a CSV file."
    coverage = MISSING if summary.coverage_pct is None else f"{summary.coverage_pct}%"
    first = (
        f"{summary.targets} targets · {summary.positions} positions · "
        f"coverage {coverage}"
    )
    second = (
        f"weighted EOY {format_percent_short(summary.weighted_return_eoy)} · "
        f"next yr {format_percent_short(summary.weighted_return_next_year)} · "
        f"downside {format_percent_short(summary.weighted_downside)}"
    )
    return f"{first}\n{second}"


class PortfolioPane(Horizontal):
    """Lists portfolios with their target counts and summarises the chosen one."""

    ALLOW_MAXIMIZE = True

    class PortfolioChosen(Message):
        """The user chose a portfolio in the list."""

        def __init__(self, name: str) -> None:
            super().__init__()
            self.name = name
            """Name of the chosen portfolio."""

    def compose(self) -> ComposeResult:
        yield OptionList(id="portfolio-list")
        # Shown until the first load ends, which takes seconds for 100,000 targets.
        yield Static("Loading portfolios…", id="portfolio-summary")

    def on_mount(self) -> None:
        self.border_title = "Portfolio"

    def show_portfolios(
        self, portfolios: Sequence[PortfolioInfo], current: str | None
    ) -> None:
        """List the portfolios and highlight `current`."""
        options = self.query_one("#portfolio-list", OptionList)
        options.clear_options()
        for info in portfolios:
            marker = "▸" if info.name == current else " "
            options.add_option(
                Option(Content(f"{marker}{info.name} ({info.targets})"), id=info.name)
            )
        if current is not None and any(p.name == current for p in portfolios):
            options.highlighted = options.get_option_index(current)

    def show_summary(self, name: str | None, summary: PortfolioSummary | None) -> None:
        """Show a portfolio's summary, or how to create one when there is none."""
        # Content, not markup: a portfolio name may contain square brackets.
        title = "Portfolio" if name is None else f"Portfolio: {name}"
        self.border_title = Content(title)
        self.query_one("#portfolio-summary", Static).update(summary_lines(summary))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(self.PortfolioChosen(event.option.id))
