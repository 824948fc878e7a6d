"""The targetdesk TUI: portfolio, target prices, fetch queue and error log."""

from __future__ import annotations

import gc
import logging
from collections.abc import Iterable, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Input

from domain.events import (
    ErrorLogged,
    Event,
    PriceResolved,
    RefreshFinished,
)
from domain.models import PositionType
from tui.app_base import PaneApp, PaneScreen
from tui.screens import ConfirmScreen, HelpScreen, PortfolioPicker
from tui.screens.help import help_rows
from tui.screens.import_outcome import (
    ISSUE_KINDS,
    FileRejected,
    ImportOutcome,
    issue_message,
)
from tui.state.errors import IMPORT_PROVIDER
from tui.widgets import ErrorPane, PortfolioPane, QueuePane, TargetPane

if TYPE_CHECKING:
    pass

logger = logging.getLogger(__name__)


DRAIN_INTERVAL = 0.2
"""Seconds between applying buffered engine events to the panes."""

SOURCE_WORDS = {
    "fresh_cache": "from the cache",
    "stale_cache": "stale from the cache",
    "user": "from your file",
}
"""Words the refresh summary uses for each price source."""

DEFAULT_PORTFOLIO = "main"
"""Portfolio an import goes to when the database has none yet."""


PANE_ACTIONS = frozenset(
    {
        "import_file",
        "switch_portfolio",
        "refresh_all",
        "refresh_selected",
        "cancel_refresh",
        "retry_unresolved",
        "sort",
        "reverse_sort",
        "filter",
        "toggle_selected",
        "delete",
        "expand_error",
        "zoom",
        "help",
    }
)
"""Actions of the pane keys, which act only on the panes."""


