"""Helpers shared by the DataTable panes."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey


def widens_column(table: DataTable[Any], column: str, cell: Text) -> bool:
    """Return whether `cell` is wider than its auto-width column's content so far.

    Pass the result as `update_width` to `DataTable.update_cell`. With
    update_width=True and a cell narrower than its column, Textual 8.2
    measures every cell of the column again, which made a refresh of a
    100,000-row portfolio take minutes of CPU. Columns therefore only grow.
    """
    found = table.columns.get(ColumnKey(column))
    return (
        found is not None and found.auto_width and cell.cell_len > found.content_width
    )
