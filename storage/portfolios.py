"""Portfolios, targets and positions: reads, idempotent upserts and deletes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.models import (
    InvestmentClass,
    Position,
    PositionType,
    PriceSource,
    ResolvedPrice,
    TargetPrice,
)
from domain.quotes import Quote
from storage.models import PortfolioRow, PositionRecord, TargetRecord


@dataclass(frozen=True, slots=True)
class UpsertCounts:
    """How an import changed the stored rows."""

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


_TARGET_FIELDS = [f.name for f in fields(TargetPrice)]
_POSITION_FIELDS = [f.name for f in fields(Position)]


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


def _target_values(target: TargetPrice) -> dict[str, Any]:
    values = {name: getattr(target, name) for name in _TARGET_FIELDS}
    values["position_type"] = target.position_type.value
    return values


async def upsert_targets(
    session: AsyncSession, portfolio: int, targets: Sequence[TargetPrice]
) -> UpsertCounts:
    """Insert new targets and update changed ones, keyed on symbol and type.

    A target whose values equal the stored ones is left alone, so importing
    the same file twice changes nothing, including the recorded prices.
    """
    existing: dict[tuple[str, str], tuple[int, dict[str, Any]]] = {}
    columns = [getattr(TargetRecord, name) for name in _TARGET_FIELDS]
    rows = await session.execute(
        select(TargetRecord.id, *columns).where(TargetRecord.portfolio_id == portfolio)
    )
    for row in rows:
        values = dict(zip(_TARGET_FIELDS, row[1:], strict=True))
        existing[(values["symbol"], values["position_type"])] = (row[0], values)
    new: list[dict[str, Any]] = []
    changed: list[dict[str, Any]] = []
    for target in targets:
        values = _target_values(target)
        stored = existing.get((target.symbol, target.position_type.value))
        if stored is None:
            new.append({"portfolio_id": portfolio, **values})
        elif stored[1] != values:
            changed.append({"id": stored[0], **values})
    if new:
        await session.execute(insert(TargetRecord), new)
    if changed:
        await session.execute(update(TargetRecord), changed)
    return UpsertCounts(len(new), len(changed), len(targets) - len(new) - len(changed))


def _position_values(position: Position) -> dict[str, Any]:
    values = {name: getattr(position, name) for name in _POSITION_FIELDS}
    values["position_type"] = position.position_type.value
    values["investment_class"] = position.investment_class.value
    return values


async def upsert_positions(
    session: AsyncSession, portfolio: int, positions: Sequence[Position]
) -> UpsertCounts:
    """Insert or update positions keyed on symbol, type and entry date."""
    existing: dict[tuple[str, str, dt.date], tuple[int, dict[str, Any]]] = {}
    columns = [getattr(PositionRecord, name) for name in _POSITION_FIELDS]
    rows = await session.execute(
        select(PositionRecord.id, *columns).where(
            PositionRecord.portfolio_id == portfolio
        )
    )
    for row in rows:
        values = dict(zip(_POSITION_FIELDS, row[1:], strict=True))
        key = (values["symbol"], values["position_type"], values["entry_date"])
        existing[key] = (row[0], values)
    new: list[dict[str, Any]] = []
    changed: list[dict[str, Any]] = []
    for position in positions:
        values = _position_values(position)
        key = (position.symbol, position.position_type.value, position.entry_date)
        stored = existing.get(key)
        if stored is None:
            new.append({"portfolio_id": portfolio, **values})
        elif stored[1] != values:
            changed.append({"id": stored[0], **values})
    if new:
        await session.execute(insert(PositionRecord), new)
    if changed:
        await session.execute(update(PositionRecord), changed)
    return UpsertCounts(
        len(new), len(changed), len(positions) - len(new) - len(changed)
    )


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
    stays the single place it lives, so a later import updates it.
    """
    for symbol, resolved in resolutions.items():
        keep = resolved.source is not None and resolved.source != PriceSource.USER
        await session.execute(
            update(TargetRecord)
            .where(TargetRecord.symbol == symbol)
            .values(
                resolved_price=resolved.price if keep else None,
                price_source=resolved.source.value
                if keep and resolved.source
                else None,
                price_as_of=resolved.as_of if keep else None,
                price_session=resolved.session if keep else None,
                price_reason=resolved.reason,
            )
        )
