"""The target-price pane: a sortable, filterable table updated cell by cell."""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.timer import Timer
from textual.widgets import DataTable, Input, Static
from textual.widgets.data_table import (
    Row,
    RowDoesNotExist,
    RowKey,
)

from domain.events import PriceResolved
from domain.gc_pause import gc_paused
from domain.views import TargetView
from tui.state.targets import (
    COLUMN_WIDTHS,
    COLUMNS,
    PRICE_COLUMNS,
    TargetTableState,
    key_of_cells,
    row_key,
)
from tui.widgets.tables import widens_column

EMPTY_HINT = "No targets in this portfolio: press i to import a CSV file."

FILTER_DELAY = 0.05
"""Seconds within which filter keystrokes count as one burst. The first
keystroke after a pause filters at once. Later keystrokes of the burst wait
until the line has stayed unchanged this long, so a burst filters once more."""


class TargetTable(DataTable[Text]):
    """A DataTable that can replace all of its rows in one step."""

    def replace_rows(
        self,
        rows: Iterable[tuple[str, Sequence[Text]]],
        widths: Mapping[str, int] | None = None,
    ) -> None:
        """Replace every row with `rows`, given as (row key, cells in column order).

        `widths` gives the content width of each auto-width column by column
        key, at least the widest of its cells. Without it, the cells are measured.

        The table ends up as after `clear()` and one `add_row()` per row, with
        rows one line high. After `add_row`, the DataTable measures every cell
        of every new row through the console on the next idle, which was about
        half the time of showing 10,000 rows in `bench/bench_tui.py`. Here only
        the auto-width columns are measured, with `Text.cell_len`, which is
        the measured width of one-line text.

        NOTE: this writes DataTable internals (`_data`, `_row_locations`,
        `_update_count`, `_require_update_dimensions`, `_ordered_row_cache`,
        `_offset_cache`) as Textual 8.2 lays them out, so a Textual upgrade
        must rerun the target-table tests.
        """
        new_rows = list(rows)
        column_count = len(self.columns)
        for key, cells in new_rows:
            if len(cells) != column_count:
                raise ValueError(
                    f"row {key!r} has {len(cells)} cells, expected {column_count}"
                )
        if len({key for key, _cells in new_rows}) != len(new_rows):
            raise ValueError("duplicate row keys: each row key must appear once")

        self.clear()
        columns = self.ordered_columns
        column_keys = [column.key for column in columns]
        auto_width = [
            (index, column) for index, column in enumerate(columns) if column.auto_width
        ]
        content_widths = [column.content_width for _index, column in auto_width]
        if widths is None:
            measured = [(slot, index) for slot, (index, _c) in enumerate(auto_width)]
        else:
            measured = []
            for slot, (_index, column) in enumerate(auto_width):
                known_width = widths.get(column.key.value or "", 0)
                content_widths[slot] = max(content_widths[slot], known_width)
        locations = self._row_locations
        data = self._data
        table_rows = self.rows
        ordered: list[Row] = []
        for index, (key, cells) in enumerate(new_rows):
            row_key = RowKey(key)
            locations[row_key] = index
            data[row_key] = dict(zip(column_keys, cells, strict=True))
            row = Row(row_key, 1)
            table_rows[row_key] = row
            ordered.append(row)
            for slot, column_index in measured:
                width = cells[column_index].cell_len
                if width > content_widths[slot]:
                    content_widths[slot] = width
        for (_index, column), width in zip(auto_width, content_widths, strict=True):
            column.content_width = width
        self._update_count += 1
        # Fill the ordered-row and line-offset caches, which the table would
        # otherwise rebuild from the rows in two more passes.
        update = self._update_count
        self._ordered_row_cache[(len(ordered), update)] = ordered
        self._offset_cache[update] = [(row.key, 0) for row in ordered]
        # On the next idle the table recomputes its virtual size. No row is
        # listed as new, so it measures no cell.
        self._require_update_dimensions = True
        self.cursor_coordinate = self.cursor_coordinate
        if self.row_count and self.show_cursor and self.cursor_type != "none":
            # add_row announces the first row under the cursor the same way.
            self._highlight_cursor()
        self.check_idle()
        self.refresh(layout=True)


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
        self._filter_timer: Timer | None = None
        self._last_filter_key = -math.inf
        """Monotonic time of the latest change to the filter line."""
        self._shown_keys: set[str] = set()
        """Keys of the rows in the table, kept to compare with the filter's rows."""

    def compose(self) -> ComposeResult:
        yield FilterInput(
            placeholder="filter: symbol or source (fmp, cache, stale, user)",
            id="target-filter",
            compact=True,
        )
        table = TargetTable(id="target-table", cursor_type="row", zebra_stripes=True)
        for key, label in COLUMNS:
            table.add_column(label, key=key, width=COLUMN_WIDTHS.get(key))
        yield table
        yield Static(EMPTY_HINT, id="target-empty")

    def on_mount(self) -> None:
        self.border_title = "Target prices"
        self.query_one("#target-filter").display = False

    @property
    def table(self) -> TargetTable:
        """The target table widget."""
        return self.query_one("#target-table", TargetTable)

    @property
    def filter_pending(self) -> bool:
        """Whether a filter change waits for FILTER_DELAY before it applies."""
        return self._filter_timer is not None

    def load(self, views: Iterable[TargetView], now: dt.datetime) -> None:
        """Replace every row with `views`."""
        self.now = now
        self.state.load(views)
        self.rebuild()

    def targets_differ(self, views: Sequence[TargetView]) -> bool:
        """Return whether `views` hold other targets than the rows shown.

        Prices are left out: they change in place as a refresh resolves them.
        """
        current_views = self.state.views
        if len(views) != len(current_views):
            return True
        for view in views:
            current = current_views.get(row_key(view))
            if current is None or current.target != view.target:
                return True
        return False

    def rebuild(self) -> None:
        """Fill the table in sort and filter order, keeping the cursor row."""
        with gc_paused():
            self._fill(self.state.visible_keys(self.now))

    def _fill(self, keys: Sequence[str]) -> None:
        table = self.table
        current = self.cursor_key()
        state = self.state
        # The rows stay alive, so collections during the fill free nothing.
        # They made a fill of 10,000 rows take up to 200 ms instead of 80 ms,
        # and the sort of its keys up to 80 ms instead of 5 ms.
        with gc_paused():
            rows = [(key, state.row_cells(key)) for key in keys]
            table.replace_rows(rows, state.auto_widths())
        self._shown_keys = set(keys)
        if current is not None:
            self.move_cursor_to(current)
        self.border_subtitle = state.describe()
        empty = self.query_one("#target-empty", Static)
        empty.display = not state.views
        table.display = bool(state.views)

    def reorder(self) -> None:
        """Put the table's rows in sort order, keeping the cursor row.

        When the rows that pass the filter are the rows in the table, the
        rows move with `DataTable.sort` and keep their cells. Otherwise,
        such as after a price changed a row's source label, the table is
        rebuilt.
        """
        with gc_paused():
            keys = self.state.visible_keys(self.now)
        table = self.table
        if len(keys) != table.row_count or not self._shown_keys.issuperset(keys):
            self._fill(keys)
            return
        current = self.cursor_key()
        position = {key: index for index, key in enumerate(keys)}

        def sort_key(cells: tuple[Text, Text]) -> int:
            symbol, position_type = cells
            return position[key_of_cells(symbol, position_type)]

        # DataTable.sort hands the key function the cells, not the row key.
        table.sort("symbol", "type", key=sort_key)
        # A rebuild starts from the top of the table, and so does a reorder.
        table.scroll_to(0, 0, animate=False, immediate=True)
        if current is not None:
            self.move_cursor_to(current)
        self.border_subtitle = self.state.describe()

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
            row = RowKey(key)
            if row not in table.rows:
                continue
            cells = self.state.cells(key, now)
            for column in PRICE_COLUMNS:
                cell = cells[column]
                table.update_cell(
                    row, column, cell, update_width=widens_column(table, column, cell)
                )
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
            self._shown_keys.discard(key)
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
        self.reorder()

    def reverse_sort(self) -> None:
        """Flip the sort direction."""
        self.state.reverse_sort()
        self.reorder()

    def open_filter(self) -> None:
        """Show the filter line and focus it."""
        line = self.query_one("#target-filter", FilterInput)
        line.display = True
        # Focus now rather than through focus(), which waits for the message
        # queue, so the keys already queued behind "/" go to the line.
        self.screen.set_focus(line)

    def close_filter(self) -> None:
        """Hide the filter line, keeping its text as the filter, and focus the table.

        A filter change that still waits for FILTER_DELAY applies now.
        """
        line = self.query_one("#target-filter", FilterInput)
        self.apply_filter(line.value)
        line.display = bool(line.value)
        self.table.focus()

    def apply_filter(self, text: str) -> None:
        """Filter the rows by `text` now, cancelling any delayed filter change."""
        self._cancel_filter_timer()
        if text == self.state.filter_text:
            return
        self.state.filter_text = text
        self.rebuild()

    def _cancel_filter_timer(self) -> None:
        if self._filter_timer is not None:
            self._filter_timer.stop()
            self._filter_timer = None

    def _apply_filter_line(self) -> None:
        self._filter_timer = None
        self.apply_filter(self.query_one("#target-filter", FilterInput).value)

    @on(Input.Changed, "#target-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._cancel_filter_timer()
        now = time.monotonic()
        after_pause = now - self._last_filter_key >= FILTER_DELAY
        self._last_filter_key = now
        if event.value == self.state.filter_text:
            return
        if after_pause:
            self.apply_filter(event.value)
        else:
            self._filter_timer = self.set_timer(FILTER_DELAY, self._apply_filter_line)

    @on(Input.Submitted, "#target-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.close_filter()
