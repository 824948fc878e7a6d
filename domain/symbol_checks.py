"""Flag imported symbols that are renamed, delisted, unknown or mispriced.

The checks are pure: providers supply reference data (`TickerInfo` by
symbol), live prices and the list of known symbols, and this module returns
`SymbolFlag` values. Suggested replacements are data for the caller to show,
never applied here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType

from rapidfuzz import fuzz, process

from domain.imports import PositionRow, TargetRow
from domain.models import InvestmentClass
from domain.quotes import TickerInfo
from domain.symbols import is_quotable, parse_option_symbol


class FlagKind(StrEnum):
    """Reason a symbol needs the user's attention."""

    RENAMED = "renamed"
    """The company trades under a new symbol."""
    DELISTED = "delisted"
    """The symbol stopped trading with no successor symbol."""
    INACTIVE = "inactive"
    """The provider lists the symbol as no longer active."""
    UNKNOWN = "unknown"
    """The provider does not know the symbol."""
    PRICE_MISMATCH = "price_mismatch"
    """The live price is far from the current price the file gives."""


@dataclass(frozen=True, slots=True)
class SymbolChange:
    """A symbol that stopped trading, and what replaced it.

    Attributes:
        old: The symbol as files still write it.
        new: The symbol it trades under now, or None if it was delisted
            without a successor.
        effective: First trading day under `new`, or the day the delisting
            took effect.
        source: What the entry is based on.
    """

    old: str
    new: str | None
    effective: dt.date
    source: str


_CHANGES = (
    SymbolChange(
        "FB",
        "META",
        dt.date(2022, 6, 9),
        "Meta Platforms moved its Nasdaq listing from FB to META before the "
        "open on 2022-06-09 (Investopedia, 'Meta Platforms (FB) Changes "
        "Ticker to META').",
    ),
    SymbolChange(
        "TWTR",
        None,
        dt.date(2022, 11, 8),
        "Taken private by X Holdings on 2022-10-27; the NYSE's Form 25 "
        "removed the shares from listing at the opening of business on "
        "2022-11-08.",
    ),
    SymbolChange(
        "ANTM",
        "ELV",
        dt.date(2022, 6, 28),
        "Anthem, Inc. became Elevance Health, Inc. and began trading as ELV "
        "on 2022-06-28 (Elevance Health 2022 Form 10-K, Note 1).",
    ),
    SymbolChange(
        "UTX",
        "RTX",
        dt.date(2020, 4, 3),
        "United Technologies merged with Raytheon Company and its shares "
        "began trading as Raytheon Technologies, RTX, on 2020-04-03.",
    ),
    SymbolChange(
        "RTN",
        "RTX",
        dt.date(2020, 4, 3),
        "Each Raytheon Company share became 2.3348 RTX shares in the merger "
        "with United Technologies, closed on 2020-04-03, so RTN prices do "
        "not carry over to RTX.",
    ),
    # NOTE: the two dates below are the first trading days the companies
    # announced. No filing confirming them was checked.
    SymbolChange(
        "FISV",
        "FI",
        dt.date(2023, 6, 7),
        "Fiserv moved its listing from Nasdaq (FISV) to the NYSE as FI; its "
        "10-Q for the quarter ended 2023-06-30 lists FI on the NYSE.",
    ),
    SymbolChange(
        "SQ",
        "XYZ",
        dt.date(2025, 1, 21),
        "Block, Inc. changed its NYSE symbol from SQ to XYZ.",
    ),
)

KNOWN_SYMBOL_CHANGES: Mapping[str, SymbolChange] = MappingProxyType(
    {change.old: change for change in _CHANGES}
)
"""Renames and delistings the checks know without a provider, by old symbol."""

DEFAULT_MAX_PRICE_RATIO = Decimal(3)
"""Live price over file price (or its inverse) above which a row is flagged."""

_SUGGESTION_CUTOFF = 50.0
"""Minimum rapidfuzz `ratio` (0-100) of a symbol suggested by spelling."""

_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True, slots=True)
class SymbolFlag:
    """A finding about one symbol of an import, for the user to review.

    Attributes:
        symbol: The symbol as imported (canonical form).
        kind: What was found.
        lines: File lines the finding applies to.
        message: What was found and what to do, in one or two sentences.
        suggestions: Symbols the user may have meant, best first.
        file_price: The current price the file gives (price mismatches).
        live_price: The live price (price mismatches).
    """

    symbol: str
    kind: FlagKind
    lines: tuple[int, ...]
    message: str
    suggestions: tuple[str, ...] = ()
    file_price: Decimal | None = None
    live_price: Decimal | None = None


def _checked_symbol(row: TargetRow | PositionRow) -> str | None:
    """Return the symbol a provider would quote for a row, or None.

    Options are checked through their underlying. Private holdings and
    descriptive symbols such as CORP_BOND_2025 are not checked.
    """
    if isinstance(row, TargetRow):
        symbol = row.target.symbol
    else:
        position = row.position
        if position.investment_class is InvestmentClass.PRIVATE:
            return None
        if position.underlying is not None:
            return position.underlying
        symbol = position.symbol
    if is_quotable(symbol):
        return symbol
    contract = parse_option_symbol(symbol)
    return contract.underlying if contract is not None else None


