"""Validate position rows and turn them into `Position` values."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from domain.csvfile.cells import (
    MISSING_MARKERS,
    CellError,
    DateReader,
    NumberReader,
    Record,
)
from domain.csvfile.header import Field, Header
from domain.csvfile.report import PositionRow, RowIssue, Severity
from domain.csvfile.targets import PROGRESS_INTERVAL, SYMBOL_HINT, ProgressCallback
from domain.models import InvestmentClass, Position, PositionType
from domain.symbols import (
    OptionContract,
    OptionRight,
    SymbolError,
    normalize_descriptive,
    normalize_symbol,
    option_symbol,
    parse_option_symbol,
)

_ZERO = Decimal(0)
_OPTION_FIELDS = (Field.UNDERLYING, Field.STRIKE, Field.EXPIRY, Field.OPTION_TYPE)
_OPTION_COLUMN_NAMES = {
    Field.UNDERLYING: "Underlying Symbol",
    Field.STRIKE: "Strike Price",
    Field.EXPIRY: "Expiration Date",
}
_INVESTMENT_CLASSES = {
    "PUBLIC": InvestmentClass.PUBLIC,
    "OPTIONS": InvestmentClass.OPTIONS,
    "OPTION": InvestmentClass.OPTIONS,
    "PRIVATE": InvestmentClass.PRIVATE,
}
_OPTION_RIGHTS = {
    "CALL": OptionRight.CALL,
    "C": OptionRight.CALL,
    "CALLS": OptionRight.CALL,
    "PUT": OptionRight.PUT,
    "P": OptionRight.PUT,
    "PUTS": OptionRight.PUT,
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


class _Row:
    """Reads the cells of one position row and collects its issues."""

    def __init__(
        self,
        line: int,
        cells: Sequence[str],
        header: Header,
        numbers: NumberReader,
        dates: DateReader,
        path: str,
    ) -> None:
        self.line = line
        self.cells = cells
        self.header = header
        self.numbers = numbers
        self.dates = dates
        self.path = path
        self.issues: list[RowIssue] = []
        self.failed = False

    def name(self, field: Field) -> str:
        return self.header.name(field)

    def text(self, field: Field) -> str:
        index = self.header.columns.get(field)
        return "" if index is None else self.cells[index].strip()

    def report(
        self, field: Field | None, reason: str, severity: Severity = Severity.ERROR
    ) -> None:
        if field is None or field not in self.header.columns:
            column, value = None, None
        else:
            column, value = self.name(field), self.cells[self.header.columns[field]]
        self.issues.append(
            RowIssue(self.path, self.line, column, value, reason, severity)
        )
        if severity is Severity.ERROR:
            self.failed = True

    def _present(self, field: Field, required: str | None) -> str | None:
        """Return the stripped cell, or None after reporting it if missing."""
        text = self.text(field)
        if text and text.lower() in MISSING_MARKERS:
            if required is None:
                self.report(
                    field,
                    "read as missing: write a value, or leave the cell empty",
                    Severity.WARNING,
                )
                return None
            text = ""
        if not text:
            if required is not None:
                self.report(field, f"missing: {required}")
            return None
        return text

    def number(self, field: Field, required: str | None = None) -> Decimal | None:
        text = self._present(field, required)
        if text is None:
            return None
        try:
            return self.numbers.read(text)
        except CellError as error:
            self.report(field, str(error))
            return None

    def date(self, field: Field, required: str | None = None) -> dt.date | None:
        text = self._present(field, required)
        if text is None:
            return None
        try:
            return self.dates.read(text)
        except CellError as error:
            self.report(field, str(error))
            return None


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
        row = _Row(line, cells, header, numbers, dates, path)
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


def _realign_short_row(row: _Row, count: int) -> tuple[_Row, Position] | None:
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
    retry = _Row(row.line, shifted, row.header, row.numbers, row.dates, row.path)
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


def _read_position(row: _Row) -> Position | None:
    quantity = row.number(
        Field.QUANTITY,
        required="write the number of shares or contracts, negative for a short",
    )
    if quantity is not None and quantity == _ZERO:
        row.report(
            Field.QUANTITY,
            "must not be 0: write the number of shares or contracts, negative "
            "for a short",
        )
    entry_price = row.number(
        Field.ENTRY_PRICE, required="write the price paid per share, such as 158.00"
    )
    if entry_price is not None and entry_price < _ZERO:
        row.report(
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
        row.report(
            Field.INVESTMENT_CLASS,
            f"{investment_class.value} does not fit the option columns filled in: "
            "write OPTIONS, or clear the option columns",
        )
        return None

    if investment_class is InvestmentClass.OPTIONS:
        terms = _read_option(row, symbol_text, from_symbol, entry_date)
        if terms is None:
            return None
        symbol = terms.symbol
        right: OptionRight | None = terms.right
        underlying, strike, expiry = terms.underlying, terms.strike, terms.expiry
    else:
        symbol = _read_symbol(row, symbol_text)
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


def _read_symbol(row: _Row, symbol_text: str) -> str | None:
    if not symbol_text:
        row.report(
            Field.SYMBOL,
            "missing: write the ticker; for an option, fill in Underlying "
            "Symbol, Strike Price, Expiration Date and Option Type instead",
        )
        return None
    try:
        return normalize_descriptive(symbol_text)
    except SymbolError:
        row.report(Field.SYMBOL, f"not a symbol: {SYMBOL_HINT}")
        return None


def _read_investment_class(row: _Row) -> InvestmentClass | None:
    text = row.text(Field.INVESTMENT_CLASS)
    if not text:
        return None
    found = _INVESTMENT_CLASSES.get(text.upper())
    if found is None:
        row.report(
            Field.INVESTMENT_CLASS,
            "unknown investment class: write PUBLIC, OPTIONS or PRIVATE, or "
            "leave it empty",
        )
    return found


def _read_exit(
    row: _Row, entry_date: dt.date | None
) -> tuple[dt.date | None, Decimal | None]:
    exit_date = row.date(Field.EXIT_DATE)
    exit_price = row.number(Field.EXIT_PRICE)
    date_given = bool(row.text(Field.EXIT_DATE))
    price_given = bool(row.text(Field.EXIT_PRICE))
    if date_given and not price_given:
        row.report(
            Field.EXIT_PRICE if Field.EXIT_PRICE in row.header.columns else None,
            "exit price missing: a closed position needs both Exit Date and "
            "Exit Price Per Share",
        )
    if price_given and not date_given:
        row.report(
            Field.EXIT_DATE if Field.EXIT_DATE in row.header.columns else None,
            "exit date missing: a closed position needs both Exit Date and "
            "Exit Price Per Share",
        )
    if exit_price is not None and exit_price < _ZERO:
        row.report(Field.EXIT_PRICE, "must not be negative: write the sale price")
    if exit_date is not None and entry_date is not None and exit_date < entry_date:
        row.report(
            Field.EXIT_DATE,
            f"before the entry date {entry_date.isoformat()}: correct one of "
            "the two dates",
        )
    return exit_date, exit_price


@dataclass(frozen=True, slots=True)
class _OptionTerms:
    symbol: str | None
    right: OptionRight
    underlying: str | None
    strike: Decimal | None
    expiry: dt.date | None


def _read_option(
    row: _Row,
    symbol_text: str,
    from_symbol: OptionContract | None,
    entry_date: dt.date | None,
) -> _OptionTerms | None:
    """Read the option columns, filling empty ones from a descriptive symbol.

    Returns None if the option type is missing or invalid, or if a row with
    an empty Symbol lacks a term needed to build the symbol.
    """
    right_text = row.text(Field.OPTION_TYPE)
    right = _OPTION_RIGHTS.get(right_text.upper()) if right_text else None
    if right_text and right is None:
        row.report(Field.OPTION_TYPE, "unknown option type: write CALL or PUT")
    underlying_text = row.text(Field.UNDERLYING)
    underlying: str | None = None
    if underlying_text:
        try:
            underlying = normalize_symbol(underlying_text)
        except SymbolError:
            row.report(Field.UNDERLYING, f"not a ticker: {SYMBOL_HINT}")
    strike = row.number(Field.STRIKE)
    if strike is not None and strike <= _ZERO:
        row.report(Field.STRIKE, "must be greater than 0: write the strike price")
    expiry = row.date(Field.EXPIRY)
    if expiry is not None and entry_date is not None and expiry < entry_date:
        row.report(
            Field.EXPIRY,
            f"before the entry date {entry_date.isoformat()}: correct one of "
            "the two dates",
        )

    if from_symbol is not None:
        _check_against_symbol(row, symbol_text, from_symbol, right, underlying)
        _check_against_symbol_terms(row, symbol_text, from_symbol, strike, expiry)
        right = right if right is not None else from_symbol.right
        underlying = underlying if underlying is not None else from_symbol.underlying
        strike = strike if strike is not None else from_symbol.strike
        expiry = expiry if expiry is not None else from_symbol.expiry
    if right is None:
        if not right_text:
            row.report(Field.OPTION_TYPE, "missing: write CALL or PUT")
        return None

    missing = [
        field
        for field, value in (
            (Field.UNDERLYING, underlying),
            (Field.STRIKE, strike),
            (Field.EXPIRY, expiry),
        )
        if value is None and not row.text(field)
    ]
    if symbol_text:
        if missing:
            listed = ", ".join(_OPTION_COLUMN_NAMES[field] for field in missing)
            row.report(
                None,
                f"option terms missing ({listed}): fill them in so the option "
                "can be valued",
                Severity.WARNING,
            )
        symbol = _read_symbol(row, symbol_text)
        return _OptionTerms(symbol, right, underlying, strike, expiry)

    for field in missing:
        row.report(
            field,
            "missing: an option row with an empty Symbol needs Underlying "
            "Symbol, Strike Price, Expiration Date and Option Type",
        )
    if underlying is None or strike is None or expiry is None:
        return None
    symbol = option_symbol(underlying, right, strike, expiry)
    return _OptionTerms(symbol, right, underlying, strike, expiry)


def _check_against_symbol(
    row: _Row,
    symbol_text: str,
    from_symbol: OptionContract,
    right: OptionRight | None,
    underlying: str | None,
) -> None:
    if right is not None and right is not from_symbol.right:
        row.report(
            Field.OPTION_TYPE,
            f"does not match the symbol {symbol_text}: correct one of them",
        )
    if underlying is not None and underlying != from_symbol.underlying:
        row.report(
            Field.UNDERLYING,
            f"does not match the symbol {symbol_text}: correct one of them",
        )


def _check_against_symbol_terms(
    row: _Row,
    symbol_text: str,
    from_symbol: OptionContract,
    strike: Decimal | None,
    expiry: dt.date | None,
) -> None:
    if strike is not None and strike != from_symbol.strike:
        row.report(
            Field.STRIKE,
            f"does not match the symbol {symbol_text}: correct one of them",
        )
    if expiry is not None and expiry != from_symbol.expiry:
        row.report(
            Field.EXPIRY,
            f"does not match the symbol {symbol_text}: correct one of them",
        )
