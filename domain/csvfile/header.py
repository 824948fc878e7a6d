"""Find the header line, the delimiter and the column of each field."""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from domain.csvfile.report import FileKind, ImportFileError

DELIMITERS = (",", ";", "\t", "|")
"""Field separators tried, in order of preference when two fit equally."""

HEADER_SEARCH_LINES = 100
"""Non-blank, non-comment lines searched for the header before giving up."""


class Field(StrEnum):
    """A value the importer reads, whatever the file calls its column."""

    SYMBOL = "symbol"
    POSITION_TYPE = "position_type"
    TARGET_EOY = "target_eoy"
    TARGET_NEXT_YEAR = "target_next_year"
    DOWNSIDE = "downside"
    CURRENT_PRICE = "current_price"
    QUANTITY = "quantity"
    ENTRY_PRICE = "entry_price"
    ENTRY_DATE = "entry_date"
    INVESTMENT_CLASS = "investment_class"
    INVESTMENT_SUBTYPE = "investment_subtype"
    UNDERLYING = "underlying"
    STRIKE = "strike"
    EXPIRY = "expiry"
    OPTION_TYPE = "option_type"
    EXIT_DATE = "exit_date"
    EXIT_PRICE = "exit_price"


def _aliases(table: dict[Field, tuple[str, ...]]) -> dict[str, Field]:
    return {alias: field for field, aliases in table.items() for alias in aliases}


_SYMBOL_ALIASES = (
    "symbol",
    "ticker",
    "ticker symbol",
    "symbol ticker",
    "stock symbol",
    "security symbol",
    "symbol cusip",
    "sym",
)

# Keys are header texts after `header_key`: lower case, punctuation to spaces.
TARGET_COLUMNS = _aliases(
    {
        Field.SYMBOL: _SYMBOL_ALIASES,
        Field.POSITION_TYPE: (
            "position type",
            "position",
            "type of position",
            "side",
            "long short",
            "direction",
        ),
        Field.TARGET_EOY: (
            "target eoy",
            "eoy target",
            "target",
            "target price",
            "price target",
            "target end of year",
            "end of year target",
            "year end target",
            "eoy",
        ),
        Field.TARGET_NEXT_YEAR: (
            "target next year",
            "next year target",
            "target next yr",
            "target ny",
            "next year",
        ),
        Field.DOWNSIDE: (
            "downside",
            "downside target",
            "downside price",
            "bear case",
            "bear target",
        ),
        Field.CURRENT_PRICE: (
            "current price",
            "price",
            "current",
            "last price",
            "last",
            "last sale",
            "last trade",
            "market price",
            "close price",
            "closing price",
        ),
    }
)

POSITION_COLUMNS = _aliases(
    {
        Field.SYMBOL: _SYMBOL_ALIASES,
        Field.QUANTITY: (
            "quantity",
            "qty",
            "qty quantity",
            "shares",
            "share count",
            "number of shares",
            "units",
            "contracts",
        ),
        Field.ENTRY_PRICE: (
            "entry price per share",
            "entry price",
            "cost basis per share",
            "cost basis share",
            "average cost basis",
            "avg cost basis",
            "average cost",
            "avg cost",
            "cost per share",
            "cost share",
            "unit cost",
            "purchase price",
            "price paid",
            "average price",
            "avg price",
            "open price",
            "buy price",
        ),
        Field.ENTRY_DATE: (
            "entry date",
            "date acquired",
            "acquired",
            "acquisition date",
            "purchase date",
            "open date",
            "date opened",
            "opened",
            "trade date",
        ),
        Field.INVESTMENT_CLASS: ("investment class", "asset class", "class"),
        Field.INVESTMENT_SUBTYPE: (
            "investment subtype",
            "investment sub type",
            "subtype",
            "security type",
            "asset type",
        ),
        Field.UNDERLYING: (
            "underlying symbol",
            "underlying",
            "underlying ticker",
            "root symbol",
        ),
        Field.STRIKE: ("strike price", "strike"),
        Field.EXPIRY: (
            "expiration date",
            "expiration",
            "expiry",
            "expiry date",
            "exp date",
            "expires",
        ),
        Field.OPTION_TYPE: ("option type", "put call", "call put", "option right"),
        Field.EXIT_DATE: ("exit date", "close date", "closing date", "date sold"),
        Field.EXIT_PRICE: (
            "exit price per share",
            "exit price",
            "sale price",
            "sell price",
        ),
    }
)

_TARGET_VALUE_FIELDS = frozenset(
    {Field.TARGET_EOY, Field.TARGET_NEXT_YEAR, Field.DOWNSIDE}
)
_REQUIRED_POSITION_FIELDS = (
    Field.SYMBOL,
    Field.QUANTITY,
    Field.ENTRY_PRICE,
    Field.ENTRY_DATE,
)
_CANONICAL_POSITION_NAMES = {
    Field.SYMBOL: "Symbol",
    Field.QUANTITY: "Quantity",
    Field.ENTRY_PRICE: "Entry Price Per Share",
    Field.ENTRY_DATE: "Entry Date",
}
_NON_ALPHANUMERIC = re.compile(r"[^0-9a-z]+")


