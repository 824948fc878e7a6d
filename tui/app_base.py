"""The app's foundation: panes, opening and loading the database, failures."""

from __future__ import annotations

import asyncio
import datetime as dt
import gc
import logging
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import App, ComposeResult
from textual.containers import Horizontal
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.widgets import Footer
from textual.worker import Worker, WorkerState

from domain.errors import TargetdeskError
from providers.limiter import quota_day
from tui.services import AppServices
from tui.state.buffer import EventBuffer
from tui.state.errors import APP_PROVIDER
from tui.widgets import ErrorPane, PortfolioPane, QueuePane, TargetPane
from tui.widgets.title import TitleBar

if TYPE_CHECKING:
    from domain.views import TargetView
    from storage.portfolios import PortfolioInfo
    from storage.store import Store

logger = logging.getLogger(__name__)

Opener = Callable[[], Awaitable[tuple["Store", AppServices]]]
"""Opens the database and the providers after the first frame is drawn."""


def local_now() -> dt.datetime:
    """Return the current time, aware, in the local time zone."""
    return dt.datetime.now().astimezone()


def _settle_garbage() -> None:
    """Collect once, then exempt what survives from later full collections.

    A table of 10,000 targets contains about 660,000 objects, and a full
    collection over them took 150 to 270 ms, long enough to stall a key
    press. Unfreezing first lets the previous portfolio's objects be freed.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def _resume_collector() -> None:
    """Enable the cyclic collector that `targetdesk` disables for start-up.

    Start-up ends when the first load has finished or failed. What is alive
    then is frozen, so later collections do not scan it again. A loaded
    portfolio has already collected and frozen once, so no second full
    collection runs here.
    """
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


class PaneScreen(Screen[None]):
    """The screen of the four panes, which starts with the target table focused."""

    # Focusing it here, rather than after mount, restyles the panes only once.
    AUTO_FOCUS = "TargetTable"


class PaneApp(App[None]):
    """The four panes, the database behind them and the handling of failures."""

    def __init__(
        self,
        store: Store | None = None,
        *,
        services: AppServices | None = None,
        opener: Opener | None = None,
        portfolio: str | None = None,
        clock: Callable[[], dt.datetime] = local_now,
    ) -> None:
        """Args:
        store: The open database, or None when `opener` opens it.
        services: The refresh engine and display settings.
        opener: Opens the database and providers in a worker once the screen
            is drawn, so a slow open or migration never delays the first frame.
        portfolio: Portfolio shown first; None shows the first by name.
        clock: Returns the current aware time, for ages and countdowns.
        """
        super().__init__()
        if store is None and opener is None:
            raise ValueError("TargetdeskApp needs an open store or an opener")
        self._store = store
        self._opener = opener
        self.services = services or AppServices()
        self.portfolio = portfolio
        self.clock = clock
        self.events = EventBuffer()
        self.portfolios: list[PortfolioInfo] = []
        self.refresh_runs = 0
        self.unresolved: tuple[str, ...] = ()
        """Symbols the last finished refresh left without a live or fresh price,
        apart from those in `unquoted`."""
        self.unquoted: tuple[str, ...] = ()
        """Symbols no configured provider quotes on its plan, from the last refresh."""

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Show a notification as plain text, whatever `markup` a widget passes.

        Messages carry file paths, portfolio names and provider errors, which
        may contain square brackets, and none of them is written as markup.
        """
        super().notify(
            message, title=title, severity=severity, timeout=timeout, markup=False
        )

    def get_default_screen(self) -> Screen[None]:
        return PaneScreen(id="_default")

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield PortfolioPane(id="portfolio")
        yield TargetPane(id="targets")
        with Horizontal(id="bottom"):
            yield QueuePane(clock=self.clock, idle_text=self._idle_text(), id="queue")
            yield ErrorPane(clock=self.clock, id="errors")
        yield Footer(compact=True, show_command_palette=False)

    @property
    def store(self) -> Store:
        """The open database."""
        if self._store is None:
            raise RuntimeError("the database is not open yet")
        return self._store

    def _database_open(self) -> bool:
        """Whether the database is open; notify the user when it is not."""
        if self._store is None:
            self.notify("The database is still opening; try again in a moment.")
            return False
        return True

    def _idle_text(self) -> str:
        if self._store is None:
            return "opening the database…"
        if self.services.refresh is None:
            return "no providers configured: set FMP_API_KEY or POLYGON_API_KEY"
        return "no refresh yet: press r to refresh prices"

    @work(group="open", exit_on_error=False)
    async def open_database(self) -> None:
        """Open the database and providers, then load what they hold."""
        if self._opener is None:
            return
        try:
            self._store, self.services = await self._opener()
        except BaseException:
            _resume_collector()
            raise
        self._opened()

    def _opened(self) -> None:
        self.sub_title = self.services.demo_note or self.store.where
        queue = self.queue_pane
        queue.idle_text = self._idle_text()
        queue.show_status(self.clock())
        self.load_everything()

    @property
    def target_pane(self) -> TargetPane:
        """The target-price pane."""
        return self.query_one(TargetPane)

    @property
    def queue_pane(self) -> QueuePane:
        """The fetch-queue pane."""
        return self.query_one(QueuePane)

    @property
    def error_pane(self) -> ErrorPane:
        """The error-log pane."""
        return self.query_one(ErrorPane)

    # Loading

    @work(exclusive=True, group="load", exit_on_error=False)
    async def load_everything(self) -> None:
        """Load portfolios, the shown portfolio's targets and the error log."""
        from storage.market import list_errors

        try:
            async with self.store.sessions() as session:
                entries = await list_errors(session)
            self.error_pane.error_log.load(entries)
            self.error_pane.show_log()
            await self._load_providers()
            await self._load_portfolio(self.portfolio)
        finally:
            _resume_collector()

    async def _load_providers(self) -> None:
        """List the configured providers with today's request count."""
        from storage.market import usage

        plans = self.services.providers
        if not plans:
            return
        now = self.clock()
        day = quota_day(now)
        board = self.queue_pane.board
        async with self.store.sessions() as session:
            for plan in plans:
                used = await usage(session, plan.provider, day)
                board.add_plan(plan, used if plan.per_day is not None else None)
        self.queue_pane.show_status(now)

    @work(exclusive=True, group="load", exit_on_error=False)
    async def load_portfolio(self, name: str | None) -> None:
        """Load one portfolio's targets and summary."""
        await self._load_portfolio(name)

    async def _load_portfolio(self, name: str | None) -> None:
        from storage.portfolios import list_portfolios
        from storage.views import load_target_views

        async with self.store.sessions() as session:
            self.portfolios = await list_portfolios(session)
        names = [info.name for info in self.portfolios]
        if name not in names:
            name = names[0] if names else None
        self.portfolio = name
        now = self.clock()
        tolerance = self.services.stale_sessions
        pane = self.query_one(PortfolioPane)
        pane.show_portfolios(self.portfolios, name)
        if name is None:
            self.target_pane.load([], now)
            pane.show_summary(None, None)
            return
        views = await load_target_views(self.store, name, now=now, tolerance=tolerance)
        self.target_pane.load(views, now)
        _settle_garbage()
        await self._load_summary(views)

    async def _load_summary(self, views: Sequence[TargetView] | None = None) -> None:
        """Show the portfolio's summary, and its rows again if they changed.

        Another process (an import from the command line) may have added,
        removed or changed targets since the portfolio was loaded. `views`
        are the targets just loaded, if the caller has them.
        """
        from storage.views import load_summary, load_target_views

        if self.portfolio is None:
            return
        now = self.clock()
        tolerance = self.services.stale_sessions
        if views is None:
            views = await load_target_views(
                self.store, self.portfolio, now=now, tolerance=tolerance
            )
        if self.target_pane.targets_differ(views):
            from storage.portfolios import list_portfolios

            self.target_pane.load(views, now)
            _settle_garbage()
            # The portfolio list shows each portfolio's target count.
            async with self.store.sessions() as session:
                self.portfolios = await list_portfolios(session)
            self.query_one(PortfolioPane).show_portfolios(
                self.portfolios, self.portfolio
            )
        summary = await load_summary(
            self.store, self.portfolio, now=now, tolerance=tolerance, views=views
        )
        self.query_one(PortfolioPane).show_summary(self.portfolio, summary)

    @work(group="summary", exclusive=True, exit_on_error=False)
    async def reload_summary(self) -> None:
        """Recompute the summary after prices changed."""
        await self._load_summary()

    @on(PortfolioPane.PortfolioChosen)
    def _portfolio_chosen(self, event: PortfolioPane.PortfolioChosen) -> None:
        self.load_portfolio(event.name)

    # Errors

    @on(ErrorPane.ExportRequested)
    def _export_requested(self, event: ErrorPane.ExportRequested) -> None:
        self.export_errors(event.file_format)

    @work(group="export", exit_on_error=False)
    async def export_errors(self, file_format: str) -> None:
        """Write the shown error-log entries to a CSV or JSON file."""
        log = self.error_pane.error_log
        text = log.export_csv() if file_format == "csv" else log.export_json()
        directory = self.services.export_dir or Path.cwd()
        path = (
            directory / f"targetdesk-errors-{self.clock():%Y%m%d-%H%M%S}.{file_format}"
        )
        await asyncio.to_thread(path.write_text, text, encoding="utf-8")
        self.notify(f"Exported {len(log.visible())} error entries to {path}")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        error = event.worker.error
        if event.state is WorkerState.ERROR and isinstance(error, Exception):
            self.report_failure(event.worker.name or event.worker.group, error)

    def report_failure(self, task: str, error: Exception) -> None:
        """Log a failed background task, notify the user and add it to the error log."""
        logger.error("%s failed", task, exc_info=error)
        if isinstance(error, TargetdeskError):
            message = f"{error.title}: {error.detail}"
        else:
            message = f"{type(error).__name__}: {error}"
        self.notify(f"{task} failed. {message}", severity="error", timeout=8)
        self.error_pane.error_log.add(
            run="app",
            provider=APP_PROVIDER,
            kind=task,
            message=message,
            symbols=(),
            at=self.clock(),
        )
        self.error_pane.show_log()
