"""The import preview's row table: every line of the file with its status."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable

from domain.imports import PositionRow, TargetRow
from tui.state.format import MISSING, format_exact
from tui.state.import_rows import ImportRows
from tui.widgets.tables import widens_column


class ImportRowsTable(DataTable[Text]):
    """One row per line of the file, keyed by line number.

    Cells are Text, not markup, because they quote the file's own text.
    """

    def show(self, rows: ImportRows) -> None:
        """Replace the table with the rows of a newly read file."""
        self.clear(columns=True)
        self.add_column("Line")
        self.add_column("Symbol", key="symbol")
        self.add_column("Status", key="status")
        if rows.report.positions:
            for label in ("Type", "Quantity", "Entry", "Date"):
                self.add_column(label)
        else:
            for label in ("Type", "EOY", "Next yr", "Down", "Price"):
                self.add_column(label)
        width = len(self.columns) - 3
        for line in rows.lines():
            self.add_row(
                Text(str(line)),
                Text(rows.symbol_text(line) or MISSING),
                Text(rows.status(line)),
                *(Text(value) for value in _values(rows, line, width)),
                key=str(line),
            )

    def update_line(self, rows: ImportRows, line: int) -> None:
        """Show a line's symbol and status again after the user changed them."""
        symbol = Text(rows.symbol_text(line) or MISSING)
        status = Text(rows.status(line))
        self.update_cell(
            str(line),
            "symbol",
            symbol,
            update_width=widens_column(self, "symbol", symbol),
        )
        self.update_cell(
            str(line),
            "status",
            status,
            update_width=widens_column(self, "status", status),
        )

    def cursor_line(self) -> int | None:
        """Return the file line under the cursor, or None for an empty table."""
        if self.row_count == 0:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        return None if key.value is None else int(key.value)


def _values(rows: ImportRows, line: int, width: int) -> list[str]:
    """Return the cells after Line, Symbol and Status for one line."""
    row = rows.rows.get(line)
    if isinstance(row, PositionRow):
        position = row.position
        return [
            position.position_type.value,
            f"{position.quantity:,}",
            format_exact(position.entry_price),
            position.entry_date.isoformat(),
        ]
    if isinstance(row, TargetRow):
        target = row.target
        return [
            target.position_type.value,
            format_exact(target.target_eoy),
            format_exact(target.target_next_year),
            format_exact(target.downside),
            format_exact(target.current_price),
        ]
    return [MISSING] * width
