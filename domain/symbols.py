"""Ticker rules: normalisation, share classes and each provider's spelling.

The canonical form writes a share class with a dot (`BRK.B`), as Polygon and
the SEC's EDGAR ticker list do. FMP writes the same class with a hyphen
(`BRK-B`); brokers also use `/` and a space.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum

_SHARE_CLASS = re.compile(r"^([A-Z]{1,5})[./\- ]([A-Z]{1,2})$")
_TICKER = re.compile(r"^[A-Z0-9]{1,6}(\.[A-Z]{1,2})?$")
# Descriptive symbols for options, bonds and private holdings in position
# files, such as SPY_C450_20240315 or CORP_BOND_2025. They are never quoted.
_DESCRIPTIVE = re.compile(r"^[A-Z0-9][A-Z0-9_.\-]{0,39}$")
# Spreadsheets and web pages slip zero-width characters into copied tickers and
# turn hyphens into dashes. Symbols are cleaned of both before any check.
_SYMBOL_CLEANUP = str.maketrans(
    {
        "\u200b": None,
        "\u200c": None,
        "\u200d": None,
        "\u2060": None,
        "\ufeff": None,
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
    }
)
# Descriptive option symbol: underlying, C or P with the strike, expiry date.
_OPTION_DESCRIPTIVE = re.compile(
    r"^([A-Z0-9]{1,6}(?:\.[A-Z]{1,2})?)_([CP])(\d+(?:\.\d+)?)_(\d{8})$"
)
# OCC option symbol (OSI): root padded to six, YYMMDD, C or P, strike x 1000.
_OPTION_OCC = re.compile(r"^([A-Z0-9]{1,6}) *(\d{6})([CP])(\d{8})$")
_STRIKE_SCALE = Decimal(1000)


class SymbolError(ValueError):
    """A symbol contains characters that no ticker has."""


class Spelling(StrEnum):
    """Share-class separator a provider writes."""

    DOT = "."
    HYPHEN = "-"


def normalize_symbol(raw: str) -> str:
    """Trim and upper-case `raw`, and write any share class with a dot.

    Raises:
        SymbolError: if the result is not a ticker.
    """
    text = raw.translate(_SYMBOL_CLEANUP).strip().upper()
    match = _SHARE_CLASS.match(text)
    if match:
        text = f"{match.group(1)}.{match.group(2)}"
    if not _TICKER.match(text):
        raise SymbolError(
            f"{raw.strip()!r} is not a ticker: use letters and digits, with an "
            "optional share class such as BRK.B"
        )
    return text


def normalize_descriptive(raw: str) -> str:
    """Normalise a position symbol that may be descriptive (options, bonds).

    Raises:
        SymbolError: if `raw` contains characters outside A-Z, 0-9, `_`, `.`, `-`.
    """
    text = raw.translate(_SYMBOL_CLEANUP).strip().upper()
    try:
        return normalize_symbol(text)
    except SymbolError:
        pass
    if not _DESCRIPTIVE.match(text):
        raise SymbolError(
            f"{raw.strip()!r} is not a symbol: use letters, digits, '_', '.' or '-'"
        )
    return text


def is_quotable(symbol: str) -> bool:
    """Whether a canonical symbol is a ticker a provider can quote."""
    return bool(_TICKER.match(symbol))


def provider_symbol(symbol: str, spelling: Spelling) -> str:
    """Write a canonical symbol in a provider's spelling."""
    return symbol.replace(".", spelling.value)


def canonical_from_provider(symbol: str) -> str:
    """Read a provider's spelling of a symbol back into canonical form."""
    try:
        return normalize_symbol(symbol)
    except SymbolError:
        return symbol.strip().upper()


class OptionRight(StrEnum):
    """The right an option contract gives: to buy (call) or to sell (put)."""

    CALL = "CALL"
    PUT = "PUT"


@dataclass(frozen=True, slots=True)
class OptionContract:
    """The terms of one option series, as a symbol spells them."""

    underlying: str
    right: OptionRight
    strike: Decimal
    expiry: dt.date


def option_symbol(
    underlying: str, right: OptionRight, strike: Decimal, expiry: dt.date
) -> str:
    """Build the descriptive symbol of an option, such as `DIA_C395_20240816`.

    The strike is written without trailing zeros (395.00 gives `C395`, 392.50
    gives `C392.5`). The result is accepted by `normalize_descriptive`.
    """
    strike_text = format(strike.normalize(), "f")
    letter = "C" if right is OptionRight.CALL else "P"
    return f"{underlying}_{letter}{strike_text}_{expiry:%Y%m%d}"


def parse_option_symbol(symbol: str) -> OptionContract | None:
    """Read the option terms from a descriptive or OCC symbol.

    Accepts `SPY_C450_20240315` (the form `option_symbol` builds) and the
    21-character OCC form `SPY   240315C00450000`, where the strike is given
    in thousandths of a dollar. Returns None if `symbol` is neither form or
    names a date that does not exist.
    """
    text = symbol.strip().upper()
    match = _OPTION_DESCRIPTIVE.match(text)
    if match:
        underlying, letter, strike_text, date_text = match.groups()
        try:
            expiry = dt.datetime.strptime(date_text, "%Y%m%d").date()
            strike = Decimal(strike_text)
        except (ValueError, InvalidOperation):
            return None
    else:
        match = _OPTION_OCC.match(text)
        if not match:
            return None
        underlying, date_text, letter, strike_text = match.groups()
        try:
            expiry = dt.datetime.strptime(date_text, "%y%m%d").date()
        except ValueError:
            return None
        strike = Decimal(strike_text) / _STRIKE_SCALE
    right = OptionRight.CALL if letter == "C" else OptionRight.PUT
    return OptionContract(underlying, right, strike, expiry)
