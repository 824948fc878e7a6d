"""Value types for portfolios, positions, target prices and resolved prices."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class PositionType(StrEnum):
    """Direction of a holding: stock long or short, or one of four option legs."""

    LONG = "LONG"
    SHORT = "SHORT"
    LC = "LC"
    """Long call."""
    LP = "LP"
    """Long put."""
    SC = "SC"
    """Short call."""
    SP = "SP"
    """Short put."""

    @property
    def is_short(self) -> bool:
        """Whether the holder gains when the price falls below the target."""
        return self in (PositionType.SHORT, PositionType.SC, PositionType.SP)

    @property
    def is_option(self) -> bool:
        """Whether market value is quantity × price × the contract multiplier."""
        return self not in (PositionType.LONG, PositionType.SHORT)


class InvestmentClass(StrEnum):
    """Broad class of a position, as broker and template files name it."""

    PUBLIC = "PUBLIC"
    OPTIONS = "OPTIONS"
    PRIVATE = "PRIVATE"


class PriceSource(StrEnum):
    """The step of the price-resolution chain that supplied a price."""

    FRESH_CACHE = "fresh_cache"
    FMP = "fmp"
    POLYGON = "polygon"
    STALE_CACHE = "stale_cache"
    USER = "user"

    @property
    def is_live(self) -> bool:
        """Whether the price came from a provider during this refresh."""
        return self in (PriceSource.FMP, PriceSource.POLYGON)


OPTION_MULTIPLIER = Decimal(100)
"""Shares per US equity option contract (OCC standard contract size)."""


@dataclass(frozen=True, slots=True)
class Portfolio:
    """A named set of positions and targets, valued in one currency."""

    name: str
    currency: str = "USD"
    equity_balance: Decimal | None = None


@dataclass(frozen=True, slots=True)
class TargetPrice:
    """A user's price targets for one (symbol, position type) in a portfolio."""

    symbol: str
    position_type: PositionType
    target_eoy: Decimal | None
    target_next_year: Decimal | None
    downside: Decimal | None
    current_price: Decimal | None


@dataclass(frozen=True, slots=True)
class Position:
    """One holding as a positions file describes it."""

    symbol: str
    position_type: PositionType
    quantity: Decimal
    entry_price: Decimal
    entry_date: dt.date
    investment_class: InvestmentClass = InvestmentClass.PUBLIC
    investment_subtype: str | None = None
    underlying: str | None = None
    strike: Decimal | None = None
    expiry: dt.date | None = None
    exit_date: dt.date | None = None
    exit_price: Decimal | None = None


@dataclass(frozen=True, slots=True)
class ResolvedPrice:
    """A price chosen for a symbol, with the step that supplied it and its age."""

    price: Decimal | None
    source: PriceSource | None
    as_of: dt.datetime | None = None
    session: dt.date | None = None
    stale: bool = False
    age_sessions: int | None = None
    reason: str | None = None
    """Reason no price was found, when `price` is None."""
