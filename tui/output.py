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


SHORT_TEXT = 16
"""Widest text column, in characters, that a narrow terminal may not shorten."""

MIN_LONG_TEXT = 12
"""Narrowest a long text column gets, however little room the others leave."""

PIPED_WIDTH = 10_000
"""Line width for output that does not go to a terminal, so nothing is cut."""


def table_console() -> Console:
    """Return a stdout console; output to a pipe or file gets no width limit."""
    console = Console(highlight=False)
    if not console.is_terminal:
        console.width = PIPED_WIDTH
    return console


def print_table(
    console: Console,
    columns: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    title: str | None = None,
    right: Sequence[str] = (),
) -> None:
    """Print rows as a table; columns named in `right` are right-aligned numbers.

    Number columns and short text columns (symbols, kinds, sources) keep
    their full width, so a narrow terminal shortens only long text (with an
    ellipsis) and never cuts a number or a name.
    """
    # Text, not markup: cells hold portfolio names and symbols from files.
    table = Table(
        title=None if title is None else Text(title),
        header_style="bold underline",
        box=None,
        padding=(0, 2, 0, 0),
        pad_edge=False,
    )
    widths = [
        max([len(column), *(len(row[index]) for row in rows)])
        for index, column in enumerate(columns)
    ]
    fixed_width = [
        column in right or width <= SHORT_TEXT
        for column, width in zip(columns, widths, strict=True)
    ]
    # Long text columns share what the fixed-width columns and the gaps leave, so
    # the table fits and Rich does not drop whole columns to make it fit.
    fixed = sum(w for w, fixed in zip(widths, fixed_width, strict=True) if fixed)
    gaps = 2 * (len(columns) - 1)
    long_columns = fixed_width.count(False)
    share = None
    if long_columns:
        share = max(MIN_LONG_TEXT, (console.width - fixed - gaps) // long_columns)
    for column, width, fixed in zip(columns, widths, fixed_width, strict=True):
        if column in right:
            table.add_column(
                Text(column), justify="right", no_wrap=True, min_width=width
            )
        elif fixed:
            table.add_column(Text(column), no_wrap=True, min_width=width)
        else:
            table.add_column(
                Text(column), overflow="ellipsis", no_wrap=True, max_width=share
            )
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
