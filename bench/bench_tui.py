"""Responsiveness and memory of the TUI, measured in-process with Textual's Pilot.

Responsiveness: the app runs headless at 80×24 on a database with 10,000
targets. A scripted refresh, passed in through `AppServices.refresh`, streams
the events of 1,000 fetch jobs (queued, started, succeeded, price resolved)
in small batches while the benchmark presses the down arrow. Each key's
latency starts when the key event is posted. It ends when Pilot has seen
the app and every widget of the screen process the messages the key caused
and the screen update that `pilot.pause()` ends with has run: layout and
render of the changed regions into the compositor. A headless app writes
no bytes to a terminal. The key is posted as the driver posts it, since
`pilot.press` and `pilot.pause()` also wait for CPU idle, which sleeps at
least 20 ms per wait by design and up to 1 s while events stream. A key
that arrives while the drain timer applies events waits for that drain, so
the drain times are reported too.

Sort and filter: the time from pressing `s` (sort by the next column) or
typing one filter character until the same screen update, with 10,000 rows.
Each filter character follows a pause of twice FILTER_DELAY, as when a user
reads the rows before typing on, so the filter applies at once. Keystrokes
closer together form a burst that filters once more FILTER_DELAY after the
last of them.

Memory: peak RSS (`resource.getrusage`, kilobytes on Linux) of a child
process that loads 10,000 targets and pushes 100,000 events through the
app's state, against a child that runs a bare Textual app with one label
under the same Pilot.

Run: `.venv/bin/python -m bench.bench_tui`
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import resource
import subprocess
import tempfile
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from textual import events
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import Label

import tui.app
from bench.support import (
    PYTHON,
    bench_env,
    median,
    now,
    percentile,
    print_rows,
    save_result,
    synthetic_symbol,
)
from domain.events import Event, JobQueued, JobStarted, JobSucceeded, PriceResolved
from domain.models import PositionType, TargetPrice
from storage.importer import write_import
from storage.store import Store
from tui.app import TargetdeskApp
from tui.services import AppServices, EventSink
from tui.widgets.targets import FILTER_DELAY

ROWS = 10_000
JOBS = 1_000
MEMORY_EVENTS = 100_000
PRESSES = 60
SIZE = (80, 24)
NOW = dt.datetime(2024, 6, 14, 20, 30, tzinfo=dt.UTC)
SESSION = dt.date(2024, 6, 14)
BATCH = 20
"""Events emitted between two short sleeps of the scripted refresh."""
BATCH_PAUSE = 0.02
MEMORY_PAUSE = 0.005
"""Sleep between batches in the memory case, so 100,000 events fit the budget."""
P95_TARGET_MS = 50.0
SORT_TARGET_MS = 200.0
MEMORY_TARGET_MB = 300.0
MEMORY_BUDGET_S = 150.0
"""Seconds the memory case may stream events before it stops and reports."""


def fixed_clock() -> dt.datetime:
    """Return NOW, a Friday after the close, so ages do not depend on the run."""
    return NOW


def job_events(jobs: int, symbols: Sequence[str]) -> list[Event]:
    """Return the four events of each of `jobs` one-symbol jobs, job by job."""
    events: list[Event] = []
    for number in range(jobs):
        symbol = symbols[number % len(symbols)]
        job_id = f"polygon-{number}"
        events.append(
            JobQueued(
                job_id=job_id, symbols=(symbol,), provider="polygon", endpoint="prev"
            )
        )
        events.append(
            JobStarted(job_id=job_id, provider="polygon", endpoint="prev", attempt=0)
        )
        events.append(
            JobSucceeded(job_id=job_id, provider="polygon", resolved=(symbol,))
        )
        events.append(
            PriceResolved(
                symbol=symbol,
                source="polygon",
                price=Decimal(100 + number % 400) + Decimal("0.25"),
                session=SESSION,
                stale=False,
                age_sessions=0,
            )
        )
    return events


class StreamedRefresh:
    """A refresh that emits scripted events in batches, sleeping between them."""

    def __init__(self, events: Sequence[Event], pause: float = BATCH_PAUSE) -> None:
        self.events = events
        self.pause = pause
        self.done = asyncio.Event()

    async def __call__(self, symbols: Sequence[str] | None, emit: EventSink) -> object:
        for start in range(0, len(self.events), BATCH):
            for event in self.events[start : start + BATCH]:
                emit(event)
            await asyncio.sleep(self.pause)
        self.done.set()
        return None


class TimedApp(TargetdeskApp):
    """The app, recording how long each drain of buffered events takes."""

    CSS_PATH = str(Path(tui.app.__file__).with_name("app.tcss"))
    drain_ms: list[float]

    def drain_events(self) -> None:
        start = now()
        super().drain_events()
        if not hasattr(self, "drain_ms"):
            self.drain_ms = []
        self.drain_ms.append((now() - start) * 1000)


async def fill_store(folder: Path, rows: int) -> Store:
    """Open a new database with `rows` LONG targets in portfolio "bench"."""
    store = await Store.open(
        f"sqlite+aiosqlite:///{(folder / 'tui.sqlite3').as_posix()}"
    )
    targets = [
        TargetPrice(
            synthetic_symbol(index),
            PositionType.LONG,
            Decimal(120 + index % 300),
            Decimal(140 + index % 300),
            Decimal(80 + index % 50),
            Decimal(100 + index % 250),
        )
        for index in range(rows)
    ]
    await write_import(store, "bench", targets, [])
    return store


KEY_HOPS = 3
KEY_CHARACTERS = {"down": None, "backspace": "\x08", "slash": "/"}


async def repaint_after(pilot: Pilot[Any], key: str) -> float:
    """Post one key event; return milliseconds until the screen update after it.

    The key goes in as the terminal driver sends it (`events.Key` posted to
    the app), not through `pilot.press`, because in Textual 8.2 `press`
    waits for CPU idle twice per key, which adds at least 40 ms of sleep.
    """
    app = pilot.app
    start = now()
    event = events.Key(key, KEY_CHARACTERS.get(key, key))
    event.set_sender(app)
    app.post_message(event)
    # The app forwards a key to the screen, which forwards it to the focused
    # widget, and each hop is a new message: wait out one round per hop.
    for _hop in range(KEY_HOPS):
        await pilot._wait_for_screen()
    app.screen._on_timer_update()
    return (now() - start) * 1000


async def filtered_after(pilot: Pilot[Any], key: str) -> float:
    """Post one filter key after a pause; return milliseconds until the rows show.

    The time would include a wait of FILTER_DELAY if the filter held the key
    back as part of a burst, since the user sees the rows only after it.
    """
    app = pilot.app
    assert isinstance(app, TargetdeskApp)
    await asyncio.sleep(FILTER_DELAY * 2)
    start = now()
    await repaint_after(pilot, key)
    while app.target_pane.filter_pending:  # noqa: ASYNC110 - polls app state, no event exists.
        await asyncio.sleep(0.005)
    await pilot._wait_for_screen()
    app.screen._on_timer_update()
    return (now() - start) * 1000


async def wait_loaded(pilot: Pilot[Any], rows: int) -> None:
    """Wait until the target table shows `rows` rows."""
    app = pilot.app
    assert isinstance(app, TargetdeskApp)
    for _ in range(600):
        if app.target_pane.table.row_count >= rows:
            return
        await pilot.pause(0.05)
    raise RuntimeError(f"the target table did not load {rows} rows in 30 s")


def summary(values: Sequence[float]) -> dict[str, float]:
    """Return the count, median, p95 and max of millisecond figures."""
    return {
        "n": len(values),
        "median_ms": median(values),
        "p95_ms": percentile(values, 0.95),
        "max_ms": max(values),
    }


async def responsiveness(rows: int = ROWS, jobs: int = JOBS) -> dict[str, Any]:
    """Measure key latency while events stream, then sort and filter times."""
    with tempfile.TemporaryDirectory(prefix="bench-tui-") as name:
        store = await fill_store(Path(name), rows)
        symbols = [synthetic_symbol(index) for index in range(rows)]
        refresh = StreamedRefresh(job_events(jobs, symbols))
        services = AppServices(refresh=refresh)
        app = TimedApp(store, services=services, portfolio="bench", clock=fixed_clock)
        app.drain_ms = []
        try:
            async with app.run_test(size=SIZE) as pilot:
                await wait_loaded(pilot, rows)
                idle = [await repaint_after(pilot, "down") for _ in range(PRESSES)]
                cursor = app.target_pane.table.cursor_row
                if cursor != PRESSES:
                    raise RuntimeError(f"{PRESSES} down keys moved to row {cursor}")

                await pilot.press("r")
                streaming: list[float] = []
                stream_start = now()
                while not refresh.done.is_set():
                    streaming.append(await repaint_after(pilot, "down"))
                    await asyncio.sleep(0.02)
                stream_s = now() - stream_start
                await pilot.pause(0.5)
                received = app.events.received

                sort = [await repaint_after(pilot, "s") for _ in range(8)]
                await pilot.press("slash")
                typing = [await filtered_after(pilot, key) for key in "S0012"]
                clearing = [await filtered_after(pilot, "backspace") for _ in range(5)]
                await pilot.press("escape")
        finally:
            await store.close()
    drains = app.drain_ms or [0.0]
    streaming_summary = summary(streaming)
    sort_summary = summary(sort)
    filter_summary = summary(typing + clearing)
    return {
        "rows": rows,
        "jobs": jobs,
        "events_received": received,
        "stream_s": stream_s,
        "idle_keys": summary(idle),
        "streaming_keys": streaming_summary,
        "drain": summary(drains),
        "sort_10k": sort_summary,
        "filter_10k": filter_summary,
        "met": {
            "key_p95_while_streaming": streaming_summary["p95_ms"] < P95_TARGET_MS,
            "sort_10k": sort_summary["max_ms"] < SORT_TARGET_MS,
            "filter_10k": filter_summary["max_ms"] < SORT_TARGET_MS,
        },
    }


class BareApp(App[None]):
    """A Textual app that shows one label."""

    def compose(self) -> ComposeResult:
        yield Label("targetdesk benchmark")


async def _memory_child(kind: str, rows: int, events: int) -> dict[str, Any]:
    if kind == "bare":
        bare = BareApp()
        async with bare.run_test(size=SIZE) as pilot:
            await pilot.pause()
        return {"kind": kind}
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as name:
        store = await fill_store(Path(name), rows)
        symbols = [synthetic_symbol(index) for index in range(rows)]
        refresh = StreamedRefresh(job_events(events // 4, symbols), MEMORY_PAUSE)
        app = TargetdeskApp(
            store,
            services=AppServices(refresh=refresh),
            portfolio="bench",
            clock=fixed_clock,
        )
        try:
            async with app.run_test(size=SIZE) as pilot:
                await wait_loaded(pilot, rows)
                start = now()
                await pilot.press("r")
                finished = True
                try:
                    await asyncio.wait_for(refresh.done.wait(), MEMORY_BUDGET_S)
                except TimeoutError:
                    finished = False
                    app.workers.cancel_group(app, "refresh")
                await pilot.pause(0.5)
                elapsed = now() - start
                received = app.events.received
                applied = received - len(app.events)
        finally:
            await store.close()
    return {
        "kind": kind,
        "events_received": received,
        "events_applied": applied,
        "finished": finished,
        "elapsed_s": elapsed,
    }


def memory_child(kind: str, rows: int, events: int) -> None:
    """Run one memory case and print its peak RSS as JSON."""
    result = asyncio.run(_memory_child(kind, rows, events))
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def memory(rows: int = ROWS, events: int = MEMORY_EVENTS) -> dict[str, Any]:
    """Run the app and the bare app as children; return their peak RSS."""
    figures: dict[str, Any] = {}
    for kind in ("bare", "app"):
        output = subprocess.run(
            [
                PYTHON,
                "-m",
                "bench.bench_tui",
                "--memory-child",
                kind,
                "--rows",
                str(rows),
                "--events",
                str(events),
            ],
            check=True,
            capture_output=True,
            text=True,
            env=bench_env(),
        ).stdout
        figures[kind] = json.loads(output.strip().splitlines()[-1])
    app_mb = figures["app"]["peak_rss_mb"]
    return {
        "rows": rows,
        "events": events,
        "app": figures["app"],
        "bare": figures["bare"],
        "ratio_vs_bare": app_mb / figures["bare"]["peak_rss_mb"],
        "met": {
            "peak_rss": app_mb < MEMORY_TARGET_MB and figures["app"]["finished"],
        },
    }


def report(result: dict[str, Any], mem: dict[str, Any]) -> None:
    """Print the responsiveness and memory figures."""

    def line(figures: dict[str, float]) -> str:
        return (
            f"median {figures['median_ms']:.1f} ms, p95 {figures['p95_ms']:.1f} ms, "
            f"max {figures['max_ms']:.1f} ms (n={figures['n']})"
        )

    print_rows(
        f"Responsiveness, {result['rows']:,} rows, {result['jobs']:,} jobs",
        [
            ("key, idle", line(result["idle_keys"])),
            ("key, while streaming", line(result["streaming_keys"])),
            ("drain of buffered events", line(result["drain"])),
            ("sort 10k (s)", line(result["sort_10k"])),
            ("filter 10k (one char)", line(result["filter_10k"])),
        ],
    )
    print_rows(
        f"Memory, {mem['rows']:,} targets, {mem['events']:,} events",
        [
            ("app peak RSS", f"{mem['app']['peak_rss_mb']:.0f} MB"),
            ("bare app peak RSS", f"{mem['bare']['peak_rss_mb']:.0f} MB"),
            ("ratio", f"{mem['ratio_vs_bare']:.1f}×"),
            (
                "events applied",
                f"{mem['app']['events_applied']:,} of {mem['events']:,} "
                f"in {mem['app']['elapsed_s']:.0f} s"
                + ("" if mem["app"]["finished"] else " (stopped at the time budget)"),
            ),
        ],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--jobs", type=int, default=JOBS)
    parser.add_argument("--events", type=int, default=MEMORY_EVENTS)
    parser.add_argument("--memory-child", choices=["app", "bare"])
    args = parser.parse_args()
    if args.memory_child:
        memory_child(args.memory_child, args.rows, args.events)
        return
    result = asyncio.run(responsiveness(args.rows, args.jobs))
    save_result("tui", {"responsiveness": result})
    mem = memory(args.rows, args.events)
    save_result("tui", {"responsiveness": result, "memory": mem})
    report(result, mem)


if __name__ == "__main__":
    main()