def suggest_symbols(
    symbol: str,
    universe: Sequence[str],
    names: Mapping[str, str] | None = None,
    limit: int = 5,
) -> tuple[str, ...]:
    """Return up to `limit` known symbols the user may have meant, best first.

    Symbols whose company name starts with the word `symbol` come first,
    because a company name typed as a ticker ("ZOOM", "APPLE") is a common
    mistake. Symbols spelled like `symbol` follow, by rapidfuzz `ratio`.
    """
    suggestions: list[str] = []
    if names:
        word = symbol.lower()
        for candidate, name in names.items():
            words = _WORD.findall(name.lower())
            if words and words[0] == word and candidate != symbol:
                suggestions.append(candidate)
    matches = process.extract(
        symbol,
        universe,
        scorer=fuzz.ratio,
        limit=limit + 1,
        score_cutoff=_SUGGESTION_CUTOFF,
    )
    for match in matches:
        candidate = str(match[0])
        if candidate != symbol and candidate not in suggestions:
            suggestions.append(candidate)
    return tuple(suggestions[:limit])


def check_symbols(
    rows: Iterable[TargetRow | PositionRow],
    reference: Mapping[str, TickerInfo | None],
    live_prices: Mapping[str, Decimal],
    universe: Iterable[str],
    *,
    names: Mapping[str, str] | None = None,
    changes: Mapping[str, SymbolChange] = KNOWN_SYMBOL_CHANGES,
    max_price_ratio: Decimal = DEFAULT_MAX_PRICE_RATIO,
    max_suggestions: int = 5,
) -> list[SymbolFlag]:
    """Check the symbols of imported rows and return the findings by line.

    Args:
        rows: Accepted rows of an `ImportReport`.
        reference: Provider data by symbol. A symbol mapped to None was
            looked up and not found. A symbol missing from the mapping was
            not looked up and is only checked against `changes`.
        live_prices: Live prices by symbol, for the price check.
        universe: Symbols known to exist, for suggestions.
        names: Company names by symbol, to suggest the ticker of a company
            whose name was typed as a symbol.
        changes: Known renames and delistings by old symbol.
        max_price_ratio: A target row whose live price is more than this
            many times its current_price, or less than its inverse, is
            flagged.
        max_suggestions: Maximum suggestions per flag.

    Returns:
        One flag per symbol that is renamed, delisted, inactive or unknown,
        and one per target row whose price is far off, ordered by first line.
    """
    known = list(dict.fromkeys(universe))
    lines_by_symbol: dict[str, list[int]] = {}
    flags: list[SymbolFlag] = []
    for row in rows:
        symbol = _checked_symbol(row)
        if symbol is None:
            continue
        lines_by_symbol.setdefault(symbol, []).append(row.line)
        if isinstance(row, TargetRow):
            flag = _price_flag(row, symbol, live_prices, max_price_ratio)
            if flag is not None:
                flags.append(flag)

    for symbol, lines in lines_by_symbol.items():
        change = changes.get(symbol)
        if change is not None:
            flags.append(_change_flag(change, tuple(lines), reference.get(symbol)))
            continue
        if symbol not in reference:
            continue
        info = reference[symbol]
        if info is not None and info.active is not False:
            continue
        suggestions = suggest_symbols(symbol, known, names, max_suggestions)
        flags.append(_status_flag(symbol, info, tuple(lines), suggestions))
    flags.sort(key=lambda flag: flag.lines[0])
    return flags


def _change_flag(
    change: SymbolChange, lines: tuple[int, ...], info: TickerInfo | None
) -> SymbolFlag:
    when = change.effective.isoformat()
    if change.new is None:
        message = (
            f"{change.old} stopped trading on {when}: remove the row, or "
            "replace the symbol if the holding became another security."
        )
        kind = FlagKind.DELISTED
        suggestions: tuple[str, ...] = ()
    else:
        message = (
            f"{change.old} trades as {change.new} since {when}: change the "
            f"symbol to {change.new}."
        )
        kind = FlagKind.RENAMED
        suggestions = (change.new,)
    if info is not None and info.active:
        listed_as = f" for {info.name}" if info.name else ""
        message += (
            f" The provider lists {change.old} as active again{listed_as}, so "
            "check which company the row means."
        )
    return SymbolFlag(change.old, kind, lines, message, suggestions)


def _status_flag(
    symbol: str,
    info: TickerInfo | None,
    lines: tuple[int, ...],
    suggestions: tuple[str, ...],
) -> SymbolFlag:
    hint = (
        f" Did you mean {', '.join(suggestions)}?"
        if suggestions
        else " Check the symbol."
    )
    if info is None:
        message = f"{symbol} is not a symbol the provider knows.{hint}"
        return SymbolFlag(symbol, FlagKind.UNKNOWN, lines, message, suggestions)
    company = f" ({info.name})" if info.name else ""
    message = f"{symbol}{company} no longer trades.{hint}"
    return SymbolFlag(symbol, FlagKind.INACTIVE, lines, message, suggestions)


def _price_flag(
    row: TargetRow,
    symbol: str,
    live_prices: Mapping[str, Decimal],
    max_price_ratio: Decimal,
) -> SymbolFlag | None:
    file_price = row.target.current_price
    live_price = live_prices.get(row.target.symbol, live_prices.get(symbol))
    if file_price is None or live_price is None or file_price <= 0 or live_price <= 0:
        return None
    ratio = live_price / file_price
    if 1 / max_price_ratio <= ratio <= max_price_ratio:
        return None
    message = (
        f"The live price {live_price} is {ratio:.2f} times the file's current "
        f"price {file_price}: check for a stock split, a wrong symbol, or a "
        "price in another currency or unit, and correct the targets if needed."
    )
    return SymbolFlag(
        row.target.symbol,
        FlagKind.PRICE_MISMATCH,
        (row.line,),
        message,
        file_price=file_price,
        live_price=live_price,
    )
