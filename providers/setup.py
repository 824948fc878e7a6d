"""Build the fetch engine from settings: clients, plans, limiters, order."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from domain.resolution import DEFAULT_STALE_SESSIONS
from providers.engine import Engine, QuoteBackend
from providers.fmp import FmpClient
from providers.limiter import Limiter
from providers.plans import plan_for
from providers.polygon import PolygonClient
from providers.slots import ProviderSlot, RetryPolicy

FMP_BASE_URL = "https://financialmodelingprep.com"
POLYGON_BASE_URL = "https://api.polygon.io"
PROVIDER_NAMES = ("fmp", "polygon")


@dataclass(frozen=True, slots=True)
class ProviderConfig:
    """One provider's key, base URL and plan name."""

    name: str
    api_key: str | None
    base_url: str
    plan: str = "free"

    def __repr__(self) -> str:
        key = "set" if self.api_key else "not set"
        return f"ProviderConfig({self.name}, key {key}, {self.base_url}, {self.plan})"


@dataclass(frozen=True, slots=True)
class EngineSettings:
    """Providers in order of preference, and the stale tolerance in sessions."""

    providers: tuple[ProviderConfig, ...]
    stale_sessions: int = DEFAULT_STALE_SESSIONS
    retry: RetryPolicy = field(default_factory=RetryPolicy)


def build_engine(
    backend: QuoteBackend,
    settings: EngineSettings,
    *,
    clock: Callable[[], dt.datetime],
) -> Engine:
    """Create the engine with one client and limiter per provider that has a key."""
    engine = Engine(
        backend,
        [],
        clock=clock,
        tolerance=settings.stale_sessions,
        retry=settings.retry,
    )
    for config in settings.providers:
        if not config.api_key:
            continue
        plan = plan_for(config.name, config.plan)
        before = partial(engine.before_request, config.name)
        unsent = partial(engine.request_unsent, config.name)
        client_type = FmpClient if config.name == "fmp" else PolygonClient
        client = client_type(
            config.api_key, config.base_url, before_request=before, on_unsent=unsent
        )
        limiter = Limiter(plan, backend, engine.emit, clock=clock)
        engine.slots.append(ProviderSlot(client=client, limiter=limiter))
    return engine


async def close_engine(engine: Engine) -> None:
    """Close every provider client's connection pool."""
    for slot in engine.slots:
        await slot.client.aclose()
