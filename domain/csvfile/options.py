"""Read the option columns of a position row."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from domain.csvfile.header import Field
from domain.csvfile.position_cells import PositionCells, read_symbol
from domain.csvfile.report import Severity
from domain.csvfile.targets import SYMBOL_HINT
from domain.symbols import (
    OptionContract,
    OptionRight,
    SymbolError,
    normalize_symbol,
    option_symbol,
)

_ZERO = Decimal(0)
_OPTION_COLUMN_NAMES = {
    Field.UNDERLYING: "Underlying Symbol",
    Field.STRIKE: "Strike Price",
    Field.EXPIRY: "Expiration Date",
}
_OPTION_RIGHTS = {
    "CALL": OptionRight.CALL,
    "C": OptionRight.CALL,
    "CALLS": OptionRight.CALL,
    "PUT": OptionRight.PUT,
    "P": OptionRight.PUT,
    "PUTS": OptionRight.PUT,
}


@dataclass(frozen=True, slots=True)
class OptionTerms:
    """The terms of an option position, as far as the row gives them."""

    symbol: str | None
    right: OptionRight
    underlying: str | None
    strike: Decimal | None
    expiry: dt.date | None


def read_option(
    row: PositionCells,
    symbol_text: str,
    from_symbol: OptionContract | None,
    entry_date: dt.date | None,
) -> OptionTerms | None:
    """Read the option columns, filling empty ones from a descriptive symbol.

    Returns None if the option type is missing or invalid, or if a row with
    an empty Symbol lacks a term needed to build the symbol.
    """
    right_text = row.text(Field.OPTION_TYPE)
    right = _OPTION_RIGHTS.get(right_text.upper()) if right_text else None
    if right_text and right is None:
        row.add_issue(Field.OPTION_TYPE, "unknown option type: write CALL or PUT")
    underlying_text = row.text(Field.UNDERLYING)
    underlying: str | None = None
    if underlying_text:
        try:
            underlying = normalize_symbol(underlying_text)
        except SymbolError:
            row.add_issue(Field.UNDERLYING, f"not a ticker: {SYMBOL_HINT}")
    strike = row.number(Field.STRIKE)
    if strike is not None and strike <= _ZERO:
        row.add_issue(Field.STRIKE, "must be greater than 0: write the strike price")
    expiry = row.date(Field.EXPIRY)
    if expiry is not None and entry_date is not None and expiry < entry_date:
        row.add_issue(
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
            row.add_issue(Field.OPTION_TYPE, "missing: write CALL or PUT")
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
            row.add_issue(
                None,
                f"option terms missing ({listed}): fill them in so the option "
                "can be valued",
                Severity.WARNING,
            )
        if from_symbol is not None:
            # One spelling per series, whether the file gave the OCC form or
            # a descriptive one with a different strike format.
            symbol: str | None = option_symbol(
                from_symbol.underlying,
                from_symbol.right,
                from_symbol.strike,
                from_symbol.expiry,
            )
        else:
            symbol = read_symbol(row, symbol_text)
        return OptionTerms(symbol, right, underlying, strike, expiry)

    for field in missing:
        row.add_issue(
            field,
            "missing: an option row with an empty Symbol needs Underlying "
            "Symbol, Strike Price, Expiration Date and Option Type",
        )
    if underlying is None or strike is None or expiry is None:
        return None
    symbol = option_symbol(underlying, right, strike, expiry)
    return OptionTerms(symbol, right, underlying, strike, expiry)


def _check_against_symbol(
    row: PositionCells,
    symbol_text: str,
    from_symbol: OptionContract,
    right: OptionRight | None,
    underlying: str | None,
) -> None:
    if right is not None and right is not from_symbol.right:
        row.add_issue(
            Field.OPTION_TYPE,
            f"does not match the symbol {symbol_text}: correct one of them",
        )
    if underlying is not None and underlying != from_symbol.underlying:
        row.add_issue(
            Field.UNDERLYING,
            f"does not match the symbol {symbol_text}: correct one of them",
        )


def _check_against_symbol_terms(
    row: PositionCells,
    symbol_text: str,
    from_symbol: OptionContract,
    strike: Decimal | None,
    expiry: dt.date | None,
) -> None:
    if strike is not None and strike != from_symbol.strike:
        row.add_issue(
            Field.STRIKE,
            f"does not match the symbol {symbol_text}: correct one of them",
        )
    if expiry is not None and expiry != from_symbol.expiry:
        row.add_issue(
            Field.EXPIRY,
            f"does not match the symbol {symbol_text}: correct one of them",
        )
