"""The quote cache, daily provider usage, the error log and symbol reference data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.dialects import sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from domain.quotes import Quote, TickerInfo
from storage.bulk import execute_many
from storage.models import (
    Base,
    ErrorRecord,
    ProviderUsage,
    QuoteRecord,
    SymbolReference,
)


def _upsert(session: AsyncSession, model: type[Base]) -> Any:
    """Return the dialect's INSERT that supports ON CONFLICT (SQLite or PostgreSQL)."""
    if session.get_bind().dialect.name == "postgresql":
        # Imported here: the PostgreSQL dialect costs start-up time otherwise.
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(model)
    return sqlite.insert(model)


async def save_quotes(session: AsyncSession, quotes: Iterable[Quote]) -> int:
    """Cache quotes, replacing any for the same symbol, session and source."""
    rows = [
        (q.symbol, q.session, q.source, q.price, q.as_of, q.fetched_at) for q in quotes
    ]
    if not rows:
        return 0
    table = Base.metadata.tables[QuoteRecord.__tablename__]
    names = ["symbol", "session", "source", "price", "as_of", "fetched_at"]
    statement = _upsert(session, QuoteRecord).values(
        {name: bindparam(name) for name in names}
    )
    statement = statement.on_conflict_do_update(
        index_elements=["symbol", "session", "source"],
        set_={
            "price": statement.excluded.price,
            "as_of": statement.excluded.as_of,
            "fetched_at": statement.excluded.fetched_at,
        },
    )
    binds = [(name, table.c[name]) for name in names]
    await execute_many(await session.connection(), statement, binds, rows)
    return len(rows)


async def latest_quotes(
    session: AsyncSession, symbols: Sequence[str]
) -> dict[str, Quote]:
    """Return the newest cached quote of each symbol (by session, then as-of)."""
    found: dict[str, Quote] = {}
    for start in range(0, len(symbols), 500):
        chunk = list(symbols[start : start + 500])
        rows = await session.scalars(
            select(QuoteRecord)
            .where(QuoteRecord.symbol.in_(chunk))
            .order_by(QuoteRecord.symbol, QuoteRecord.session, QuoteRecord.as_of)
        )
        for row in rows:
            found[row.symbol] = Quote(
                symbol=row.symbol,
                price=row.price,
                session=row.session,
                as_of=row.as_of,
                source=row.source,
                fetched_at=row.fetched_at,
            )
    return found


@dataclass(frozen=True, slots=True)
class CacheCoverage:
    """Counts and date range of the quote cache."""

    rows: int
    symbols: int
    oldest: dt.date | None
    newest: dt.date | None


async def cache_coverage(session: AsyncSession) -> CacheCoverage:
    """Count cached quotes and symbols, and the oldest and newest sessions."""
    row = (
        await session.execute(
            select(
                func.count(),
                func.count(func.distinct(QuoteRecord.symbol)),
                func.min(QuoteRecord.session),
                func.max(QuoteRecord.session),
            )
        )
    ).one()
    return CacheCoverage(row[0], row[1], row[2], row[3])


async def add_usage(
    session: AsyncSession, provider: str, day: dt.date, count: int = 1
) -> int:
    """Add `count` requests to a provider's usage on `day`; return the new total."""
    statement = _upsert(session, ProviderUsage).values(
        provider=provider, day=day, requests=count
    )
    statement = statement.on_conflict_do_update(
        index_elements=["provider", "day"],
        set_={"requests": ProviderUsage.requests + count},
    )
    await session.execute(statement)
    return await usage(session, provider, day)


async def usage(session: AsyncSession, provider: str, day: dt.date) -> int:
    """Return how many requests a provider was sent on `day`."""
    value = await session.scalar(
        select(ProviderUsage.requests).where(
            ProviderUsage.provider == provider, ProviderUsage.day == day
        )
    )
    return value or 0


@dataclass(frozen=True, slots=True)
class ErrorEntry:
    """One cause of failure, with its repeat count and the symbols it hit."""

    id: int
    run_id: str
    first_at: dt.datetime
    last_at: dt.datetime
    provider: str
    kind: str
    message: str
    symbols: tuple[str, ...]
    count: int


def _entry(record: ErrorRecord) -> ErrorEntry:
    return ErrorEntry(
        id=record.id,
        run_id=record.run_id,
        first_at=record.first_at,
        last_at=record.last_at,
        provider=record.provider,
        kind=record.kind,
        message=record.message,
        symbols=tuple(record.symbols.split()) if record.symbols else (),
        count=record.count,
    )


async def log_error(
    session: AsyncSession,
    *,
    run_id: str,
    provider: str,
    kind: str,
    message: str,
    symbols: Sequence[str],
    at: dt.datetime,
) -> ErrorEntry:
    """Record an error; a repeat of the same cause in one run raises its count."""
    record = await session.scalar(
        select(ErrorRecord).where(
            ErrorRecord.run_id == run_id,
            ErrorRecord.provider == provider,
            ErrorRecord.kind == kind,
            ErrorRecord.message == message,
        )
    )
    if record is None:
        record = ErrorRecord(
            run_id=run_id,
            first_at=at,
            last_at=at,
            provider=provider,
            kind=kind,
            message=message,
            symbols=" ".join(dict.fromkeys(symbols)),
            count=1,
        )
        session.add(record)
    else:
        merged = dict.fromkeys([*record.symbols.split(), *symbols])
        record.symbols = " ".join(merged)
        record.count += 1
        record.last_at = at
    await session.flush()
    return _entry(record)


async def list_errors(
    session: AsyncSession,
    *,
    provider: str | None = None,
    kind: str | None = None,
    limit: int = 1000,
) -> list[ErrorEntry]:
    """List logged errors, newest first, optionally filtered."""
    query = select(ErrorRecord).order_by(ErrorRecord.last_at.desc()).limit(limit)
    if provider:
        query = query.where(ErrorRecord.provider == provider)
    if kind:
        query = query.where(ErrorRecord.kind == kind)
    return [_entry(r) for r in await session.scalars(query)]


async def save_reference(
    session: AsyncSession,
    provider: str,
    infos: dict[str, TickerInfo | None],
    at: dt.datetime,
) -> None:
    """Cache reference data; None records that the provider does not know a symbol."""
    rows = [
        {
            "symbol": symbol,
            "provider": provider,
            "name": info.name if info else None,
            "active": info.active if info else None,
            "known": info is not None,
            "checked_at": at,
        }
        for symbol, info in infos.items()
    ]
    if not rows:
        return
    statement = _upsert(session, SymbolReference)
    statement = statement.on_conflict_do_update(
        index_elements=["symbol", "provider"],
        set_={
            "name": statement.excluded.name,
            "active": statement.excluded.active,
            "known": statement.excluded.known,
            "checked_at": statement.excluded.checked_at,
        },
    )
    await session.execute(statement, rows)


async def cached_reference(
    session: AsyncSession,
    symbols: Sequence[str],
    max_age: dt.timedelta,
    now: dt.datetime,
) -> dict[str, TickerInfo | None]:
    """Return reference data checked within `max_age`, keyed by symbol."""
    rows = await session.scalars(
        select(SymbolReference).where(
            SymbolReference.symbol.in_(list(symbols)),
            SymbolReference.checked_at >= now - max_age,
        )
    )
    found: dict[str, TickerInfo | None] = {}
    for row in rows:
        found[row.symbol] = (
            TickerInfo(symbol=row.symbol, name=row.name, active=row.active)
            if row.known
            else None
        )
    return found
