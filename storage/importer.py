"""Write a validated import in one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from domain.gc_pause import gc_paused
from domain.models import Position, TargetPrice
from storage.portfolios import (
    UpsertCounts,
    ensure_portfolio,
    upsert_positions,
    upsert_targets,
)
from storage.store import Store


@dataclass(frozen=True, slots=True)
class ImportWrite:
    """Counts of what one import changed."""

    targets: UpsertCounts
    positions: UpsertCounts


def check_portfolio_name(name: str) -> str:
    """Return `name` trimmed; raise ValueError if empty or with control characters."""
    trimmed = name.strip()
    if not trimmed:
        raise ValueError(
            "portfolio name is empty: give a name such as --portfolio main"
        )
    if any(not ch.isprintable() for ch in trimmed) or len(trimmed) > 100:
        raise ValueError(
            f"portfolio name {trimmed!r} is invalid: use at most 100 printable "
            "characters, without control characters"
        )
    return trimmed


async def write_import(
    store: Store,
    portfolio: str,
    targets: Sequence[TargetPrice],
    positions: Sequence[Position],
) -> ImportWrite:
    """Create the portfolio if needed and upsert every row, all or nothing.

    Raises:
        ValueError: if the portfolio name is empty or has control characters.
    """
    portfolio = check_portfolio_name(portfolio)
    with gc_paused():
        async with store.sessions.begin() as session:
            pid = await ensure_portfolio(session, portfolio)
            target_counts = await upsert_targets(session, pid, targets)
            position_counts = await upsert_positions(session, pid, positions)
    return ImportWrite(target_counts, position_counts)