def header_key(text: str) -> str:
    """Reduce a header cell to the form the alias tables use."""
    return _NON_ALPHANUMERIC.sub(" ", text.replace("\ufeff", "").lower()).strip()


@dataclass(frozen=True, slots=True)
class Header:
    """The header line of a file and what its columns mean.

    Attributes:
        kind: Targets or positions.
        line: Physical 1-based line number of the header.
        delimiter: The field separator the header was split with.
        names: Each column's header text, stripped, as the file writes it.
        keys: Each column's `header_key`, used to spot a repeated header.
        columns: Column index of each field the file has.
        ignored: Header texts of non-empty columns that map to no field,
            or to a field an earlier column already supplies.
    """

    kind: FileKind
    line: int
    delimiter: str
    names: tuple[str, ...]
    keys: tuple[str, ...]
    columns: dict[Field, int]
    ignored: tuple[str, ...]

    def name(self, field: Field) -> str:
        """Return the header text of the column that supplies `field`."""
        return self.names[self.columns[field]]


def _map_columns(
    keys: Sequence[str], table: dict[str, Field]
) -> tuple[dict[Field, int], list[int]]:
    columns: dict[Field, int] = {}
    unmapped: list[int] = []
    for index, key in enumerate(keys):
        field = table.get(key)
        if field is None or field in columns:
            unmapped.append(index)
        else:
            columns[field] = index
    return columns, unmapped


def read_header(cells: Sequence[str]) -> tuple[FileKind, dict[Field, int]] | None:
    """Return the file kind and column map if `cells` form a header, else None.

    A header with a symbol column and a target or downside column is a
    targets header. Failing that, one with symbol and quantity columns is a
    positions header.
    """
    keys = [header_key(cell) for cell in cells]
    target_columns, _ = _map_columns(keys, TARGET_COLUMNS)
    if Field.SYMBOL in target_columns and _TARGET_VALUE_FIELDS & target_columns.keys():
        return FileKind.TARGETS, target_columns
    position_columns, _ = _map_columns(keys, POSITION_COLUMNS)
    if Field.SYMBOL in position_columns and Field.QUANTITY in position_columns:
        return FileKind.POSITIONS, position_columns
    return None


def is_comment(line: str) -> bool:
    """Return True if a physical line is a `#` comment."""
    return line.lstrip().startswith("#")


def find_header(lines: Sequence[str], path: str) -> Header:
    """Find the first line that reads as a header with one of the delimiters.

    Lines before it (titles, export dates, blank lines) are preamble. When
    several delimiters split a line into a header, the one that maps the
    most columns wins, and ties go to the earlier entry of `DELIMITERS`.

    Raises:
        ImportFileError: if the file contains nothing but whitespace ("no data
            rows"), if no header is found in the first
            `HEADER_SEARCH_LINES` non-blank, non-comment lines, or if a
            positions header lacks a required column.
    """
    examined = 0
    for index, line in enumerate(lines):
        if examined >= HEADER_SEARCH_LINES:
            break
        if not line.strip() or is_comment(line):
            continue
        examined += 1
        best: tuple[int, str, list[str], FileKind, dict[Field, int]] | None = None
        for delimiter in DELIMITERS:
            if delimiter not in line:
                continue
            cells = next(csv.reader([line], delimiter=delimiter))
            found = read_header(cells)
            if found is not None and (best is None or len(found[1]) > best[0]):
                best = (len(found[1]), delimiter, cells, *found)
        if best is not None:
            _, delimiter, cells, kind, columns = best
            return _build_header(index + 1, delimiter, cells, kind, columns, path)
    if examined == 0:
        raise ImportFileError(
            path, "no data rows", "the file contains only blank or comment lines"
        )
    raise ImportFileError(
        path,
        "no header found",
        f"none of the first {examined} lines names the columns: start the file "
        "with a header such as 'symbol,position_type,target_eoy,"
        "target_next_year,downside,current_price' or 'Symbol,Quantity,Entry "
        "Price Per Share,Entry Date'",
    )


def _build_header(
    line: int,
    delimiter: str,
    cells: list[str],
    kind: FileKind,
    columns: dict[Field, int],
    path: str,
) -> Header:
    names = tuple(cell.replace("\ufeff", "").strip() for cell in cells)
    keys = tuple(header_key(name) for name in names)
    used = set(columns.values())
    ignored = tuple(
        name for index, name in enumerate(names) if name and index not in used
    )
    if kind is FileKind.POSITIONS:
        missing = [
            _CANONICAL_POSITION_NAMES[field]
            for field in _REQUIRED_POSITION_FIELDS
            if field not in columns
        ]
        if missing:
            listed = ", ".join(repr(name) for name in missing)
            raise ImportFileError(
                path,
                "missing columns",
                f"the positions header on line {line} has no {listed} column: "
                "add the column, with a value on every row",
                lines=(line,),
            )
    return Header(kind, line, delimiter, names, keys, columns, ignored)
