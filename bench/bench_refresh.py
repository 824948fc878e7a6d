"""Refresh benchmark: requests and wall time to resolve 35, 500 and 5,000 symbols.

The real engine runs against the local emulator with both free plans, as the
demo configures them. FMP free serves per-symbol quotes for a sample of
about 87 symbols, 250 requests a day. Polygon free serves grouped daily
bars, five requests a minute. Each size gets a new emulator, a new database and so an
empty quote cache, and one LONG target per symbol so that the engine
records each resolved price on a stored target, as in the app. The clock
starts on Wednesday 2024-05-29 at 18:00 New York time, after that session's
close, and advances in real time.

Baselines:

* naive: one request per symbol, as a client without grouped daily sends
  them, and the time Polygon's five-per-minute quota needs for that many:
  (ceil(N / 5) - 1) minutes, the first five being free.
* minimum: the quota's wait for the requests the engine sent (none up to
  five a minute) plus the time a bare httpx client needs to send those same
  requests to the emulator, measured in the same run.

Run: `.venv/bin/python -m bench.bench_refresh`
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import math
import tempfile
import time
from collections import Counter
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx

from bench.support import median, now, print_rows, save_result
from domain.calendar import NEW_YORK
from domain.events import Event
from domain.imports import read_import_file
from domain.models import PositionType, ResolvedPrice, TargetPrice
from providers.emulator import Emulator, RequestRecord, load_universe
from providers.limiter import WINDOW_SECONDS
from providers.setup import build_engine, close_engine
from storage.backend import StoreBackend
from storage.importer import write_import
from storage.store import Store
from tui.launch import demo_settings
from tui.sample import TARGETS_FILE

SIZES = (35, 500, 5_000)
RUNS = 3
START = dt.datetime(2024, 5, 29, 18, 0, tzinfo=NEW_YORK)
SESSION = dt.date(2024, 5, 29)
POLYGON_FREE_PER_MINUTE = 5
WALL_TOLERANCE = 0.10
QUOTA_REFRESHES = POLYGON_FREE_PER_MINUTE + 1
QUOTA_SET_SIZE = 50


class TimedBackend(StoreBackend):
    """The store backend, timing how long recording resolutions takes."""

    def __init__(self, store: Store) -> None:
        super().__init__(store)
        self.record_s = 0.0

    async def record_resolutions(
        self, resolutions: Mapping[str, ResolvedPrice]
    ) -> None:
        start = now()
        await super().record_resolutions(resolutions)
        self.record_s += now() - start


class RunningClock:
    """A fixed start time that advances in real time, shared by emulator and engine."""

    def __init__(self, start: dt.datetime = START) -> None:
        self.start = start
        self.origin = time.monotonic()

    def __call__(self) -> dt.datetime:
        return self.start + dt.timedelta(seconds=time.monotonic() - self.origin)


def symbol_sets() -> dict[int, list[str]]:
    """Return the sample portfolio's 35 symbols and 500 and 5,000 emulator symbols.

    The larger sets are the emulator's active Polygon listings with a bar on
    SESSION: its real tickers first, then synthetic XA0001, XA0002, ….
    """
    sample = list(
        dict.fromkeys(
            row.target.symbol for row in read_import_file(TARGETS_FILE).targets
        )
    )
    listings = [
        item.symbol
        for item in load_universe()
        if item.on_polygon and item.active and item.trades_on(SESSION)
    ]
    real = [s for s in listings if not s.startswith("XA")]
    synthetic = [s for s in listings if s.startswith("XA")]
    known = real + synthetic
    sets = {len(sample): sample}
    for size in SIZES[1:]:
        if len(known) < size:
            raise RuntimeError(f"the emulator knows {len(known)} symbols, not {size}")
        sets[size] = known[:size]
    return sets


def naive_quota_seconds(requests: int, per_minute: int) -> float:
    """Return the least time a per-minute quota needs to admit `requests`."""
    return max(0, math.ceil(requests / per_minute) - 1) * 60.0


async def _store_with_targets(database: Path, symbols: list[str]) -> Store:
    """Open a new database with one LONG target per symbol, as the app would hold."""
    store = await Store.open(f"sqlite+aiosqlite:///{database.as_posix()}")
    targets = [
        TargetPrice(s, PositionType.LONG, None, None, None, None) for s in symbols
    ]
    await write_import(store, "bench", targets, [])
    return store


async def _engine_once(symbols: list[str], folder: Path, run: int) -> dict[str, Any]:
    clock = RunningClock()
    with Emulator(now=clock) as emulator:
        database = folder / f"refresh-{len(symbols)}-{run}.sqlite3"
        store = await _store_with_targets(database, symbols)
        backend = TimedBackend(store)
        engine = build_engine(backend, demo_settings(emulator.base_url), clock=clock)
        events: list[Event] = []
        prices: dict[str, Decimal | None] = dict.fromkeys(symbols)
        try:
            start = now()
            result = await engine.refresh(symbols, prices, events.append)
            wall = now() - start
        finally:
            await close_engine(engine)
            await store.close()
        records = emulator.requests()
        bare = await _bare_client(emulator.base_url, records)
    by_provider = Counter(f"{r.provider} {r.endpoint}" for r in records)
    live = sum(result.by_source.get(source, 0) for source in ("fmp", "polygon"))
    return {
        "wall_s": wall,
        "record_resolutions_s": backend.record_s,
        "requests": len(records),
        "by_endpoint": dict(by_provider),
        "resolved_live": live,
        "by_source": result.by_source,
        "events": len(events),
        "bare_client_s": bare,
    }


async def _bare_client(base_url: str, records: list[RequestRecord]) -> float:
    """Send the same requests again with a bare httpx client, in order."""
    polygon = {"Authorization": "Bearer demo-polygon"}
    async with httpx.AsyncClient(base_url=base_url) as client:
        start = now()
        for record in records:
            if record.provider == "polygon":
                response = await client.get(record.path, headers=polygon)
            else:
                path = record.path.replace("apikey=***", "apikey=demo-fmp")
                response = await client.get(path)
            response.raise_for_status()
            response.json()
        return now() - start


def quota_sets() -> list[list[str]]:
    """Return QUOTA_REFRESHES disjoint sets of synthetic symbols that trade on SESSION.

    Synthetic symbols are outside FMP's free sample, so only Polygon serves them.
    """
    synthetic = [
        item.symbol
        for item in load_universe()
        if item.on_polygon
        and item.active
        and item.trades_on(SESSION)
        and item.symbol.startswith("XA")
    ]
    size = QUOTA_SET_SIZE
    needed = QUOTA_REFRESHES * size
    if len(synthetic) < needed:
        raise RuntimeError(
            f"the emulator lists {len(synthetic)} synthetic symbols, but the "
            f"quota case needs {needed}"
        )
    return [synthetic[i * size : (i + 1) * size] for i in range(QUOTA_REFRESHES)]


async def quota_bound(folder: Path) -> dict[str, Any]:
    """Refresh disjoint symbol sets in a row until Polygon's minute window binds.

    Each refresh sends one grouped-daily request. The free plan admits five a
    minute, so the sixth request may leave no sooner than 60 s after the first.
    The minimum for the whole sequence is that wait plus one bare request.
    """
    sets = quota_sets()
    clock = RunningClock()
    with Emulator(now=clock) as emulator:
        symbols = [symbol for chunk in sets for symbol in chunk]
        store = await _store_with_targets(folder / "quota-bound.sqlite3", symbols)
        settings = demo_settings(emulator.base_url)
        engine = build_engine(StoreBackend(store), settings, clock=clock)
        events: list[Event] = []
        walls: list[float] = []
        live = 0
        try:
            start = now()
            for chunk in sets:
                begun = now()
                result = await engine.refresh(
                    chunk, dict.fromkeys(chunk), events.append
                )
                walls.append(now() - begun)
                live += result.by_source.get("polygon", 0)
            total = now() - start
        finally:
            await close_engine(engine)
            await store.close()
        records = [r for r in emulator.requests() if r.provider == "polygon"]
        # The window is full again, so the bare request goes to a reset emulator.
        emulator.reset()
        bare = await _bare_client(emulator.base_url, records[-1:])
    minimum = WINDOW_SECONDS + bare
    return {
        "refreshes": len(sets),
        "symbols_each": len(sets[0]),
        "requests": len(records),
        "statuses": sorted({r.status for r in records if r.status is not None}),
        "resolved_live": live,
        "walls_s": walls,
        "total_s": total,
        "first_to_last_request_s": records[-1].monotonic - records[0].monotonic,
        "minimum_s": minimum,
        "total_over_minimum": total / minimum,
    }


async def measure(runs: int = RUNS) -> dict[str, Any]:
    """Refresh each symbol set `runs` times; return the figures per size."""
    sizes: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="bench-refresh-") as name:
        folder = Path(name)
        for size, symbols in symbol_sets().items():
            results = [await _engine_once(symbols, folder, run) for run in range(runs)]
            wall = median([r["wall_s"] for r in results])
            recording = median([r["record_resolutions_s"] for r in results])
            bare = median([r["bare_client_s"] for r in results])
            requests = max(r["requests"] for r in results)
            polygon = max(
                sum(
                    n
                    for key, n in r["by_endpoint"].items()
                    if key.startswith("polygon")
                )
                for r in results
            )
            quota_wait = naive_quota_seconds(polygon, POLYGON_FREE_PER_MINUTE)
            minimum = quota_wait + bare
            sizes[str(size)] = {
                "symbols": size,
                "requests": requests,
                "by_endpoint": results[0]["by_endpoint"],
                "resolved_live": results[0]["resolved_live"],
                "wall_s": wall,
                "record_resolutions_s": recording,
                "minimum_s": minimum,
                "wall_over_minimum": wall / minimum,
                "naive_requests": size,
                "naive_quota_s": naive_quota_seconds(size, POLYGON_FREE_PER_MINUTE),
                "request_ratio_vs_naive": requests / size,
                "all_runs": results,
            }
        bound = await quota_bound(folder)
    counts = [entry["requests"] for entry in sizes.values()]
    flat = max(counts) <= min(counts) + 1
    # NOTE: one request a run causes no quota wait, so the minimum is the bare
    # HTTP time and the 10 % check compares all of the engine's work with it.
    within = all(
        e["wall_s"] <= e["minimum_s"] * (1 + WALL_TOLERANCE) for e in sizes.values()
    )
    return {
        "runs": runs,
        "sizes": sizes,
        "quota_bound": bound,
        "met": {
            "requests_flat_in_symbols": flat,
            "wall_within_10pct_of_minimum": within,
            "quota_bound_within_10pct": bound["total_over_minimum"]
            <= 1 + WALL_TOLERANCE,
        },
    }


def report(result: dict[str, Any]) -> None:
    """Print the refresh figures."""
    rows: list[tuple[str, str]] = []
    for size, entry in result["sizes"].items():
        rows.append(
            (
                f"{int(size):,} symbols",
                f"{entry['requests']} requests ({entry['by_endpoint']}), "
                f"{entry['resolved_live']} live; wall {entry['wall_s']:.2f} s "
                f"({entry['record_resolutions_s']:.2f} s recording), "
                f"minimum {entry['minimum_s']:.3f} s "
                f"({entry['wall_over_minimum']:.1f}×); "
                f"naive {entry['naive_requests']:,} requests, "
                f"{entry['naive_quota_s'] / 60:,.0f} min of quota",
            )
        )
    bound = result["quota_bound"]
    rows.append(
        (
            f"{bound['refreshes']} refreshes in a row",
            f"{bound['requests']} requests (statuses {bound['statuses']}), "
            f"{bound['resolved_live']} live; total {bound['total_s']:.2f} s, "
            f"minimum {bound['minimum_s']:.2f} s ({bound['total_over_minimum']:.3f}×)",
        )
    )
    print_rows(f"Refresh on the free plans (median of {result['runs']} runs)", rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=RUNS)
    args = parser.parse_args()
    result = asyncio.run(measure(args.runs))
    save_result("refresh", result)
    report(result)


if __name__ == "__main__":
    main()
