"""Start the TUI: on the user's database, or as the demo against the emulator."""

from __future__ import annotations

import argparse
import contextlib
import logging
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from domain.events import utc_now
from tui.services import AppServices, EventSink

# The modules below load SQLAlchemy, httpx and the emulator. They are imported
# where they are used, after the app has drawn its first frame.
if TYPE_CHECKING:
    from providers.emulator import Fault
    from providers.engine import Engine
    from providers.setup import EngineSettings
    from storage.store import Store

log = logging.getLogger(__name__)

DEMO_PORTFOLIO = "demo"
DEMO_FMP_KEY = "demo-fmp"
DEMO_POLYGON_KEY = "demo-polygon"
DEMO_PAUSE_SECONDS = "12"
"""Retry-After of the demo's scripted 429, long enough to watch it count down."""


def demo_faults() -> list[Fault]:
    """Return the faults the demo scripts so its first refresh shows the machinery.

    Polygon replies to the first request with a gateway error (a retry with
    backoff), the second with a 429 and Retry-After (a provider pause that
    every job waits out), and then normally.
    """
    from providers.emulator import Fault, FaultAction

    return [
        Fault(FaultAction.HTML_ERROR, provider="polygon", status=503, times=1),
        Fault(
            FaultAction.STATUS,
            provider="polygon",
            status=429,
            retry_after=DEMO_PAUSE_SECONDS,
            times=1,
        ),
    ]


def demo_settings(base_url: str) -> EngineSettings:
    """Return settings for both providers' free plans on the emulator."""
    from providers.setup import EngineSettings, ProviderConfig

    return EngineSettings(
        providers=(
            ProviderConfig("fmp", DEMO_FMP_KEY, base_url, "free"),
            ProviderConfig("polygon", DEMO_POLYGON_KEY, base_url, "free"),
        )
    )


def _refresher(store: Store, engine: Engine, settings: EngineSettings) -> AppServices:
    from tui.cmd_refresh import refresh_symbols

    async def refresh(symbols: Sequence[str] | None, emit: EventSink) -> object:
        return await refresh_symbols(store, engine, symbols, emit)

    services = AppServices(
        refresh=refresh if engine.slots else None,
        providers=tuple(slot.limiter.plan for slot in engine.slots),
    )
    if services.refresh is not None:
        services.check_symbols_online = True
        services.provider_settings = settings
    return services


@contextlib.asynccontextmanager
async def _demo(args: argparse.Namespace) -> AsyncIterator[tuple[Store, AppServices]]:
    import tempfile

    from providers.emulator import Emulator
    from providers.setup import build_engine, close_engine
    from storage.backend import StoreBackend
    from storage.db import resolve_database_url
    from storage.store import Store
    from tui.sample import load_demo_data

    with contextlib.ExitStack() as stack:
        emulator = stack.enter_context(Emulator())
        for fault in demo_faults():
            emulator.script(fault)
        if args.db:
            url = resolve_database_url(args.db)
        else:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
            url = resolve_database_url(str(folder / "demo.sqlite3"))
        store = await Store.open(url)
        settings = demo_settings(emulator.base_url)
        engine = build_engine(StoreBackend(store), settings, clock=utc_now)
        try:
            await load_demo_data(store, DEMO_PORTFOLIO)
            services = _refresher(store, engine, settings)
            services.demo_note = f"demo · emulator :{emulator.port} · free plans"
            log.info("demo started against %s", emulator.base_url)
            yield store, services
        finally:
            await close_engine(engine)
            await store.close()


@contextlib.asynccontextmanager
async def _regular(
    args: argparse.Namespace,
) -> AsyncIterator[tuple[Store, AppServices]]:
    from providers.setup import build_engine, close_engine
    from storage.backend import StoreBackend
    from storage.db import resolve_database_url
    from storage.store import Store
    from tui.config import load_settings

    settings = load_settings()
    store = await Store.open(resolve_database_url(args.db))
    engine = build_engine(StoreBackend(store), settings, clock=utc_now)
    try:
        services = _refresher(store, engine, settings)
        services.stale_sessions = settings.stale_sessions
        yield store, services
    finally:
        await close_engine(engine)
        await store.close()


async def run_app(args: argparse.Namespace, *, demo: bool) -> int:
    """Open the database (and in the demo the emulator) and run the app.

    Logging is configured by the caller, `tui.cli.main`.
    """
    from tui.app import TargetdeskApp

    context = _demo(args) if demo else _regular(args)
    async with contextlib.AsyncExitStack() as stack:

        async def opener() -> tuple[Store, AppServices]:
            return await stack.enter_async_context(context)

        portfolio = DEMO_PORTFOLIO if demo else None
        app = TargetdeskApp(opener=opener, portfolio=portfolio)
        await app.run_async()
        return app.return_code or 0
