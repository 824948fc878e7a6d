"""SQLAlchemy models: portfolios, positions, targets, quote cache, quota, errors."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from storage.types import DecimalText, UtcDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with a naming convention so migrations are stable."""

    metadata = MetaData(naming_convention=NAMING)


class PortfolioRow(Base):
    """A named portfolio."""

    __tablename__ = "portfolios"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    equity_balance: Mapped[Decimal | None] = mapped_column(DecimalText)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class PositionRecord(Base):
    """A position; unique on (portfolio, symbol, position type, entry date)."""

    __tablename__ = "positions"
    __table_args__ = (
        UniqueConstraint(
            "portfolio_id",
            "symbol",
            "position_type",
            "entry_date",
            name="uq_positions_key",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    portfolio_id: Mapped[int] = mapped_column(
        ForeignKey("portfolios.id", ondelete="CASCADE")
    )
    symbol: Mapped[str] = mapped_column(String(40))
    position_type: Mapped[str] = mapped_column(String(5))
    quantity: Mapped[Decimal] = mapped_column(DecimalText)
    entry_price: Mapped[Decimal] = mapped_column(DecimalText)
    entry_date: Mapped[dt.date] = mapped_column(Date)
    investment_class: Mapped[str] = mapped_column(String(10))
    investment_subtype: Mapped[str | None] = mapped_column(String(40))
    underlying: Mapped[str | None] = mapped_column(String(20))
    strike: Mapped[Decimal | None] = mapped_column(DecimalText)
    expiry: Mapped[dt.date | None] = mapped_column(Date)
    exit_date: Mapped[dt.date | None] = mapped_column(Date)
    exit_price: Mapped[Decimal | None] = mapped_column(DecimalText)


class TargetRecord(Base):
    """A target price with the price last resolved for it."""

    __tablename__ = "target_prices"
    __table_args__ = (
        UniqueConstraint(
            "portfolio_id", "symbol", "position_type", name="uq_target_prices_key"
        ),
        # A refresh updates every target of a symbol across portfolios.
        Index("ix_target_prices_symbol", "symbol"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    portfolio_id: Mapped[int] = mapped_column(
        ForeignKey("portfolios.id", ondelete="CASCADE")
    )
    symbol: Mapped[str] = mapped_column(String(40))
    position_type: Mapped[str] = mapped_column(String(5))
    target_eoy: Mapped[Decimal | None] = mapped_column(DecimalText)
    target_next_year: Mapped[Decimal | None] = mapped_column(DecimalText)
    downside: Mapped[Decimal | None] = mapped_column(DecimalText)
    current_price: Mapped[Decimal | None] = mapped_column(DecimalText)
    resolved_price: Mapped[Decimal | None] = mapped_column(DecimalText)
    price_source: Mapped[str | None] = mapped_column(String(16))
    price_as_of: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    price_session: Mapped[dt.date | None] = mapped_column(Date)
    price_reason: Mapped[str | None] = mapped_column(Text)


class QuoteRecord(Base):
    """A cached provider quote for one symbol and session."""

    __tablename__ = "quotes"

    symbol: Mapped[str] = mapped_column(String(40), primary_key=True)
    session: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    source: Mapped[str] = mapped_column(String(16), primary_key=True)
    price: Mapped[Decimal] = mapped_column(DecimalText)
    as_of: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    fetched_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class ProviderUsage(Base):
    """Requests sent to a provider on one day, counted against its daily quota."""

    __tablename__ = "provider_usage"

    provider: Mapped[str] = mapped_column(String(16), primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    requests: Mapped[int] = mapped_column(Integer, default=0)


class ErrorRecord(Base):
    """One cause of failure in one run, with how often it repeated."""

    __tablename__ = "error_log"
    __table_args__ = (Index("ix_error_log_last_at", "last_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[str] = mapped_column(String(32))
    first_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    last_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    provider: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(24))
    message: Mapped[str] = mapped_column(Text)
    symbols: Mapped[str] = mapped_column(Text, default="")
    """Space-separated symbols the cause affected."""
    count: Mapped[int] = mapped_column(Integer, default=1)


class SymbolReference(Base):
    """Cached provider reference data about a symbol."""

    __tablename__ = "symbol_reference"

    symbol: Mapped[str] = mapped_column(String(40), primary_key=True)
    provider: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool | None]
    known: Mapped[bool]
    checked_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
