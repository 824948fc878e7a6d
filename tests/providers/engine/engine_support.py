"""Helpers for engine tests: a shared clock, an emulator and an engine on one DB."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from domain.calendar import NEW_YORK
from domain.events import Event
from domain.imports import read_import_file
from providers.emulator import Emulator
from providers.engine import Engine
from providers.setup import EngineSettings, ProviderConfig, build_engine
from providers.slots import RefreshResult, RetryPolicy
from storage.backend import StoreBackend
from storage.importer import write_import
from storage.store import Store

TARGETS_35 = (
    Path(__file__).resolve().parents[2] / "data" / "targets" / "target_prices_35.csv"
)
# Wednesday 2024-05-29, 18:00 New York: that day's session has closed.
START = dt.datetime(2024, 5, 29, 18, 0, tzinfo=NEW_YORK)


class RunningClock:
    """A fixed start date that advances in real time, shared by emulator and engine.

    The emulator's per-minute windows and the engine's limiter both need time
    to pass, while sessions must not depend on the day the tests run.
    """

    def __init__(self, start: dt.datetime = START) -> None:
        self.start = start
        self.origin = time.monotonic()

    def __call__(self) -> dt.datetime:
        return self.start + dt.timedelta(seconds=time.monotonic() - self.origin)


@dataclass
class Recorder:
    """Collects every event an engine emits."""

    events: list[Event] = field(default_factory=list)

    def __call__(self, event: Event) -> None:
        self.events.append(event)

    def of(self, kind: type[Event]) -> list[Event]:
        return [e for e in self.events if isinstance(e, kind)]


def make_engine(
    store: Store,
    emulator: Emulator | str,
    clock: RunningClock,
    *,
    fmp: tuple[str, str] | None = None,
    polygon: tuple[str, str] | None = None,
    order: Sequence[str] = ("fmp", "polygon"),
    retry: RetryPolicy | None = None,
    backend: StoreBackend | None = None,
) -> Engine:
    """Build an engine whose providers point at the emulator; (key, plan) each.

    `emulator` may be a base URL instead, and `backend` replaces the plain
    StoreBackend on `store`.
    """
    base_url = emulator if isinstance(emulator, str) else emulator.base_url
    configs = []
    for name in order:
        pair = fmp if name == "fmp" else polygon
        if pair is not None:
            configs.append(ProviderConfig(name, pair[0], base_url, pair[1]))
    settings = EngineSettings(providers=tuple(configs), retry=retry or RetryPolicy())
    return build_engine(backend or StoreBackend(store), settings, clock=clock)


async def import_35(store: Store, portfolio: str = "real") -> dict[str, Decimal | None]:
    """Import the 35-row target file and return each symbol's user price."""
    report = read_import_file(TARGETS_35)
    await write_import(store, portfolio, [r.target for r in report.targets], [])
    return {r.target.symbol: r.target.current_price for r in report.targets}


async def refresh(
    engine: Engine, prices: dict[str, Decimal | None], recorder: Recorder
) -> RefreshResult:
    """Refresh every symbol of `prices`."""
    return await engine.refresh(list(prices), prices, recorder)


def requests_to(emulator: Emulator, provider: str) -> list[object]:
    """Return the emulator's request records for one provider."""
    return [r for r in emulator.requests() if r.provider == provider]
