"""The import dialog: choose a file, preview what it holds, then write it."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Input, Label, ProgressBar, Static
from textual.worker import Worker, WorkerState, get_current_worker

from domain.events import ImportFinished
from domain.imports import ImportFileError, ImportReport, Severity, read_import_file
from storage.importer import write_import
from storage.market import log_error
from storage.store import Store
from tui.state.errors import IMPORT_PROVIDER
from tui.state.format import MISSING, format_price
from tui.widgets.path_input import PathInput

logger = logging.getLogger(__name__)

PROGRESS_INTERVAL = 0.1
"""Minimum seconds between progress updates sent from the reading thread."""

ISSUE_KINDS = {Severity.ERROR: "rejected_row", Severity.WARNING: "row_warning"}
"""Error-log kind of each issue severity."""


class ImportCancelledError(Exception):
    """The dialog closed while the file was still being read."""


def issue_message(column: str | None, reason: str) -> str:
    """Return the error-log message of an import issue."""
    return reason if column is None else f"{column}: {reason}"


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


class ImportScreen(ModalScreen[ImportFinished | None]):
    """Reads a CSV file in a thread, previews it, and writes it on confirm."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel import"),
        Binding("ctrl+s", "confirm", "Import the accepted rows"),
    ]

    class PreviewRead(Message):
        """A file was read; its issues belong in the error log."""

        def __init__(self, report: ImportReport, run: str) -> None:
            super().__init__()
            self.report = report
            self.run = run
            """Error-log run the issues are recorded under."""

    class FileRejected(Message):
        """A file could not be imported at all."""

        def __init__(self, path: str, error: ImportFileError) -> None:
            super().__init__()
            self.path = path
            self.error = error

    def __init__(
        self, store: Store, portfolio: str, clock: Callable[[], dt.datetime]
    ) -> None:
        super().__init__()
        self.store = store
        self.portfolio = portfolio
        self.clock = clock
        self.report: ImportReport | None = None
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
            yield DataTable(id="import-rows", cursor_type="row")
            with Horizontal(id="import-buttons"):
                yield Button("Import", id="import-confirm", disabled=True)
                yield Button("Cancel", id="import-cancel")

    def on_mount(self) -> None:
        self.query_one("#import-box").border_title = "Import a CSV file"
        self.query_one("#import-progress").display = False
        self.query_one("#import-issues").border_title = "Issues"
        self.query_one("#import-rows").border_title = "Accepted rows"
        self.query_one("#import-path", PathInput).focus()

    @on(Input.Submitted, "#import-path")
    def _path_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        path = event.value.strip()
        if not path:
            self.notify("Type the path of a CSV file first.", severity="warning")
            return
        self.report = None
        self.reading = path
        self.query_one("#import-confirm", Button).disabled = True
        self.query_one("#import-status", Static).update(f"Reading {path}…")
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

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group == "import-read" and event.state is WorkerState.SUCCESS:
            if isinstance(worker.result, ImportReport):
                self.show_preview(worker.result)
            return
        if event.state is not WorkerState.ERROR:
            return
        self.query_one("#import-progress").display = False
        error = worker.error
        if isinstance(error, ImportFileError):
            status = f"Cannot import this file. {error.title}: {error.detail}"
            self.query_one("#import-status", Static).update(status)
            self.post_message(self.FileRejected(self.reading, error))
            return
        if isinstance(error, ImportCancelledError):
            return
        status = "Import failed; the error log has the cause."
        self.query_one("#import-status", Static).update(status)
        report_failure = getattr(self.app, "report_failure", None)
        if callable(report_failure) and isinstance(error, Exception):
            report_failure(worker.name or "import", error)

    def show_preview(self, report: ImportReport) -> None:
        """Show counts, every issue and every accepted row."""
        self.report = report
        self.run = f"import-{self.clock():%Y%m%dT%H%M%S}"
        self.query_one("#import-progress").display = False
        self.query_one("#import-status", Static).update(preview_text(report))
        issues = self.query_one("#import-issues", DataTable)
        issues.clear()
        for issue in report.issues:
            label = "rejected" if issue.severity is Severity.ERROR else "warning"
            issues.add_row(
                str(issue.line),
                issue.column or MISSING,
                MISSING if issue.value is None else issue.value,
                f"{label}: {issue.reason}",
            )
        self._show_rows(report)
        confirm = self.query_one("#import-confirm", Button)
        confirm.disabled = report.accepted == 0
        confirm.label = f"Import {report.accepted} rows"
        if report.accepted:
            confirm.focus()
        self.post_message(self.PreviewRead(report, self.run))

    def _show_rows(self, report: ImportReport) -> None:
        rows = self.query_one("#import-rows", DataTable)
        rows.clear(columns=True)
        if report.positions:
            rows.add_columns("Line", "Symbol", "Type", "Quantity", "Entry", "Date")
            for position_row in report.positions:
                position = position_row.position
                rows.add_row(
                    str(position_row.line),
                    position.symbol,
                    position.position_type.value,
                    f"{position.quantity:,}",
                    format_price(position.entry_price),
                    position.entry_date.isoformat(),
                )
            return
        rows.add_columns("Line", "Symbol", "Type", "EOY", "Next yr", "Down", "Price")
        for target_row in report.targets:
            target = target_row.target
            rows.add_row(
                str(target_row.line),
                target.symbol,
                target.position_type.value,
                format_price(target.target_eoy),
                format_price(target.target_next_year),
                format_price(target.downside),
                format_price(target.current_price),
            )

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
        """Write the accepted rows, if a preview is shown."""
        report = self.report
        if report is None or report.accepted == 0:
            self.notify("Nothing to import: read a file with valid rows first.")
            return
        portfolio = self.query_one("#import-portfolio", Input).value.strip()
        if not portfolio:
            self.notify("Type the portfolio to import into.", severity="warning")
            return
        self.query_one("#import-confirm", Button).disabled = True
        self.query_one("#import-status", Static).update(f"Writing to {portfolio}…")
        self.write_report(report, portfolio)

    @work(exclusive=True, group="import-write", exit_on_error=False)
    async def write_report(self, report: ImportReport, portfolio: str) -> None:
        """Write the rows in one transaction, then log the issues, then close."""
        targets = [row.target for row in report.targets]
        positions = [row.position for row in report.positions]
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
        self.dismiss(
            ImportFinished(
                at=now,
                path=Path(report.path).name,
                portfolio=portfolio,
                kind=report.kind.value,
                written=counts.written,
                unchanged=counts.unchanged,
                rejected=len(report.rejected_lines),
                warnings=len(report.warnings),
            )
        )
