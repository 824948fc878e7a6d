"""Validate position rows and turn them into `Position` values."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal

from domain.csvfile.cells import DateReader, NumberReader, Record
from domain.csvfile.header import Field, Header
from domain.csvfile.options import read_option
from domain.csvfile.position_cells import PositionCells, read_symbol
from domain.csvfile.report import PositionRow, RowIssue, Severity
from domain.csvfile.targets import PROGRESS_INTERVAL, ProgressCallback
from domain.models import InvestmentClass, Position, PositionType
from domain.symbols import OptionRight, parse_option_symbol

_ZERO = Decimal(0)
_OPTION_FIELDS = (Field.UNDERLYING, Field.STRIKE, Field.EXPIRY, Field.OPTION_TYPE)
_INVESTMENT_CLASSES = {
    "PUBLIC": InvestmentClass.PUBLIC,
    "OPTIONS": InvestmentClass.OPTIONS,
    "OPTION": InvestmentClass.OPTIONS,
    "PRIVATE": InvestmentClass.PRIVATE,
}
_POSITION_TYPES = {
    (None, True): PositionType.LONG,
    (None, False): PositionType.SHORT,
    (OptionRight.CALL, True): PositionType.LC,
    (OptionRight.CALL, False): PositionType.SC,
    (OptionRight.PUT, True): PositionType.LP,
    (OptionRight.PUT, False): PositionType.SP,
}
"""Position type by (option right, quantity is positive)."""


def read_positions(
    records: Sequence[Record],
    header: Header,
    numbers: NumberReader,
    dates: DateReader,
    path: str,
    issues: list[RowIssue],
    short_rows: Mapping[int, int],
    on_progress: ProgressCallback | None = None,
) -> list[PositionRow]:
    """Validate each position row, appending its issues to `issues`.

    Returns the rows without errors, in file order. A negative quantity is
    a short position. An option row may leave Symbol empty and give the
    underlying, strike, expiry and option type instead; its symbol is then
    built as in `domain.symbols.option_symbol`.

    `short_rows` maps the line of each row with fewer fields than the
    header to its field count. Such a row that fails is read again with the
    missing fields added to its last run of empty cells, because a
    delimiter dropped there shifts the values after it one column left. If
    that reading is valid, it is kept with a WARNING.
    """
    rows: list[PositionRow] = []
    total = len(records)
    for done, (line, cells) in enumerate(records, start=1):
        if on_progress is not None and done % PROGRESS_INTERVAL == 0:
            on_progress(done, total)
        row = PositionCells(line, cells, header, numbers, dates, path)
        position = _read_position(row)
        if row.failed and line in short_rows:
            repaired = _realign_short_row(row, short_rows[line])
            if repaired is not None:
                row, position = repaired
        issues.extend(row.issues)
        if position is not None and not row.failed:
            rows.append(PositionRow(line, position))
    if on_progress is not None:
        on_progress(total, total)
    return rows


def _realign_short_row(
    row: PositionCells, count: int
) -> tuple[PositionCells, Position] | None:
    """Read a short row again with empty fields added to its last gap.

    Returns the new reading if it is valid, else None.
    """
    cells = row.cells[:count]
    gap_end = next(
        (
            index
            for index in range(count - 1, 0, -1)
            if not cells[index - 1].strip() and cells[index].strip()
        ),
        None,
    )
    if gap_end is None:
        return None
    width = len(row.cells)
    shifted = (*cells[:gap_end], *[""] * (width - count), *cells[gap_end:])
    retry = PositionCells(
        row.line, shifted, row.header, row.numbers, row.dates, row.path
    )
    position = _read_position(retry)
    if position is None or retry.failed:
        return None
    moved = row.header.names[gap_end]
    retry.issues.insert(
        0,
        RowIssue(
            row.path,
            row.line,
            None,
            None,
            f"this row has {count} fields but the header has {width}, so the "
            f"value written under {moved!r} and those after it were read one "
            "column to the right, where they fit: check the row and add the "
            "missing delimiter",
            Severity.WARNING,
        ),
    )
    return retry, position


def _read_position(row: PositionCells) -> Position | None:
    quantity = row.number(
        Field.QUANTITY,
        required="write the number of shares or contracts, negative for a short",
    )
    if quantity is not None and quantity == _ZERO:
        row.add_issue(
            Field.QUANTITY,
            "must not be 0: write the number of shares or contracts, negative "
            "for a short",
        )
    entry_price = row.number(
        Field.ENTRY_PRICE, required="write the price paid per share, such as 158.00"
    )
    if entry_price is not None and entry_price < _ZERO:
        row.add_issue(
            Field.ENTRY_PRICE,
            "must not be negative: write the price paid per share; a short "
            "position has a negative quantity instead",
        )
    entry_date = row.date(
        Field.ENTRY_DATE, required="write the date opened as YYYY-MM-DD"
    )
    investment_class = _read_investment_class(row)
    subtype = row.text(Field.INVESTMENT_SUBTYPE) or None
    exit_date, exit_price = _read_exit(row, entry_date)

    symbol_text = row.text(Field.SYMBOL)
    from_symbol = parse_option_symbol(symbol_text) if symbol_text else None
    option_given = any(row.text(field) for field in _OPTION_FIELDS)
    if investment_class is None:
        is_option = option_given or from_symbol is not None
        investment_class = (
            InvestmentClass.OPTIONS if is_option else InvestmentClass.PUBLIC
        )
    elif investment_class is not InvestmentClass.OPTIONS and option_given:
        row.add_issue(
            Field.INVESTMENT_CLASS,
            f"{investment_class.value} does not fit the option columns filled in: "
            "write OPTIONS, or clear the option columns",
        )
        return None

    if investment_class is InvestmentClass.OPTIONS:
        terms = read_option(row, symbol_text, from_symbol, entry_date)
        if terms is None:
            return None
        symbol = terms.symbol
        right: OptionRight | None = terms.right
        underlying, strike, expiry = terms.underlying, terms.strike, terms.expiry
    else:
        symbol = read_symbol(row, symbol_text)
        right, underlying, strike, expiry = None, None, None, None

    if (
        row.failed
        or symbol is None
        or quantity is None
        or entry_price is None
        or entry_date is None
    ):
        return None
    return Position(
        symbol=symbol,
        position_type=_POSITION_TYPES[right, quantity > _ZERO],
        quantity=quantity,
        entry_price=entry_price,
        entry_date=entry_date,
        investment_class=investment_class,
        investment_subtype=subtype,
        underlying=underlying,
        strike=strike,
        expiry=expiry,
        exit_date=exit_date,
        exit_price=exit_price,
    )


def _read_investment_class(row: PositionCells) -> InvestmentClass | None:
    text = row.text(Field.INVESTMENT_CLASS)
    if not text:
        return None
    found = _INVESTMENT_CLASSES.get(text.upper())
    if found is None:
        row.add_issue(
            Field.INVESTMENT_CLASS,
            "unknown investment class: write PUBLIC, OPTIONS or PRIVATE, or "
            "leave it empty",
        )
    return found


def _read_exit(
    row: PositionCells, entry_date: dt.date | None
) -> tuple[dt.date | None, Decimal | None]:
    exit_date = row.date(Field.EXIT_DATE)
    exit_price = row.number(Field.EXIT_PRICE)
    date_given = bool(row.text(Field.EXIT_DATE))
    price_given = bool(row.text(Field.EXIT_PRICE))
    if date_given and not price_given:
        row.add_issue(
            Field.EXIT_PRICE if Field.EXIT_PRICE in row.header.columns else None,
            "exit price missing: a closed position needs both Exit Date and "
            "Exit Price Per Share",
        )
    if price_given and not date_given:
        row.add_issue(
            Field.EXIT_DATE if Field.EXIT_DATE in row.header.columns else None,
            "exit date missing: a closed position needs both Exit Date and "
            "Exit Price Per Share",
        )
    if exit_price is not None and exit_price < _ZERO:
        row.add_issue(Field.EXIT_PRICE, "must not be negative: write the sale price")
    if exit_date is not None and entry_date is not None and exit_date < entry_date:
        row.add_issue(
            Field.EXIT_DATE,
            f"before the entry date {entry_date.isoformat()}: correct one of "
            "the two dates",
        )
    return exit_date, exit_price
