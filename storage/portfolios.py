"""Portfolios, targets and positions: reads, idempotent upserts and deletes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Insert,
    Row,
    Table,
    Update,
    bindparam,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from domain.models import (
    InvestmentClass,
    Position,
    PositionType,
    PriceSource,
    ResolvedPrice,
    TargetPrice,
)
from domain.quotes import Quote
from storage.bulk import execute_many
from storage.models import Base, PortfolioRow, PositionRecord, TargetRecord


@dataclass(frozen=True, slots=True)
class UpsertCounts:
    """Counts of stored rows an import inserted, updated and left unchanged."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def written(self) -> int:
        """Rows inserted or updated."""
        return self.inserted + self.updated


@dataclass(frozen=True, slots=True)
class PortfolioInfo:
    """A portfolio's name and how many targets and positions it holds."""

    name: str
    targets: int
    positions: int


@dataclass(frozen=True, slots=True)
class StoredTarget:
    """A target as stored, with the price its last refresh recorded."""

    portfolio: str
    target: TargetPrice
    recorded: Quote | None
    recorded_reason: str | None


_TARGET_FIELDS = (
    "symbol",
    "position_type",
    "target_eoy",
    "target_next_year",
    "downside",
    "current_price",
)
"""Stored target columns, unique key first, in the order `upsert_targets` builds."""
_POSITION_FIELDS = (
    "symbol",
    "position_type",
    "entry_date",
    "quantity",
    "entry_price",
    "investment_class",
    "investment_subtype",
    "underlying",
    "strike",
    "expiry",
    "exit_date",
    "exit_price",
)
"""Stored position columns, unique key first, in the order `upsert_positions` builds."""
_TARGETS = Base.metadata.tables[TargetRecord.__tablename__]
_POSITIONS = Base.metadata.tables[PositionRecord.__tablename__]
_TYPE_TEXT = {member: member.value for member in PositionType}
"""Stored text of each position type; a dict lookup is cheaper than `.value`."""
_MATCH_SYMBOL = "match_symbol"
_ROW_ID = "row_id"
"""Bind name of the primary key in updates, since "id" clashes with the SET list."""


async def ensure_portfolio(session: AsyncSession, name: str) -> int:
    """Return the id of portfolio `name`, creating it if needed."""
    found = await session.scalar(
        select(PortfolioRow.id).where(PortfolioRow.name == name)
    )
    if found is not None:
        return found
    row = PortfolioRow(name=name, currency="USD", created_at=dt.datetime.now(dt.UTC))
    session.add(row)
    await session.flush()
    return row.id


async def portfolio_id(session: AsyncSession, name: str) -> int | None:
    """Return the id of portfolio `name`, or None if there is none."""
    return await session.scalar(
        select(PortfolioRow.id).where(PortfolioRow.name == name)
    )


async def list_portfolios(session: AsyncSession) -> list[PortfolioInfo]:
    """List every portfolio with its target and position counts, by name."""
    targets = (
        select(func.count())
        .where(TargetRecord.portfolio_id == PortfolioRow.id)
        .scalar_subquery()
    )
    positions = (
        select(func.count())
        .where(PositionRecord.portfolio_id == PortfolioRow.id)
        .scalar_subquery()
    )
    rows = await session.execute(
        select(PortfolioRow.name, targets, positions).order_by(PortfolioRow.name)
    )
    return [PortfolioInfo(name, t, p) for name, t, p in rows]


async def _stored_rows(
    connection: AsyncConnection, table: Table, names: Sequence[str], portfolio: int
) -> list[Row[Any]]:
    """Read id and `names` of a portfolio's rows with Core, not the ORM."""
    columns = [table.c[name] for name in names]
    result = await connection.execute(
        select(table.c.id, *columns).where(table.c.portfolio_id == portfolio)
    )
    return list(result.all())


def _insert_statement(table: Table, names: Sequence[str]) -> Insert:
    return insert(table).values({name: bindparam(name) for name in names})


def _update_statement(table: Table, names: Sequence[str]) -> Update:
    return (
        update(table)
        .where(table.c.id == bindparam(_ROW_ID))
        .values({name: bindparam(name) for name in names})
    )


async def _upsert(
    session: AsyncSession,
    table: Table,
    names: Sequence[str],
    key_size: int,
    portfolio: int,
    rows: Sequence[tuple[Any, ...]],
) -> UpsertCounts:
    """Insert new rows, update changed ones and count the unchanged ones.

    Each row gives the values of `names` as the database stores them, with
    the first `key_size` values being the row's unique key within a portfolio.
    """
    connection = await session.connection()
    existing: dict[tuple[Any, ...], tuple[int, tuple[Any, ...]]] = {}
    for stored in await _stored_rows(connection, table, names, portfolio):
        stored_values: tuple[Any, ...] = tuple(stored[1:])
        existing[stored_values[:key_size]] = (stored[0], stored_values)
    new: list[tuple[Any, ...]] = []
    changed: list[tuple[Any, ...]] = []
    if existing:
        for values in rows:
            found = existing.get(values[:key_size])
            if found is None:
                new.append((portfolio, *values))
            elif found[1] != values:
                changed.append((found[0], *values))
    else:
        new = [(portfolio, *values) for values in rows]
    binds = [(name, table.c[name]) for name in names]
    if new:
        inserted = [("portfolio_id", table.c.portfolio_id), *binds]
        statement = _insert_statement(table, [name for name, _ in inserted])
        await execute_many(connection, statement, inserted, new)
    if changed:
        updated = [(_ROW_ID, table.c.id), *binds]
        await execute_many(
            connection, _update_statement(table, names), updated, changed
        )
    return UpsertCounts(len(new), len(changed), len(rows) - len(new) - len(changed))


