"""The error-log pane: causes grouped with a count, filters and export."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import DataTable, Static
from textual.widgets.data_table import RowDoesNotExist

from tui.state.errors import ErrorGroup, ErrorLog

ERROR_COLUMNS = (
    ("time", "Time"),
    ("count", "×"),
    ("message", "Message"),
    ("provider", "Via"),
    ("kind", "Kind"),
    ("symbols", "Symbols"),
)
"""Columns of the error table; the message comes early so a narrow pane shows it."""

MAX_SYMBOLS_SHOWN = 60
"""Symbols listed in an expanded entry before the rest are counted."""


def format_time(moment: dt.datetime, now: dt.datetime) -> str:
    """Show a time as HH:MM on the day of `now`, else as month and day."""
    local = moment.astimezone(now.tzinfo)
    if local.date() == now.date():
        return local.strftime("%H:%M")
    return local.strftime("%b %d")


def detail_text(group: ErrorGroup) -> str:
    """Describe one error group in full: message, count and every symbol."""
    symbols = list(group.symbols[:MAX_SYMBOLS_SHOWN])
    more = len(group.symbols) - len(symbols)
    listed = " ".join(symbols) + (f" and {more} more" if more > 0 else "")
    lines = [
        f"{group.provider} {group.kind}, {group.count}× "
        f"(first {group.first_at:%Y-%m-%d %H:%M}, last {group.last_at:%H:%M} UTC)",
        group.message,
    ]
    if listed:
        lines.append(f"symbols: {listed}")
    return "\n".join(lines)


class ErrorPane(Vertical):
    """Lists error causes, newest first, with their repeat count."""

    ALLOW_MAXIMIZE = True
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f", "cycle_provider", "Filter errors by provider"),
        Binding("k", "cycle_kind", "Filter errors by kind"),
        Binding("c", "export('csv')", "Export errors to CSV"),
        Binding("j", "export('json')", "Export errors to JSON"),
    ]

    class ExportRequested(Message):
        """The user asked to write the shown entries to a file."""

        def __init__(self, file_format: str) -> None:
            super().__init__()
            self.file_format = file_format
            """`csv` or `json`."""

    def __init__(
        self, *, clock: Callable[[], dt.datetime], id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.clock = clock
        self.error_log = ErrorLog()
        self.expanded = False

    def compose(self) -> ComposeResult:
        table: DataTable[object] = DataTable(id="error-table", cursor_type="row")
        for key, label in ERROR_COLUMNS:
            table.add_column(label, key=key)
        yield table
        yield Static("", id="error-detail")

    def on_mount(self) -> None:
        self.border_title = "Error log"
        self.query_one("#error-detail").display = False
        self.show_log()

    @property
    def table(self) -> DataTable[object]:
        """The error table widget."""
        return self.query_one("#error-table", DataTable)

    def _cells(self, group: ErrorGroup, now: dt.datetime) -> list[Text]:
        symbols = " ".join(group.symbols[:3])
        if len(group.symbols) > 3:
            symbols += f" +{len(group.symbols) - 3}"
        return [
            Text(format_time(group.last_at, now)),
            Text(str(group.count), justify="right"),
            Text(group.message),
            Text(group.provider),
            Text(group.kind, style="bold"),
            Text(symbols),
        ]

    def show_log(self) -> None:
        """Fill the table from the log, keeping the cursor on the same entry."""
        table = self.table
        current = self.cursor_key()
        now = self.clock()
        table.clear()
        for group in self.error_log.visible():
            table.add_row(*self._cells(group, now), key=group.key)
        if current is not None:
            with contextlib.suppress(RowDoesNotExist):
                table.move_cursor(row=table.get_row_index(current))
        provider = self.error_log.provider_filter or "all"
        kind = self.error_log.kind_filter or "all"
        self.border_subtitle = f"via: {provider} · kind: {kind}"
        self.border_title = f"Error log ({len(self.error_log.groups)})"
        self._show_detail()

    def cursor_key(self) -> str | None:
        """Return the key of the entry under the cursor, or None for an empty table."""
        table = self.table
        if table.row_count == 0:
            return None
        row_key, _column = table.coordinate_to_cell_key(table.cursor_coordinate)
        return row_key.value

    def _show_detail(self) -> None:
        detail = self.query_one("#error-detail", Static)
        key = self.cursor_key()
        group = self.error_log.groups.get(key) if key is not None else None
        detail.display = self.expanded and group is not None
        if group is not None:
            detail.update(Content(detail_text(group)))

    def toggle_expanded(self) -> None:
        """Show or hide the full message and symbols of the cursor entry."""
        self.expanded = not self.expanded
        self._show_detail()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_detail()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.toggle_expanded()

    def action_cycle_provider(self) -> None:
        """Show only the next provider's entries, then all again."""
        self.error_log.cycle_provider_filter()
        self.show_log()

    def action_cycle_kind(self) -> None:
        """Show only the next kind's entries, then all again."""
        self.error_log.cycle_kind_filter()
        self.show_log()

    def action_export(self, file_format: str) -> None:
        """Ask the app to write the shown entries to a file."""
        self.post_message(self.ExportRequested(file_format))