class TargetdeskApp(PaneApp):
    """Price targets with live prices, and the work of fetching them in view."""

    CSS_PATH = "app.tcss"
    TITLE = "targetdesk"
    # Pane keys are priority bindings: the app runs each as the key arrives,
    # before passing on the next one, so keys of one burst (a paste, an SSH
    # packet) act in the order typed. check_action hands them to text inputs
    # and leaves other screens alone.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("i", "import_file", "Import", priority=True),
        Binding("p", "switch_portfolio", "Portfolio", priority=True),
        Binding("r", "refresh_all", "Refresh", priority=True),
        Binding("R", "refresh_selected", "Refresh rows", show=False, priority=True),
        Binding("x", "cancel_refresh", "Cancel", show=False, priority=True),
        Binding("t", "retry_unresolved", "Retry unresolved", show=False, priority=True),
        Binding("s", "sort", "Sort", priority=True),
        Binding("S", "reverse_sort", "Reverse sort", show=False, priority=True),
        Binding("slash", "filter", "Filter", priority=True),
        Binding("space", "toggle_selected", "Select row", show=False, priority=True),
        Binding("d", "delete", "Delete", priority=True),
        Binding("e", "expand_error", "Expand error", show=False, priority=True),
        Binding("z", "zoom", "Zoom", show=False, priority=True),
        Binding("question_mark", "help", "Help", priority=True),
        Binding("q", "quit", "Quit"),
        # Textual binds ctrl+c to a hint about ctrl+q. Here it quits, from the
        # panes and from dialogs, unless a text input keeps it for copying.
        Binding(
            "ctrl+c",
            "interrupt",
            "Quit",
            key_display="ctrl+c",
            show=False,
            priority=True,
        ),
        Binding("ctrl+q", "quit", "Quit", key_display="ctrl+q", show=False),
    ]

    def on_mount(self) -> None:
        if self.no_color:
            self.target_pane.state.colour = False
            self.queue_pane.colour = False
        self.set_interval(DRAIN_INTERVAL, self.drain_events)
        if self._store is None:
            # After the first refresh, so the screen is drawn before the
            # worker's imports and migrations hold the event loop.
            self.call_after_refresh(self.open_database)
        else:
            self._opened()

    # Engine events

    def post_event(self, event: Event) -> None:
        """Buffer an engine event; the drain timer applies it to the panes."""
        self.events.append(event)

    def drain_events(self) -> None:
        """Apply every buffered event, repainting each pane at most once."""
        events = self.events.drain()
        if not events:
            return
        if not self._panes_running():
            # The drain timer can fire once more while the app shuts down and
            # its panes are closing, one after another. The events no longer
            # matter then.
            return
        now = self.clock()
        queue = self.queue_pane
        changed = queue.queue.apply(events)
        queue.board.apply(events)
        queue.apply_jobs(changed, now)
        prices = [event for event in events if isinstance(event, PriceResolved)]
        if prices:
            self.target_pane.apply_prices(prices, now)
        self._apply_log_events(events)
        # Jobs, prices and log entries of a refresh stay alive for the whole
        # run. Without this, full collections rescanned all of them and grew
        # to 50 ms each, landing inside key presses while 1,000 jobs streamed.
        # Cyclic garbage frozen here waits for the next portfolio load.
        gc.freeze()

    def _panes_running(self) -> bool:
        """Return whether the fetch-queue, target and error panes are all running."""
        for pane_type in (QueuePane, TargetPane, ErrorPane):
            panes = self.query(pane_type)
            if not panes or not panes.first().is_running:
                return False
        return True

    def _apply_log_events(self, events: Sequence[Event]) -> None:
        log = self.error_pane.error_log
        logged = False
        for event in events:
            if isinstance(event, ErrorLogged):
                log.apply_logged(f"refresh-{self.refresh_runs}", event)
                logged = True
            elif isinstance(event, RefreshFinished):
                self._refresh_finished(event)
        if logged:
            self.error_pane.show_log()

    def _refresh_finished(self, event: RefreshFinished) -> None:
        counts = ", ".join(
            f"{count} {SOURCE_WORDS.get(source, source)}"
            for source, count in sorted(event.by_source.items())
        )
        verb = "cancelled" if event.cancelled else "finished"
        message = f"Refresh {verb}: {counts or 'no prices'}."
        unquoted = set(event.unquoted)
        self.unresolved = tuple(s for s in event.unresolved if s not in unquoted)
        self.unquoted = event.unquoted
        if self.unresolved:
            message += (
                f" {len(self.unresolved)} without a live or fresh price; "
                "t refreshes them again."
            )
        if event.unquoted:
            message += (
                f" No configured provider quotes {_listed(event.unquoted)} on its "
                "plan, so they keep their cached or file price."
            )
        self.notify(message, severity="warning" if self.unresolved else "information")
        # Prices change cells in place while a refresh runs, so rows do not
        # jump under the cursor. The sort and filter apply again at the end.
        self.target_pane.reorder()
        self.reload_summary()

    # Refresh

    def _start_refresh(self, symbols: Sequence[str] | None) -> None:
        if not self._database_open():
            return
        if self.services.refresh is None:
            self.notify(
                "No price provider is configured. Set FMP_API_KEY or "
                "POLYGON_API_KEY, or run `targetdesk demo`.",
                severity="warning",
            )
            return
        if any(worker.group == "refresh" for worker in self.workers):
            self.notify("A refresh is running; press x to cancel it first.")
            return
        self.refresh_runs += 1
        self.unresolved = ()
        removed = self.queue_pane.queue.clear_finished()
        self.queue_pane.apply_jobs(removed, self.clock())
        self.run_refresh(symbols)

    @work(group="refresh", exit_on_error=False)
    async def run_refresh(self, symbols: Sequence[str] | None) -> None:
        """Run the engine's refresh, buffering each event it emits."""
        refresh = self.services.refresh
        if refresh is None:
            return
        logger.info("refresh started for %s", symbols or "every symbol")
        await refresh(None if symbols is None else list(symbols), self.post_event)
        logger.info("refresh finished")

    def action_refresh_all(self) -> None:
        """Refresh the price of every symbol of every portfolio."""
        self._start_refresh(None)

    def action_refresh_selected(self) -> None:
        """Refresh the selected rows, or the cursor row."""
        keys = self.target_pane.target_keys()
        symbols = self.target_pane.state.symbols_of(keys)
        if not symbols:
            self.notify("No row to refresh: import targets first.")
            return
        self._start_refresh(symbols)

    def action_retry_unresolved(self) -> None:
        """Refresh the symbols the last refresh left without a live or fresh price.

        These are the symbols its RefreshFinished event listed, and those of
        jobs that failed or were cancelled, which covers a cancelled refresh.
        """
        unquoted = set(self.unquoted)
        candidates = [*self.unresolved, *self.queue_pane.queue.failed_symbols()]
        symbols = [s for s in dict.fromkeys(candidates) if s not in unquoted]
        if not symbols and self.unquoted:
            self.notify(
                f"No symbol to retry: no configured provider quotes "
                f"{_listed(self.unquoted)} on its plan."
            )
            return
        if not symbols:
            self.notify("No symbol to retry: the last refresh resolved every one.")
            return
        self._start_refresh(symbols)

    def action_cancel_refresh(self) -> None:
        """Cancel the running refresh; prices resolved so far are kept."""
        running = [w for w in self.workers if w.group == "refresh" and w.is_running]
        if not running:
            self.notify("No refresh is running.")
            return
        self.workers.cancel_group(self, "refresh")
        self.drain_events()
        changed = self.queue_pane.queue.cancel_unfinished(self.clock())
        self.queue_pane.apply_jobs(changed, self.clock())
        self.notify("Refresh cancelled; prices resolved so far are kept.")
        self.reload_summary()

    # Target actions

    def action_sort(self) -> None:
        """Sort the target table by the next column."""
        self.target_pane.cycle_sort()

    def action_reverse_sort(self) -> None:
        """Flip the target table's sort direction."""
        self.target_pane.reverse_sort()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Let pane keys act only on the panes, and no key of ours in a text input."""
        typing = isinstance(self.focused, Input)
        if action == "interrupt":
            return not typing
        if action in PANE_ACTIONS:
            return isinstance(self.screen, PaneScreen) and not typing
        return True

    async def action_interrupt(self) -> None:
        """Quit, as ctrl+c does in other terminal programs."""
        await self.action_quit()

    def action_filter(self) -> None:
        """Open the target filter line."""
        self.target_pane.open_filter()

    def action_toggle_selected(self) -> None:
        """Select or unselect the target row under the cursor."""
        self.target_pane.toggle_selected()

    def action_delete(self) -> None:
        """Ask, then delete the selected targets or the cursor row's target."""
        if not self._database_open():
            return
        keys = self.target_pane.target_keys()
        if not keys or self.portfolio is None:
            self.notify("No target to delete.")
            return
        names = ", ".join(key.replace(":", " ") for key in keys[:5])
        if len(keys) > 5:
            names += f" and {len(keys) - 5} more"
        question = f"Delete {len(keys)} target(s) from {self.portfolio}: {names}?"
        portfolio = self.portfolio

        def answered(confirmed: bool | None) -> None:
            if confirmed:
                self.delete_targets(portfolio, keys)

        self.push_screen(ConfirmScreen(question, "Delete"), answered)

    @work(group="delete", exit_on_error=False)
    async def delete_targets(self, portfolio: str, keys: Sequence[str]) -> None:
        """Delete targets in one transaction, then drop their rows."""
        from storage.portfolios import delete_target

        async with self.store.sessions.begin() as session:
            for key in keys:
                symbol, position_type = key.split(":")
                await delete_target(
                    session, portfolio, symbol, PositionType(position_type)
                )
        self.target_pane.remove_rows(keys)
        self.notify(f"Deleted {len(keys)} target(s) from {portfolio}.")
        await self._load_summary()

    # Screens

    def action_import_file(self) -> None:
        """Open the import dialog."""
        from tui.screens.import_file import ImportScreen

        if not self._database_open():
            return
        portfolio = self.portfolio or DEFAULT_PORTFOLIO

        def imported(outcome: ImportOutcome | None) -> None:
            if outcome is None:
                return
            self._log_import_issues(outcome)
            result = outcome.finished
            self.notify(
                f"Imported {result.written} rows into {result.portfolio} "
                f"({result.rejected} rejected, {result.unchanged} unchanged)."
            )
            self.load_portfolio(result.portfolio)

        screen = ImportScreen(
            self.store,
            portfolio,
            self.clock,
            check_online=self.services.check_symbols_online,
            provider_settings=self.services.provider_settings,
        )
        self.push_screen(screen, imported)

    def _log_import_issues(self, outcome: ImportOutcome) -> None:
        """Add the row issues of a confirmed import to the error log."""
        if not outcome.issues:
            return
        log = self.error_pane.error_log
        for issue in outcome.issues:
            log.add(
                run=outcome.run,
                provider=IMPORT_PROVIDER,
                kind=ISSUE_KINDS[issue.severity],
                message=issue_message(issue.column, issue.reason),
                symbols=[f"{Path(issue.path).name}:{issue.line}"],
                at=outcome.finished.at,
            )
        self.error_pane.show_log()

    @on(FileRejected)
    def _file_rejected(self, event: FileRejected) -> None:
        self.error_pane.error_log.add(
            run="import",
            provider=IMPORT_PROVIDER,
            kind="unusable_file",
            message=f"{event.error.title}: {event.error.detail}",
            symbols=[event.path],
            at=self.clock(),
        )
        self.error_pane.show_log()

    def action_switch_portfolio(self) -> None:
        """Choose another portfolio, from the list as the database has it now."""
        if self._database_open():
            self.pick_portfolio()

    @work(group="pick", exclusive=True, exit_on_error=False)
    async def pick_portfolio(self) -> None:
        """Reload the portfolio list, so another process's imports show, then ask."""
        from storage.portfolios import list_portfolios

        async with self.store.sessions() as session:
            self.portfolios = await list_portfolios(session)
        self.query_one(PortfolioPane).show_portfolios(self.portfolios, self.portfolio)
        if not self.portfolios:
            self.notify("No portfolio yet: press i to import a CSV file.")
            return

        def chosen(name: str | None) -> None:
            if name is not None:
                self.load_portfolio(name)

        self.push_screen(PortfolioPicker(self.portfolios, self.portfolio), chosen)

    def action_help(self) -> None:
        """Show every key."""
        self.push_screen(HelpScreen(help_rows(self.BINDINGS)))

    def action_expand_error(self) -> None:
        """Show or hide the full message and symbols of the error under the cursor."""
        self.error_pane.toggle_expanded()

    def action_zoom(self) -> None:
        """Maximise the focused pane, or restore the layout."""
        if self.screen.maximized is not None:
            self.screen.minimize()
        elif self.focused is not None:
            self.screen.maximize(self.focused)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for binding in self.BINDINGS:
            if isinstance(binding, Binding) and binding.action != "quit":
                action = binding.action
                yield SystemCommand(
                    binding.description,
                    f"key {binding.key_display or binding.key}",
                    partial(self.run_action, action),
                )


def _listed(symbols: Sequence[str], limit: int = 5) -> str:
    """Return up to `limit` symbols joined by commas, and how many more there are."""
    text = ", ".join(symbols[:limit])
    if len(symbols) > limit:
        text += f" and {len(symbols) - limit} more"
    return text
