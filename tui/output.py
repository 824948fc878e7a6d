"""Rendering of command output as a table, CSV or JSON."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from decimal import Decimal

from rich.console import Console
from rich.table import Table
from rich.text import Text

MISSING = "—"


def format_decimal(value: Decimal | None, places: int = 2) -> str:
    """Format a number for a table cell; a missing value is an em dash, never 0."""
    if value is None:
        return MISSING
    return f"{value:,.{places}f}"


def format_percent(value: Decimal | None) -> str:
    """Format a percentage with a sign, or an em dash when missing."""
    if value is None:
        return MISSING
    return f"{value:+.2f}%"


def print_table(
    console: Console,
    columns: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    title: str | None = None,
    right: Sequence[str] = (),
) -> None:
    """Print rows as a table; columns named in `right` are right-aligned numbers.

    Number columns keep their full width, so a narrow terminal shortens the
    text columns (with an ellipsis) but never cuts a number.
    """
    # Text, not markup: cells hold portfolio names and symbols from files.
    table = Table(
        title=None if title is None else Text(title),
        header_style="bold underline",
        box=None,
        padding=(0, 2, 0, 0),
        pad_edge=False,
    )
    for index, column in enumerate(columns):
        if column in right:
            widest = max([len(column), *(len(row[index]) for row in rows)])
            table.add_column(
                Text(column), justify="right", no_wrap=True, min_width=widest
            )
        else:
            table.add_column(Text(column), overflow="ellipsis", no_wrap=True)
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))
    console.print(table)


def to_csv(columns: Sequence[str], rows: Sequence[dict[str, object]]) -> str:
    """Return rows as CSV text with a header line."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if row.get(k) is None else row.get(k) for k in columns})
    return buffer.getvalue()


def to_json(value: object) -> str:
    """Return `value` as indented JSON."""
    return json.dumps(value, indent=2, ensure_ascii=False)
