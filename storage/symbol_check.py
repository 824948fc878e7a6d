"""Symbol checks of an import: cached reference data, then the provider lookup."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from domain.events import utc_now
from domain.imports import PositionRow, TargetRow
from domain.quotes import TickerInfo
from domain.symbol_checks import SymbolFlag, check_symbols
from storage.market import cached_reference
from storage.store import Store

REFERENCE_MAX_AGE = dt.timedelta(days=7)
"""How long looked-up reference data is trusted before it is asked again."""


async def cached_checks(
    store: Store, rows: Sequence[TargetRow | PositionRow], symbols: Sequence[str]
) -> tuple[list[SymbolFlag], dict[str, TickerInfo | None]]:
    """Check rows against known renames and reference data cached in the database.

    Needs no network: symbols never looked up are checked against the table
    of known renames only.
    """
    async with store.sessions() as session:
        reference = await cached_reference(
            session, list(symbols), REFERENCE_MAX_AGE, utc_now()
        )
    return check_symbols(rows, reference, {}, reference), reference
