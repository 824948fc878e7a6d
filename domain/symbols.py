"""Ticker rules: normalisation, share classes and each provider's spelling.

The canonical form writes a share class with a dot (`BRK.B`), as Polygon and
the SEC's EDGAR ticker list do. FMP writes the same class with a hyphen
(`BRK-B`); brokers also use `/` and a space.
"""

from __future__ import annotations

import re
from enum import StrEnum

_SHARE_CLASS = re.compile(r"^([A-Z]{1,5})[./\- ]([A-Z]{1,2})$")
_TICKER = re.compile(r"^[A-Z0-9]{1,6}(\.[A-Z]{1,2})?$")
# Descriptive symbols for options, bonds and private holdings in position
# files, such as SPY_C450_20240315 or CORP_BOND_2025. They are never quoted.
_DESCRIPTIVE = re.compile(r"^[A-Z0-9][A-Z0-9_.\-]{0,39}$")


class SymbolError(ValueError):
    """A symbol contains characters that no ticker has."""


class Spelling(StrEnum):
    """How a provider writes a share class."""

    DOT = "."
    HYPHEN = "-"


def normalize_symbol(raw: str) -> str:
    """Trim and upper-case `raw`, and write any share class with a dot.

    Raises:
        SymbolError: if the result is not a ticker.
    """
    text = raw.strip().upper()
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
    text = raw.strip().upper()
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
