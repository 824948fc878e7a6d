"""Check an import's symbols, shared by `targetdesk import` and the import dialog."""

from __future__ import annotations

import sys
from collections.abc import Callable

from domain.events import utc_now
from domain.imports import ImportReport, PositionRow, TargetRow
from domain.symbol_checks import SymbolFlag, check_symbols
from providers.setup import EngineSettings, build_engine, close_engine
from providers.symbol_lookup import lookup_reference
from storage.backend import StoreBackend
from storage.market import save_quotes, save_reference
from storage.store import Store
from storage.symbol_check import cached_checks
from tui.config import load_settings


def print_incomplete(error: str) -> None:
    """Print why the online check could not finish to stderr."""
    print(f"targetdesk: symbol check incomplete: {error}", file=sys.stderr)


def report_rows(report: ImportReport) -> list[TargetRow | PositionRow]:
    """Return the accepted target and position rows of a report."""
    return [*report.targets, *report.positions]


async def check_report(
    store: Store,
    report: ImportReport,
    *,
    online: bool,
    settings: EngineSettings | None = None,
    on_incomplete: Callable[[str], None] = print_incomplete,
) -> list[SymbolFlag]:
    """Check the report's symbols: cached data always, the provider if `online`.

    Args:
        store: The database with cached reference data; an online check
            saves the reference data and quotes it fetches there.
        report: The import to check.
        online: Whether to look the symbols up on Polygon.
        settings: Provider settings of the online check; None loads them
            from the environment.
        on_incomplete: Receives the reason when the online check stopped
            early, in which case the returned flags come from the partial data.
    """
    rows = report_rows(report)
    symbols = sorted({s for s in (_symbol(r) for r in rows) if s is not None})
    flags, _cached = await cached_checks(store, rows, symbols)
    if not online:
        return flags
    engine_settings = settings if settings is not None else load_settings()
    engine = build_engine(StoreBackend(store), engine_settings, clock=utc_now)
    try:
        data = await lookup_reference(engine, symbols)
    finally:
        await close_engine(engine)
    if data.error:
        on_incomplete(data.error)
    async with store.sessions.begin() as session:
        await save_reference(session, "polygon", data.reference, utc_now())
        await save_quotes(session, data.quotes)
    return check_symbols(
        rows, data.reference, data.live_prices, data.universe, names=data.names
    )


def _symbol(row: TargetRow | PositionRow) -> str | None:
    if isinstance(row, TargetRow):
        return row.target.symbol
    return row.position.underlying or row.position.symbol