async def upsert_targets(
    session: AsyncSession, portfolio: int, targets: Sequence[TargetPrice]
) -> UpsertCounts:
    """Insert new targets and update changed ones, keyed on symbol and type.

    A target whose values equal the stored ones is left alone, so importing
    the same file twice changes nothing, including the recorded prices.
    """
    text = _TYPE_TEXT
    rows = [
        (
            t.symbol,
            text[t.position_type],
            t.target_eoy,
            t.target_next_year,
            t.downside,
            t.current_price,
        )
        for t in targets
    ]
    return await _upsert(session, _TARGETS, _TARGET_FIELDS, 2, portfolio, rows)


async def upsert_positions(
    session: AsyncSession, portfolio: int, positions: Sequence[Position]
) -> UpsertCounts:
    """Insert or update positions keyed on symbol, type and entry date."""
    rows = [
        (
            p.symbol,
            p.position_type.value,
            p.entry_date,
            p.quantity,
            p.entry_price,
            p.investment_class.value,
            p.investment_subtype,
            p.underlying,
            p.strike,
            p.expiry,
            p.exit_date,
            p.exit_price,
        )
        for p in positions
    ]
    return await _upsert(session, _POSITIONS, _POSITION_FIELDS, 3, portfolio, rows)


def _target_from(record: TargetRecord) -> TargetPrice:
    return TargetPrice(
        symbol=record.symbol,
        position_type=PositionType(record.position_type),
        target_eoy=record.target_eoy,
        target_next_year=record.target_next_year,
        downside=record.downside,
        current_price=record.current_price,
    )


def _recorded_from(record: TargetRecord) -> Quote | None:
    if (
        record.resolved_price is None
        or record.price_source is None
        or record.price_session is None
        or record.price_as_of is None
    ):
        return None
    return Quote(
        symbol=record.symbol,
        price=record.resolved_price,
        session=record.price_session,
        as_of=record.price_as_of,
        source=record.price_source,
        fetched_at=record.price_as_of,
    )


async def list_targets(
    session: AsyncSession, portfolio: str | None = None
) -> list[StoredTarget]:
    """List targets of one portfolio, or of all, ordered by portfolio and symbol."""
    query = (
        select(PortfolioRow.name, TargetRecord)
        .join(PortfolioRow, TargetRecord.portfolio_id == PortfolioRow.id)
        .order_by(PortfolioRow.name, TargetRecord.symbol, TargetRecord.position_type)
    )
    if portfolio is not None:
        query = query.where(PortfolioRow.name == portfolio)
    rows = await session.execute(query)
    return [
        StoredTarget(
            name, _target_from(record), _recorded_from(record), record.price_reason
        )
        for name, record in rows
    ]


async def list_positions(session: AsyncSession, portfolio: str) -> list[Position]:
    """List the positions of a portfolio, ordered by symbol and entry date."""
    rows = await session.scalars(
        select(PositionRecord)
        .join(PortfolioRow, PositionRecord.portfolio_id == PortfolioRow.id)
        .where(PortfolioRow.name == portfolio)
        .order_by(PositionRecord.symbol, PositionRecord.entry_date)
    )
    return [
        Position(
            symbol=r.symbol,
            position_type=PositionType(r.position_type),
            quantity=r.quantity,
            entry_price=r.entry_price,
            entry_date=r.entry_date,
            investment_class=InvestmentClass(r.investment_class),
            investment_subtype=r.investment_subtype,
            underlying=r.underlying,
            strike=r.strike,
            expiry=r.expiry,
            exit_date=r.exit_date,
            exit_price=r.exit_price,
        )
        for r in rows
    ]


async def delete_target(
    session: AsyncSession, portfolio: str, symbol: str, position_type: PositionType
) -> bool:
    """Delete one target; return whether it existed."""
    pid = await portfolio_id(session, portfolio)
    if pid is None:
        return False
    result = await session.execute(
        delete(TargetRecord).where(
            TargetRecord.portfolio_id == pid,
            TargetRecord.symbol == symbol,
            TargetRecord.position_type == position_type.value,
        )
    )
    return bool(getattr(result, "rowcount", 0))


async def record_resolutions(
    session: AsyncSession, resolutions: dict[str, ResolvedPrice]
) -> None:
    """Store the price each symbol resolved to on every target with that symbol.

    A user-supplied price is not copied: the target's own `current_price`
    stays the single place it lives, so a later import updates it. All
    symbols go to the database in one executemany.
    """
    if not resolutions:
        return
    table = _TARGETS
    names = ["resolved_price", "price_source", "price_as_of", "price_session"]
    names.append("price_reason")
    statement = (
        update(table)
        .where(table.c.symbol == bindparam(_MATCH_SYMBOL))
        .values({name: bindparam(name) for name in names})
    )
    rows = []
    for symbol, resolved in resolutions.items():
        keep = resolved.source is not None and resolved.source != PriceSource.USER
        source = resolved.source.value if keep and resolved.source else None
        rows.append(
            (
                resolved.price if keep else None,
                source,
                resolved.as_of if keep else None,
                resolved.session if keep else None,
                resolved.reason,
                symbol,
            )
        )
    binds = [(name, table.c[name]) for name in names]
    binds.append((_MATCH_SYMBOL, table.c.symbol))
    await execute_many(await session.connection(), statement, binds, rows)
