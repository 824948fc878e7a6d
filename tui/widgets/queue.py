"""The fetch-queue pane: provider status and one row per fetch job."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, Static
from textual.widgets.data_table import RowDoesNotExist

from tui.state.format import format_seconds
from tui.state.jobs import Job, JobState, QueueState
from tui.state.providers import ProviderBoard, estimate_remaining

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

    def compose(self) -> ComposeResult:
        yield Static(self.idle_text, id="provider-status")
        table: DataTable[object] = DataTable(id="queue-table", cursor_type="row")
        for key, label in QUEUE_COLUMNS:
            table.add_column(label, key=key)
        yield table

    def on_mount(self) -> None:
        self.border_title = "Fetch queue"
        self.query_one("#provider-status", Static).update(self.idle_text)

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
        table = self.table
        cells = self._cells(job, now)
        if job.is_folded(now) and not self.show_finished:
            self._hide(job.job_id)
            return
        try:
            table.get_row_index(job.job_id)
        except RowDoesNotExist:
            table.add_row(*(cells[key] for key, _l in QUEUE_COLUMNS), key=job.job_id)
            return
        for key, _label in QUEUE_COLUMNS:
            table.update_cell(job.job_id, key, cells[key], update_width=True)

    def _hide(self, job_id: str) -> None:
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

    def tick(self, now: dt.datetime) -> None:
        """Advance countdowns and elapsed times, and fold old finished jobs."""
        for job in list(self.queue.jobs.values()):
            if not job.state.finished or job.is_folded(now):
                self._show_job(job, now)
        self.show_status(now)

    def show_status(self, now: dt.datetime) -> None:
        """Refresh the provider status line."""
        text = status_text(self.queue, self.board, now, self.idle_text)
        self.query_one("#provider-status", Static).update(text)
        shown = self.table.row_count
        hidden = len(self.queue.jobs) - shown
        self.border_subtitle = (
            f"{hidden} finished hidden · a shows" if hidden > 0 else ""
        )

    def rebuild(self, now: dt.datetime) -> None:
        """Fill the table from the queue state."""
        self.table.clear()
        for job in self.queue.visible(now, show_finished=self.show_finished):
            cells = self._cells(job, now)
            self.table.add_row(
                *(cells[key] for key, _l in QUEUE_COLUMNS), key=job.job_id
            )
        self.show_status(now)

    def action_toggle_finished(self) -> None:
        """Show finished jobs again, or fold them away."""
        self.show_finished = not self.show_finished
        self.rebuild(self.clock())
