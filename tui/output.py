"""Rendering of command output as a table, CSV or JSON."""

from __future__ import annotations

import csv
import io
import json
import re
import secrets
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
    """Return `value` as indented JSON, with each Decimal written exactly.

    The json module writes a Decimal only through float, which rounds it.
    Each finite Decimal becomes a string with a random mark first, and the
    marked strings are then replaced by the Decimal's text as a JSON number.
    A string in the data could only match by containing the mark, which is
    new on every call.
    """
    mark = f"decimal-{secrets.token_hex(8)}:"

    def marked(item: object) -> str:
        if isinstance(item, Decimal) and item.is_finite():
            return mark + str(item)
        raise TypeError(f"{type(item).__name__} {item!r} is not JSON serializable")

    text = json.dumps(value, indent=2, ensure_ascii=False, default=marked)
    return re.sub(f'"{re.escape(mark)}([-+0-9.eE]+)"', r"\1", text)
