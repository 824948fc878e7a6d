"""The target-price pane: a sortable, filterable table updated cell by cell."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, Input, Static
from textual.widgets.data_table import CellDoesNotExist, RowDoesNotExist

from domain.events import PriceResolved
from domain.views import TargetView
from tui.state.targets import (
    COLUMN_WIDTHS,
    COLUMNS,
    PRICE_COLUMNS,
    TargetTableState,
)

EMPTY_HINT = "No targets in this portfolio: press i to import a CSV file."


class FilterInput(Input):
    """The filter line; Escape clears the filter and closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Clear filter", show=False)
    ]

    def action_close(self) -> None:
        self.value = ""
        pane = next(a for a in self.ancestors if isinstance(a, TargetPane))
        pane.close_filter()


class TargetPane(Vertical):
    """Target prices with their resolved price, source, age and returns."""

    ALLOW_MAXIMIZE = True

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.state = TargetTableState()
        self.now = dt.datetime.now(dt.UTC)
        """Time the ages are computed at; the app sets it from its clock."""

    def compose(self) -> ComposeResult:
        yield FilterInput(
            placeholder="filter: symbol or source (fmp, cache, stale, user)",
            id="target-filter",
            compact=True,
        )
        table: DataTable[object] = DataTable(
            id="target-table", cursor_type="row", zebra_stripes=True
        )
        for key, label in COLUMNS:
            table.add_column(label, key=key, width=COLUMN_WIDTHS.get(key))
        yield table
        yield Static(EMPTY_HINT, id="target-empty")

    def on_mount(self) -> None:
        self.border_title = "Target prices"
        self.query_one("#target-filter").display = False

    @property
    def table(self) -> DataTable[object]:
        """The target table widget."""
        return self.query_one("#target-table", DataTable)

    def load(self, views: Iterable[TargetView], now: dt.datetime) -> None:
        """Replace every row with `views`."""
        self.now = now
        self.state.load(views)
        self.rebuild()

    def rebuild(self) -> None:
        """Fill the table in sort and filter order, keeping the cursor row."""
        table = self.table
        current = self.cursor_key()
        table.clear()
        for key in self.state.visible_keys(self.now):
            cells = self.state.cells(key, self.now)
            table.add_row(*(cells[column] for column, _label in COLUMNS), key=key)
        if current is not None:
            self.move_cursor_to(current)
        self.border_subtitle = self.state.describe()
        empty = self.query_one("#target-empty", Static)
        empty.display = not self.state.views
        table.display = bool(self.state.views)

    def move_cursor_to(self, key: str) -> None:
        """Put the cursor on a row, if the row is shown."""
        try:
            index = self.table.get_row_index(key)
        except RowDoesNotExist:
            return
        self.table.move_cursor(row=index)

    def apply_prices(self, events: Sequence[PriceResolved], now: dt.datetime) -> int:
        """Update the price cells of the rows `events` resolved, in place.

        Returns how many rows changed. Rows hidden by the filter change in the
        state only and show the new price when the filter changes.
        """
        self.now = now
        changed = self.state.apply_prices(events)
        table = self.table
        for key in changed:
            cells = self.state.cells(key, now)
            for column in PRICE_COLUMNS:
                try:
                    table.update_cell(
                        key, column, cells[column], update_width=column == "price"
                    )
                except CellDoesNotExist:
                    break
        return len(changed)

    def cursor_key(self) -> str | None:
        """Return the key of the row under the cursor, or None for an empty table."""
        table = self.table
        if table.row_count == 0:
            return None
        row_key, _column = table.coordinate_to_cell_key(table.cursor_coordinate)
        return row_key.value

    def target_keys(self) -> list[str]:
        """Return the keys of the selected rows, or the cursor row's when none is."""
        if self.state.selected:
            return [key for key in self.state.views if key in self.state.selected]
        key = self.cursor_key()
        return [] if key is None else [key]

    def toggle_selected(self) -> None:
        """Select or unselect the cursor row."""
        key = self.cursor_key()
        if key is None:
            return
        self.state.toggle_selected(key)
        self.table.update_cell(key, "symbol", self.state.cells(key, self.now)["symbol"])
        self.border_subtitle = self.state.describe()

    def remove_rows(self, keys: Iterable[str]) -> None:
        """Drop deleted rows from the table."""
        for key in keys:
            self.state.remove(key)
            try:
                self.table.remove_row(key)
            except RowDoesNotExist:
                continue
        self.border_subtitle = self.state.describe()
        if not self.state.views:
            self.rebuild()

    def cycle_sort(self) -> None:
        """Sort by the next column."""
        self.state.cycle_sort()
        self.rebuild()

    def reverse_sort(self) -> None:
        """Flip the sort direction."""
        self.state.reverse_sort()
        self.rebuild()

    def open_filter(self) -> None:
        """Show the filter line and focus it."""
        line = self.query_one("#target-filter", FilterInput)
        line.display = True
        line.focus()

    def close_filter(self) -> None:
        """Hide the filter line, keeping its text as the filter, and focus the table."""
        line = self.query_one("#target-filter", FilterInput)
        line.display = bool(line.value)
        self.table.focus()

    @on(Input.Changed, "#target-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.state.filter_text = event.value
        self.rebuild()

    @on(Input.Submitted, "#target-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.close_filter()
