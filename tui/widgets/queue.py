"""The fetch-queue pane: provider status and one row per fetch job."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.timer import Timer
from textual.widgets import DataTable, Static
from textual.widgets.data_table import RowDoesNotExist

from tui.state.format import format_seconds
from tui.state.jobs import Job, JobState, QueueState
from tui.state.providers import ProviderBoard, estimate_remaining
from tui.widgets.tables import widens_column

TICK_INTERVAL = 1.0
"""Seconds between countdown updates while a countdown or pause runs."""

QUEUE_COLUMNS = (
    ("job", "Job"),
    ("state", "State"),
    ("provider", "Via"),
    ("attempt", "Try"),
    ("elapsed", "Time"),
)

_STATE_STYLES = {
    JobState.DONE: "green",
    JobState.FELL_BACK: "yellow",
    JobState.FAILED: "bold red",
    JobState.RETRY: "yellow",
    JobState.WAITING: "yellow",
    JobState.CANCELLED: "dim",
    JobState.IN_FLIGHT: "bold",
}


def status_text(
    queue: QueueState, board: ProviderBoard, now: dt.datetime, idle: str
) -> str:
    """Describe every provider and the time left for the queue, or `idle`."""
    lines = board.lines(now)
    if not lines and not queue.jobs:
        return idle
    pending = queue.pending()
    finished = [job for job in queue.jobs.values() if job.state.finished]
    if pending:
        estimate = estimate_remaining(pending, finished, board, now)
        if estimate is None:
            left = "time left unknown"
        else:
            left = f"~{format_seconds(estimate)} left"
        lines.append(f"{len(pending)} pending, {left}")
    else:
        lines.append("queue empty")
    return " · ".join(lines)


class QueuePane(Vertical):
    """Shows what the fetch engine is doing, one row per job."""

    ALLOW_MAXIMIZE = True
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "toggle_finished", "Show/hide finished jobs"),
    ]

    def __init__(
        self,
        *,
        clock: Callable[[], dt.datetime],
        idle_text: str = "no refresh yet: press r to refresh prices",
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.clock = clock
        self.queue = QueueState()
        self.board = ProviderBoard()
        self.show_finished = False
        self.colour = True
        """Whether states are coloured; False under NO_COLOR."""
        self.idle_text = idle_text
        """Status line text before any refresh has run."""
        self._status_shown = idle_text
        self._cells_shown: dict[str, dict[str, tuple[str, str]]] = {}
        """Text and style of each cell in the table, by job id and column key."""
        self._ticker: Timer | None = None
        self.ticking = False
        """Whether the countdown timer runs; it stops while nothing counts down."""

    def compose(self) -> ComposeResult:
        yield Static(self.idle_text, id="provider-status")
        table: DataTable[object] = DataTable(id="queue-table", cursor_type="row")
        for key, label in QUEUE_COLUMNS:
            table.add_column(label, key=key)
        yield table

    def on_mount(self) -> None:
        self.border_title = "Fetch queue"
        self._ticker = self.set_interval(TICK_INTERVAL, self._on_tick, pause=True)

    @property
    def table(self) -> DataTable[object]:
        """The job table widget."""
        return self.query_one("#queue-table", DataTable)

    def _state_style(self, state: JobState) -> str:
        if self.colour:
            return _STATE_STYLES.get(state, "")
        return "bold" if state is JobState.FAILED else ""

    def _cells(self, job: Job, now: dt.datetime) -> dict[str, Text]:
        return {
            "job": Text(job.label),
            "state": Text(job.state_text(now), style=self._state_style(job.state)),
            "provider": Text(job.provider),
            "attempt": Text(str(job.attempt) if job.attempt else "", justify="right"),
            "elapsed": Text(job.elapsed_text(now), justify="right"),
        }

    def _show_job(self, job: Job, now: dt.datetime) -> None:
        """Add, update or hide the job's row, touching only cells whose text changed."""
        if job.is_folded(now) and not self.show_finished:
            self._hide(job.job_id)
            return
        cells = self._cells(job, now)
        shown = self._cells_shown.get(job.job_id)
        table = self.table
        if shown is None:
            table.add_row(*(cells[key] for key, _l in QUEUE_COLUMNS), key=job.job_id)
            self._cells_shown[job.job_id] = _signatures(cells)
            return
        for key, _label in QUEUE_COLUMNS:
            signature = _signature(cells[key])
            if shown.get(key) != signature:
                cell = cells[key]
                wider = widens_column(table, key, cell)
                table.update_cell(job.job_id, key, cell, update_width=wider)
                shown[key] = signature

    def _hide(self, job_id: str) -> None:
        if self._cells_shown.pop(job_id, None) is None:
            return
        try:
            self.table.remove_row(job_id)
        except RowDoesNotExist:
            return

    def apply_jobs(self, changed: Iterable[str], now: dt.datetime) -> None:
        """Show the jobs that changed, in queue order, and refresh the status line."""
        changed = set(changed)
        order = [job_id for job_id in self.queue.jobs if job_id in changed]
        order += sorted(changed.difference(order))
        for job_id in order:
            job = self.queue.jobs.get(job_id)
            if job is None:
                self._hide(job_id)
            else:
                self._show_job(job, now)
        self.show_status(now)

    def _on_tick(self) -> None:
        self.tick(self.clock())

    def tick(self, now: dt.datetime) -> None:
        """Advance countdowns and elapsed times, and fold old finished jobs."""
        for job in list(self.queue.jobs.values()):
            if job.has_countdown or job.is_folded(now):
                self._show_job(job, now)
        self.show_status(now)

    def show_status(self, now: dt.datetime) -> None:
        """Refresh the provider status line, then start or stop the countdown timer.

        Widgets are updated only when their text changes, so an idle pane
        writes nothing to the terminal.
        """
        text = status_text(self.queue, self.board, now, self.idle_text)
        if text != self._status_shown:
            self.query_one("#provider-status", Static).update(text)
            self._status_shown = text
        hidden = len(self.queue.jobs) - self.table.row_count
        subtitle = f"{hidden} finished hidden · a shows" if hidden > 0 else ""
        if subtitle != self.border_subtitle:
            self.border_subtitle = subtitle
        self._schedule_tick(now)

    def _schedule_tick(self, now: dt.datetime) -> None:
        """Run the timer only while a countdown, a pause or a fold is due."""
        if self._ticker is None:
            return
        timed = self.queue.changes_with_time(now, show_finished=self.show_finished)
        ticking = timed or self.board.any_paused(now)
        if ticking != self.ticking:
            if ticking:
                self._ticker.resume()
            else:
                self._ticker.pause()
            self.ticking = ticking

    def rebuild(self, now: dt.datetime) -> None:
        """Fill the table from the queue state."""
        self.table.clear()
        self._cells_shown.clear()
        for job in self.queue.visible(now, show_finished=self.show_finished):
            self._show_job(job, now)
        self.show_status(now)

    def action_toggle_finished(self) -> None:
        """Show finished jobs again, or fold them away."""
        self.show_finished = not self.show_finished
        self.rebuild(self.clock())


def _signature(cell: Text) -> tuple[str, str]:
    return cell.plain, str(cell.style)


def _signatures(cells: dict[str, Text]) -> dict[str, tuple[str, str]]:
    return {key: _signature(cell) for key, cell in cells.items()}
