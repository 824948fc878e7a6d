"""Validate target rows and turn them into `TargetPrice` values."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from decimal import Decimal

from domain.csvfile.cells import (
    MISSING_MARKERS,
    CellError,
    DecimalStyle,
    NumberReader,
    Record,
)
from domain.csvfile.header import Field, Header
from domain.csvfile.report import RowIssue, Severity, TargetKey, TargetRow
from domain.models import PositionType, TargetPrice
from domain.symbols import SymbolError, normalize_descriptive

PROGRESS_INTERVAL = 5000
"""Rows between two progress callbacks."""

_ZERO = Decimal(0)
MAX_VALUE = Decimal(10) ** 12
"""Smallest price rejected as too large; no listed security trades near it."""
# Tickers already in the form that `normalize_symbol` returns, so the call
# can be skipped.
_CANONICAL_TICKER = re.compile(r"[A-Z0-9]{1,6}(?:\.[A-Z]{1,2})?")
_VALUE_FIELDS = (
    Field.TARGET_EOY,
    Field.TARGET_NEXT_YEAR,
    Field.DOWNSIDE,
    Field.CURRENT_PRICE,
)
POSITION_TYPES: dict[str, PositionType] = {
    "": PositionType.LONG,
    **{member.value: member for member in PositionType},
    "LONG CALL": PositionType.LC,
    "LONG PUT": PositionType.LP,
    "SHORT CALL": PositionType.SC,
    "SHORT PUT": PositionType.SP,
}
"""Position type cells, upper-cased with `_` and `-` as spaces."""

POSITION_TYPE_HINT = "write LONG, SHORT, LC, LP, SC or SP, or leave it empty for LONG"
SYMBOL_HINT = "use letters, digits, '.', '_' or '-', such as AAPL or BRK.B"

ProgressCallback = Callable[[int, int], None]


def read_position_type(text: str) -> PositionType | None:
    """Return the position type a cell names, or None if it names none."""
    key = text.strip().upper()
    if "_" in key or "-" in key:
        key = " ".join(key.replace("_", " ").replace("-", " ").split())
    return POSITION_TYPES.get(key)


def read_targets(
    records: Sequence[Record],
    header: Header,
    numbers: NumberReader,
    path: str,
    issues: list[RowIssue],
    on_progress: ProgressCallback | None = None,
) -> tuple[list[TargetRow], list[TargetKey]]:
    """Validate each target row, appending its issues to `issues`.

    Returns the rows without errors, in file order, and the key of each.
    Targets, downside and current price are optional but must be greater
    than 0 when set. A missing position type means LONG.
    """
    columns = header.columns
    symbol_index = columns[Field.SYMBOL]
    symbol_name = header.names[symbol_index]
    type_index = columns.get(Field.POSITION_TYPE)
    type_name = header.names[type_index] if type_index is not None else ""
    value_columns = [
        (slot, columns[field], header.names[columns[field]])
        for slot, field in enumerate(_VALUE_FIELDS)
        if field in columns
    ]
    plain = numbers.plain.fullmatch
    canonical = _CANONICAL_TICKER.fullmatch
    comma_style = numbers.style is DecimalStyle.COMMA
    symbols: dict[str, str] = {}
    rows: list[TargetRow] = []
    keys: list[TargetKey] = []
    total = len(records)

    for done, (line, cells) in enumerate(records, start=1):
        if on_progress is not None and done % PROGRESS_INTERVAL == 0:
            on_progress(done, total)
        failed = False

        raw_symbol = cells[symbol_index]
        symbol = raw_symbol if canonical(raw_symbol) else symbols.get(raw_symbol)
        if symbol is None:
            if not raw_symbol.strip():
                issues.append(
                    RowIssue(
                        path,
                        line,
                        symbol_name,
                        raw_symbol,
                        "missing: write the ticker, such as AAPL",
                        Severity.ERROR,
                    )
                )
                failed = True
            else:
                try:
                    symbol = normalize_descriptive(raw_symbol)
                    symbols[raw_symbol] = symbol
                except SymbolError:
                    issues.append(
                        RowIssue(
                            path,
                            line,
                            symbol_name,
                            raw_symbol,
                            f"not a symbol: {SYMBOL_HINT}",
                            Severity.ERROR,
                        )
                    )
                    failed = True

        position_type = PositionType.LONG
        if type_index is not None:
            type_text = cells[type_index]
            found_type = POSITION_TYPES.get(type_text)
            if found_type is None:
                found_type = read_position_type(type_text)
            if found_type is None:
                issues.append(
                    RowIssue(
                        path,
                        line,
                        type_name,
                        type_text,
                        f"unknown position type: {POSITION_TYPE_HINT}",
                        Severity.ERROR,
                    )
                )
                failed = True
            else:
                position_type = found_type

        values: list[Decimal | None] = [None, None, None, None]
        for slot, index, name in value_columns:
            text = cells[index]
            if plain(text):
                value = Decimal(text.replace(",", ".") if comma_style else text)
            else:
                stripped = text.strip()
                if not stripped:
                    continue
                if stripped.lower() in MISSING_MARKERS:
                    issues.append(
                        RowIssue(
                            path,
                            line,
                            name,
                            text,
                            "read as missing: write a number, or leave the cell empty",
                            Severity.WARNING,
                        )
                    )
                    continue
                try:
                    value = numbers.read(stripped)
                except CellError as error:
                    issues.append(
                        RowIssue(path, line, name, text, str(error), Severity.ERROR)
                    )
                    failed = True
                    continue
            if value >= MAX_VALUE:
                issues.append(
                    RowIssue(
                        path,
                        line,
                        name,
                        text,
                        f"{name} is too large: write a price below 1,000,000,000,000",
                        Severity.ERROR,
                    )
                )
                failed = True
                continue
            if value <= _ZERO:
                issues.append(
                    RowIssue(
                        path,
                        line,
                        name,
                        text,
                        f"{name} must be greater than 0: write a positive price, "
                        "or leave the cell empty if there is none",
                        Severity.ERROR,
                    )
                )
                failed = True
                continue
            values[slot] = value

        if failed or symbol is None:
            continue
        target = TargetPrice(
            symbol, position_type, values[0], values[1], values[2], values[3]
        )
        rows.append(TargetRow(line, target))
        keys.append((symbol, position_type))

    if on_progress is not None:
        on_progress(total, total)
    return rows, keys
