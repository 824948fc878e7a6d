"""The import dialog: choose a file, preview what it holds, then write it."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Input, Label, ProgressBar, Static
from textual.worker import Worker, WorkerState, get_current_worker

from domain.events import ImportFinished
from domain.imports import (
    ImportFileError,
    ImportReport,
    Severity,
    read_import_file,
)
from domain.symbol_checks import SymbolFlag
from tui.screens.import_outcome import (
    ISSUE_KINDS,
    FileRejected,
    ImportOutcome,
    issue_message,
)
from tui.state.errors import IMPORT_PROVIDER
from tui.state.format import MISSING
from tui.state.import_rows import ImportRows
from tui.widgets.import_rows import ImportRowsTable
from tui.widgets.path_input import PathInput

if TYPE_CHECKING:
    from providers.setup import EngineSettings
    from storage.store import Store

logger = logging.getLogger(__name__)

PROGRESS_INTERVAL = 0.1
"""Minimum seconds between progress updates sent from the reading thread."""


class ImportCancelledError(Exception):
    """The dialog closed while the file was still being read."""


def preview_text(report: ImportReport) -> str:
    """Describe the file and the counts of accepted and rejected rows."""
    name = Path(report.path).name
    first = (
        f"{name}: {report.kind.value}, {report.encoding}, delimiter "
        f"{report.delimiter!r}, header on line {report.header_line}"
    )
    second = (
        f"{report.accepted} accepted · {len(report.rejected_lines)} rejected · "
        f"{len(report.warnings)} warnings"
    )
    return f"{first}\n{second}"


class ImportScreen(ModalScreen[ImportOutcome | None]):
    """Reads a CSV file in a thread, previews it, and writes it on confirm.

    Row issues stay in the preview until the user confirms. Only then are
    they written to the error log, so a cancelled preview logs nothing.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel import"),
        Binding("ctrl+s", "confirm", "Import the accepted rows"),
        Binding("a", "accept_symbol", "Accept suggested symbol"),
        Binding("x", "skip_row", "Skip row"),
    ]

    def __init__(
        self,
        store: Store,
        portfolio: str,
        clock: Callable[[], dt.datetime],
        *,
        check_online: bool = False,
        provider_settings: EngineSettings | None = None,
    ) -> None:
        """Args:
        store: The database the rows are written to.
        portfolio: Portfolio the dialog proposes.
        clock: Returns the current aware time.
        check_online: Whether the symbol check looks symbols up on Polygon.
        provider_settings: Provider settings of that lookup; None loads
            them from the environment.
        """
        super().__init__()
        self.store = store
        self.portfolio = portfolio
        self.clock = clock
        self.check_online = check_online
        self.provider_settings = provider_settings
        self.report: ImportReport | None = None
        self.rows: ImportRows | None = None
        self.check_note = ""
        """Outcome of the symbol check, shown under the file's counts."""
        self.run = ""
        self.reading = ""
        """The path being read, as the user typed it."""

    def compose(self) -> ComposeResult:
        with Vertical(id="import-box"):
            with Horizontal(classes="import-field"):
                yield Label("File ")
                yield PathInput(id="import-path")
            with Horizontal(classes="import-field"):
                yield Label("Into ")
                yield Input(self.portfolio, id="import-portfolio", compact=True)
            yield Static(
                "Type a path and press Enter to preview. Tab completes the path.",
                id="import-status",
            )
            yield ProgressBar(id="import-progress", show_eta=False)
            issues: DataTable[str] = DataTable(id="import-issues", cursor_type="row")
            issues.add_columns("Line", "Column", "Value", "Problem")
            yield issues
            yield ImportRowsTable(id="import-rows", cursor_type="row")
            with Horizontal(id="import-buttons"):
                yield Button("Import", id="import-confirm", disabled=True)
                yield Button("Cancel", id="import-cancel")

    def on_mount(self) -> None:
        self.query_one("#import-box").border_title = "Import a CSV file"
        self.query_one("#import-progress").display = False
        self.query_one("#import-issues").border_title = "Issues"
        self.query_one("#import-rows").border_title = "Rows"
        self.query_one("#import-path", PathInput).focus()

    @on(Input.Submitted, "#import-path")
    def _path_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        path = event.value.strip()
        if not path:
            self.notify("Type the path of a CSV file first.", severity="warning")
            return
        self.report = None
        self.rows = None
        self.reading = path
        self.query_one("#import-confirm", Button).disabled = True
        self.query_one("#import-status", Static).update(Content(f"Reading {path}…"))
        self.query_one("#import-progress").display = True
        self.read_file(Path(path).expanduser())

    @on(Input.Submitted, "#import-portfolio")
    def _portfolio_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#import-confirm", Button).focus()

    @work(thread=True, exclusive=True, group="import-read", exit_on_error=False)
    def read_file(self, path: Path) -> ImportReport:
        """Parse and validate the file in a thread, reporting progress."""
        worker = get_current_worker()
        last = 0.0

        def progress(done: int, total: int) -> None:
            nonlocal last
            if worker.is_cancelled:
                raise ImportCancelledError(str(path))
            now = time.monotonic()
            if done == total or now - last >= PROGRESS_INTERVAL:
                last = now
                self.app.call_from_thread(self._show_progress, done, total)

        return read_import_file(path, on_progress=progress)

    def _show_progress(self, done: int, total: int) -> None:
        self.query_one("#import-progress", ProgressBar).update(
            total=total, progress=done
        )

    @work(exclusive=True, group="import-check", exit_on_error=False)
    async def check_symbols(self, report: ImportReport) -> list[SymbolFlag]:
        """Check the report's symbols against renames, cached and live data."""
        from tui.symbol_checks import check_report

        incomplete: list[str] = []
        flags = await check_report(
            self.store,
            report,
            online=self.check_online,
            settings=self.provider_settings,
            on_incomplete=incomplete.append,
        )
        self.check_note = ""
        if incomplete:
            logger.warning("symbol check incomplete: %s", incomplete[0])
            self.check_note = f"Symbol check incomplete: {incomplete[0]}"
        return flags

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group == "import-read" and event.state is WorkerState.SUCCESS:
            if isinstance(worker.result, ImportReport):
                self.show_preview(worker.result)
            return
        if worker.group == "import-check":
            self._check_state_changed(worker, event.state)
            return
        if event.state is not WorkerState.ERROR:
            return
        self.query_one("#import-progress").display = False
        error = worker.error
        if isinstance(error, ImportFileError):
            status = f"Cannot import this file. {error.title}: {error.detail}"
            self.query_one("#import-status", Static).update(Content(status))
            self.post_message(FileRejected(self.reading, error))
            return
        if isinstance(error, ImportCancelledError):
            return
        status = "Import failed; the error log has the cause."
        self.query_one("#import-status", Static).update(Content(status))
        report_failure = getattr(self.app, "report_failure", None)
        if callable(report_failure) and isinstance(error, Exception):
            report_failure(worker.name or "import", error)

    def _check_state_changed(self, worker: Worker[object], state: WorkerState) -> None:
        rows = self.rows
        if rows is None or rows.report is not self.report:
            return
        if state is WorkerState.SUCCESS and isinstance(worker.result, list):
            rows.set_flags(worker.result)
            flagged = len(rows.flags)
            if not self.check_note:
                self.check_note = (
                    f"Symbols checked: {flagged} rows flagged. "
                    "a accepts the suggested symbol, x skips a row."
                    if flagged
                    else "Symbols checked: no findings."
                )
            table = self._rows_table()
            for line in rows.lines():
                table.update_line(rows, line)
        elif state is WorkerState.ERROR and isinstance(worker.error, Exception):
            self.check_note = f"Symbol check failed: {worker.error}"
            report_failure = getattr(self.app, "report_failure", None)
            if callable(report_failure):
                report_failure("symbol check", worker.error)
        else:
            return
        self._show_status()

    def _show_status(self) -> None:
        if self.report is None:
            return
        text = preview_text(self.report)
        if self.check_note:
            text += f"\n{self.check_note}"
        self.query_one("#import-status", Static).update(Content(text))

    def show_preview(self, report: ImportReport) -> None:
        """Show counts, every issue and every row, then check the symbols."""
        self.report = report
        self.rows = ImportRows(report)
        self.check_note = "Checking symbols…"
        self.run = f"import-{self.clock():%Y%m%dT%H%M%S}"
        self.query_one("#import-progress").display = False
        self._show_status()
        issues = self.query_one("#import-issues", DataTable)
        issues.clear()
        for issue in report.issues:
            label = "rejected" if issue.severity is Severity.ERROR else "warning"
            # Text, not markup: cells and reasons quote the file's own text.
            issues.add_row(
                Text(str(issue.line)),
                Text(issue.column or MISSING),
                Text(MISSING if issue.value is None else issue.value),
                Text(f"{label}: {issue.reason}"),
            )
        self._rows_table().show(self.rows)
        self._update_confirm()
        if report.accepted:
            self.query_one("#import-confirm", Button).focus()
        self.check_symbols(report)

    def _update_confirm(self) -> None:
        kept = 0 if self.rows is None else self.rows.kept
        confirm = self.query_one("#import-confirm", Button)
        confirm.disabled = kept == 0
        confirm.label = f"Import {kept} row" if kept == 1 else f"Import {kept} rows"

    def _rows_table(self) -> ImportRowsTable:
        return self.query_one("#import-rows", ImportRowsTable)

    def _cursor_line(self) -> int | None:
        return None if self.rows is None else self._rows_table().cursor_line()

    def action_accept_symbol(self) -> None:
        """Replace the cursor row's symbol with the first suggestion, or undo that."""
        line = self._cursor_line()
        if self.rows is None or line is None:
            self.notify("No row to change: read a file first.")
            return
        try:
            message = self.rows.toggle_accept(line)
        except ValueError as error:
            self.notify(str(error), severity="warning")
            return
        self._rows_table().update_line(self.rows, line)
        self.notify(message)

    def action_skip_row(self) -> None:
        """Leave the cursor row out of the import, or put it back."""
        line = self._cursor_line()
        if self.rows is None or line is None:
            self.notify("No row to skip: read a file first.")
            return
        try:
            skipped = self.rows.toggle_skip(line)
        except ValueError as error:
            self.notify(str(error), severity="warning")
            return
        self._rows_table().update_line(self.rows, line)
        self._update_confirm()
        verb = "is skipped" if skipped else "will be imported"
        self.notify(f"Line {line} {verb}.")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "import-confirm":
            self.action_confirm()
        else:
            self.action_cancel()

    def action_cancel(self) -> None:
        """Close without writing anything."""
        self.workers.cancel_group(self, "import-read")
        self.dismiss(None)

    def action_confirm(self) -> None:
        """Write the accepted rows that are not skipped, if a preview is shown."""
        rows = self.rows
        if rows is None or rows.kept == 0:
            self.notify("Nothing to import: read a file with valid rows first.")
            return
        portfolio = self.query_one("#import-portfolio", Input).value.strip()
        if not portfolio:
            self.notify("Type the portfolio to import into.", severity="warning")
            return
        self.query_one("#import-confirm", Button).disabled = True
        status = Content(f"Writing to {portfolio}…")
        self.query_one("#import-status", Static).update(status)
        self.write_report(rows, portfolio)

    @work(exclusive=True, group="import-write", exit_on_error=False)
    async def write_report(self, rows: ImportRows, portfolio: str) -> None:
        """Write the kept rows in one transaction, then log the issues, then close."""
        report = rows.report
        targets = rows.targets()
        positions = rows.positions()
        from storage.importer import write_import
        from storage.market import log_error

        written = await write_import(self.store, portfolio, targets, positions)
        now = self.clock()
        async with self.store.sessions.begin() as session:
            for issue in report.issues:
                await log_error(
                    session,
                    run_id=self.run,
                    provider=IMPORT_PROVIDER,
                    kind=ISSUE_KINDS[issue.severity],
                    message=issue_message(issue.column, issue.reason),
                    symbols=[f"{Path(issue.path).name}:{issue.line}"],
                    at=now,
                )
        counts = written.targets if targets else written.positions
        logger.info(
            "imported %s into %r: %d written, %d unchanged",
            report.path,
            portfolio,
            counts.written,
            counts.unchanged,
        )
        finished = ImportFinished(
            at=now,
            path=Path(report.path).name,
            portfolio=portfolio,
            kind=report.kind.value,
            written=counts.written,
            unchanged=counts.unchanged,
            rejected=len(report.rejected_lines),
            warnings=len(report.warnings),
        )
        self.dismiss(ImportOutcome(finished, tuple(report.issues), self.run))
