"""`targetdesk refresh` and the provider setup it shares with the TUI."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from decimal import Decimal

from rich.console import Console

from domain.events import Event, PriceResolved, QuotaUsed, RefreshFinished, utc_now
from domain.symbols import is_quotable
from providers.engine import Engine
from providers.setup import EngineSettings, build_engine, close_engine
from providers.slots import RefreshResult
from storage.backend import StoreBackend
from storage.store import Store
from storage.views import load_target_views
from tui.config import load_settings
from tui.event_text import describe

EXIT_OK = 0
EXIT_PARTIAL = 1
EXIT_USAGE = 2


async def refresh_symbols(
    store: Store,
    engine: Engine,
    symbols: Sequence[str] | None,
    emit: Callable[[Event], None],
    *,
    portfolio: str | None = None,
) -> RefreshResult:
    """Refresh the given symbols (None: every target's symbol) of the database."""
    views = await load_target_views(store, portfolio, now=utc_now())
    user_prices: dict[str, Decimal | None] = {}
    for view in views:
        if user_prices.get(view.symbol) is None:
            user_prices[view.symbol] = view.target.current_price
    wanted = list(user_prices) if symbols is None else list(symbols)
    quotable = [s for s in wanted if is_quotable(s)]
    return await engine.refresh(quotable, user_prices, emit)


class ProgressPrinter:
    """Prints refresh progress: a counter on a terminal, event lines otherwise."""

    def __init__(self, total: int, console: Console) -> None:
        self.total = total
        self.done = 0
        self.console = console

    def __call__(self, event: Event) -> None:
        if isinstance(event, PriceResolved):
            self.done += 1
            return
        if isinstance(event, QuotaUsed | RefreshFinished):
            return
        line = describe(event)
        if line is not None:
            stamp = event.at.astimezone().strftime("%H:%M:%S")
            self.console.print(f"{stamp} {line}", markup=False, highlight=False)


def print_counts(result: RefreshResult, console: Console) -> None:
    """Print how many symbols each source supplied, and which stayed unresolved."""
    parts = [f"{count} {source}" for source, count in sorted(result.by_source.items())]
    console.print(
        f"resolved {len(result.resolved)} symbols: " + ", ".join(parts), markup=False
    )
    if result.unresolved:
        console.print(
            f"{len(result.unresolved)} without a live or fresh price: "
            + " ".join(result.unresolved),
            markup=False,
        )
    if result.unquoted:
        console.print(
            f"{len(result.unquoted)} of them have no quote from any configured "
            "provider's plan and keep the cached or file price: "
            + " ".join(result.unquoted),
            markup=False,
        )


async def run(store: Store, args: argparse.Namespace) -> int:
    """Resolve prices for every symbol, printing each step as it happens."""
    settings: EngineSettings = load_settings()
    engine = build_engine(StoreBackend(store), settings, clock=utc_now)
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    if not engine.slots:
        err.print(
            "no provider keys set (FMP_API_KEY, POLYGON_API_KEY): prices come from "
            "the cache and the files only; run targetdesk doctor",
            markup=False,
        )
    try:
        printer = ProgressPrinter(0, err)
        result = await refresh_symbols(
            store, engine, None, printer, portfolio=args.portfolio
        )
    finally:
        await close_engine(engine)
    print_counts(result, Console(highlight=False, soft_wrap=True))
    if result.unresolved:
        print(
            "targetdesk: some symbols have no live or fresh price; "
            "see targetdesk errors",
            file=sys.stderr,
        )
        return EXIT_PARTIAL
    return EXIT_OK
