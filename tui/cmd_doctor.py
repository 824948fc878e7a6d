"""`targetdesk doctor`: keys, provider reachability, database and cache."""

from __future__ import annotations

import argparse

from rich.console import Console

from domain.errors import ProviderError
from domain.events import utc_now
from providers.engine import Engine
from providers.fmp import FmpClient
from providers.limiter import quota_day
from providers.setup import build_engine, close_engine
from providers.slots import ProviderSlot
from storage.backend import StoreBackend
from storage.market import cache_coverage
from storage.migrate import head_revision
from storage.store import Store
from tui.config import config_path, load_settings
from tui.logs import log_file

EXIT_OK = 0
EXIT_PARTIAL = 1
PROBE_SYMBOL = "AAPL"
"""A symbol every plan of both providers serves, used to test reachability."""


async def _probe(engine: Engine, slot: ProviderSlot) -> str:
    try:
        if isinstance(slot.client, FmpClient):
            quote = await slot.client.quote(PROBE_SYMBOL)
        else:
            quote = await slot.client.previous_close(PROBE_SYMBOL)
    except ProviderError as error:
        return f"FAILED ({error.kind.value}): {error.detail}"
    if quote is None:
        return f"reachable, but no quote for {PROBE_SYMBOL}"
    return f"reachable ({PROBE_SYMBOL} {quote.price} as of {quote.session})"


async def _quota(slot: ProviderSlot) -> str:
    plan = slot.limiter.plan
    used = await slot.limiter.used_today()
    parts = [f"plan {plan.name}"]
    if plan.per_day is not None:
        parts.append(f"{plan.per_day - used} of {plan.per_day} requests left today")
    else:
        parts.append(f"{used} requests today")
    if plan.per_minute is not None:
        parts.append(f"{plan.per_minute}/min")
    return ", ".join(parts)


async def run(store: Store, _args: argparse.Namespace) -> int:
    """Print one line per check; exit 1 if any check failed."""
    out = Console(highlight=False, soft_wrap=True)
    failed = False
    settings = load_settings()
    out.print(f"config file: {config_path()}", markup=False)
    out.print(f"log file:    {log_file()}", markup=False)
    for config in settings.providers:
        env = f"{config.name.upper()}_API_KEY"
        state = "set" if config.api_key else f"not set ({env})"
        out.print(
            f"{config.name}: key {state}, plan {config.plan}, {config.base_url}",
            markup=False,
        )
    engine = build_engine(StoreBackend(store), settings, clock=utc_now)
    try:
        for slot in engine.slots:
            result = await _probe(engine, slot)
            failed = failed or result.startswith("FAILED")
            out.print(f"{slot.name}: {result}", markup=False)
            out.print(f"{slot.name}: {await _quota(slot)}", markup=False)
    finally:
        await close_engine(engine)
    if not engine.slots:
        out.print("providers: none configured; prices come from cache and files")
    revision = await store.revision()
    head = head_revision()
    state = "up to date" if revision == head else f"behind (head {head})"
    out.print(f"database: {store.where}, revision {revision}, {state}", markup=False)
    async with store.sessions() as session:
        coverage = await cache_coverage(session)
    out.print(
        f"cache: {coverage.rows} quotes, {coverage.symbols} symbols, "
        f"oldest {coverage.oldest or '—'}, newest {coverage.newest or '—'}",
        markup=False,
    )
    out.print(f"quota day: {quota_day(utc_now())} (New York)", markup=False)
    return EXIT_PARTIAL if failed else EXIT_OK
