"""The app driving the real fetch engine against the provider emulator.

The emulator serves Polygon on 127.0.0.1 and scripts a 429 with Retry-After
and a 503 HTML page, so one refresh shows a provider pause, retries and
their causes in the error log before every price arrives from Polygon.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from decimal import Decimal

import pytest
import stamina
from textual.pilot import Pilot
from textual.widgets import Static
from tui_helpers import cell_text, settle

from domain.events import utc_now
from domain.models import PositionType, TargetPrice
from providers.emulator import Emulator, Fault, FaultAction
from providers.engine import Engine
from providers.setup import EngineSettings, ProviderConfig, build_engine, close_engine
from storage.backend import StoreBackend
from storage.importer import write_import
from storage.market import latest_quotes
from storage.portfolios import list_targets
from storage.store import Store
from tui.app import TargetdeskApp
from tui.cmd_refresh import refresh_symbols
from tui.services import AppServices, EventSink

SYMBOLS = ("AAPL", "MSFT", "KO")
PAUSE_SECONDS = "2"
"""Retry-After of the scripted 429; the engine's limiter waits it out in real time."""

WAIT_LIMIT = 30.0
"""Seconds a step may take before the test gives up waiting for it."""


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator() as running:
        running.script(
            Fault(
                FaultAction.STATUS,
                provider="polygon",
                status=429,
                retry_after=PAUSE_SECONDS,
            )
        )
        running.script(Fault(FaultAction.HTML_ERROR, provider="polygon", status=503))
        yield running


@pytest.fixture
async def engine(store: Store, emulator: Emulator) -> AsyncIterator[Engine]:
    settings = EngineSettings(
        providers=(
            ProviderConfig("polygon", "demo-polygon", emulator.base_url, "free"),
        )
    )
    built = build_engine(StoreBackend(store), settings, clock=utc_now)
    try:
        yield built
    finally:
        await close_engine(built)


async def load_targets(store: Store) -> None:
    targets = [
        TargetPrice(symbol, PositionType.LONG, None, None, None, Decimal("100.00"))
        for symbol in SYMBOLS
    ]
    await write_import(store, "live", targets, [])


def build_app(store: Store, engine: Engine) -> TargetdeskApp:
    async def refresh(symbols: Sequence[str] | None, emit: EventSink) -> object:
        return await refresh_symbols(store, engine, symbols, emit)

    services = AppServices(
        refresh=refresh,
        providers=tuple(slot.limiter.plan for slot in engine.slots),
    )
    return TargetdeskApp(store, services=services, portfolio="live")


def status_line(app: TargetdeskApp) -> str:
    return str(app.screen.query_one("#provider-status", Static).render())


def job_state(app: TargetdeskApp) -> str | None:
    """Return the state cell of the refresh's only job, or None before it shows."""
    jobs = list(app.queue_pane.queue.jobs)
    if not jobs or app.queue_pane.table.row_count == 0:
        return None
    return cell_text(app.queue_pane.table, jobs[0], "state")


async def watch_until(
    pilot: Pilot[None], app: TargetdeskApp, done: Callable[[], bool]
) -> tuple[list[str], list[str]]:
    """Record every job state and status line shown until `done` holds."""
    states: list[str] = []
    lines: list[str] = []
    deadline = time.monotonic() + WAIT_LIMIT
    while not done():
        assert time.monotonic() < deadline, f"still waiting; states {states}"
        await pilot.pause(0.05)
        state = job_state(app)
        if state is not None and (not states or states[-1] != state):
            states.append(state)
        line = status_line(app)
        if not lines or lines[-1] != line:
            lines.append(line)
    return states, lines


async def test_refresh_waits_out_pause(store: Store, engine: Engine) -> None:
    await load_targets(store)
    app = build_app(store, engine)
    with stamina.set_testing(True, attempts=4, cap=True):
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert status_line(app).startswith("polygon ready")
            await pilot.press("r")
            states, lines = await watch_until(
                pilot, app, lambda: job_state(app) == "done via polygon"
            )
            await settle(pilot)
            assert any(
                state.startswith(("retry in", "waiting for quota")) for state in states
            ), states
            assert any("polygon paused" in line for line in lines), lines
            assert job_state(app) == "done via polygon"
            groups = app.error_pane.error_log.visible()
            counts = {group.kind: group.count for group in groups}
            assert counts == {"rate_limited": 1, "transient": 1}
            assert {group.provider for group in groups} == {"polygon"}
            for group in groups:
                assert cell_text(app.error_pane.table, group.key, "count") == "1"
    async with store.sessions() as session:
        stored = await list_targets(session, "live")
        quotes = await latest_quotes(session, list(SYMBOLS))
    recorded = {item.target.symbol: item.recorded for item in stored}
    for symbol in SYMBOLS:
        quote = recorded[symbol]
        assert quote is not None, symbol
        assert quote.source == "polygon", symbol
        assert quotes[symbol].source == "polygon", symbol
