"""Start-up time and terminal output of the real app, run under a pseudo-terminal.

Each case starts a child process on a pty of 80×24 with TERM=xterm-256color
and reads everything it writes to the terminal.

Start-up: the time from spawning the process to the first read that
contains text from the first frame. For `targetdesk` on a database holding
the sample portfolio that text is "Target prices", a pane title. For a bare
Textual app with one label (bench/bare_app.py) it is the label's text. Median of
RUNS starts each, after writing the bytecode of the repository's modules
(bench.support.compile_sources), as any run after the first would find it.

Output: bytes the app writes per second while idle (a window after the
first frame settles) and in the seconds after `r` starts a refresh of 1,000
symbols against a local emulator on 127.0.0.1 with both free plans.

Run: `.venv/bin/python -m bench.bench_terminal`
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import os
import pty
import select
import signal
import struct
import subprocess
import tempfile
import termios
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.support import (
    PYTHON,
    bench_env,
    compile_sources,
    median,
    now,
    print_rows,
    save_result,
)
from domain.models import PositionType, TargetPrice
from providers.emulator import Emulator, load_universe
from storage.importer import write_import
from storage.store import Store
from tui.sample import load_demo_data

RUNS = 11
COLUMNS, LINES = 80, 24
STARTUP_RATIO_TARGET = 1.5
IDLE_TARGET = 100.0
REFRESH_TARGET = 20_000.0
IDLE_WINDOW_S = 10.0
REFRESH_WINDOW_S = 10.0
REFRESH_SYMBOLS = 1_000
BUCKET_S = 0.25


class Terminal:
    """A child process on a pty, with everything it writes counted."""

    def __init__(self, argv: Sequence[str], env: dict[str, str]) -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(
            slave, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0)
        )
        self.master = master
        self.started = now()
        self.process = subprocess.Popen(
            list(argv),
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            close_fds=True,
            start_new_session=True,
        )
        os.close(slave)
        self.output = bytearray()

    def read(self, timeout: float) -> bytes:
        """Return what the child wrote within `timeout` seconds, or b""."""
        ready, _w, _x = select.select([self.master], [], [], timeout)
        if not ready:
            return b""
        try:
            chunk = os.read(self.master, 65536)
        except OSError:
            return b""
        self.output.extend(chunk)
        return chunk

    def wait_for(self, text: bytes, timeout: float) -> float:
        """Return seconds from spawn until `text` appears in the output."""
        deadline = now() + timeout
        while now() < deadline:
            self.read(0.05)
            if text in self.output:
                return now() - self.started
        raise TimeoutError(f"{text!r} not seen within {timeout} s")

    def count(self, seconds: float) -> list[int]:
        """Read for `seconds`; return the bytes read in each BUCKET_S interval."""
        buckets: list[int] = []
        end = now() + seconds
        while now() < end:
            bucket_end = min(end, now() + BUCKET_S)
            total = 0
            while (left := bucket_end - now()) > 0:
                total += len(self.read(left))
            buckets.append(total)
        return buckets

    def send(self, data: bytes) -> None:
        """Type `data` into the terminal."""
        os.write(self.master, data)

    def close(self) -> None:
        """Stop the child and its process group."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        os.close(self.master)


def child_env(database: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """Return the environment of an app child: xterm-256color and no providers."""
    env = bench_env()
    for name in ("FMP_API_KEY", "POLYGON_API_KEY", "TARGETDESK_PROVIDERS"):
        env.pop(name, None)
    env.update(
        {
            "TERM": "xterm-256color",
            "COLUMNS": str(COLUMNS),
            "LINES": str(LINES),
            "TARGETDESK_DB": str(database),
            "TARGETDESK_CONFIG": str(database.with_suffix(".toml")),
        }
    )
    env.update(extra or {})
    return env


async def _prepare(folder: Path, emulator_symbols: list[str]) -> tuple[Path, Path]:
    sample = folder / "sample.sqlite3"
    store = await Store.open(f"sqlite+aiosqlite:///{sample.as_posix()}")
    try:
        await load_demo_data(store, "demo")
    finally:
        await store.close()
    many = folder / "refresh.sqlite3"
    store = await Store.open(f"sqlite+aiosqlite:///{many.as_posix()}")
    try:
        targets = [
            TargetPrice(s, PositionType.LONG, None, None, None, None)
            for s in emulator_symbols
        ]
        await write_import(store, "bench", targets, [])
    finally:
        await store.close()
    return sample, many


APP = [PYTHON, "-m", "tui.cli"]
BARE = [PYTHON, "-m", "bench.bare_app"]


def startup(sample: Path, runs: int) -> dict[str, Any]:
    """Time spawn to first frame for the app and the bare app, alternating."""
    compile_sources()
    times: dict[str, list[float]] = {"app": [], "bare": []}
    for _ in range(runs):
        for kind, argv, marker in (
            ("bare", BARE, b"bare textual app"),
            ("app", APP, b"Target prices"),
        ):
            terminal = Terminal(argv, child_env(sample))
            try:
                times[kind].append(terminal.wait_for(marker, 30.0))
            finally:
                terminal.close()
    app_s, bare_s = median(times["app"]), median(times["bare"])
    return {
        "runs": runs,
        "app_s": app_s,
        "bare_s": bare_s,
        "ratio": app_s / bare_s,
        "all_runs": times,
        "met": {"ratio": app_s / bare_s < STARTUP_RATIO_TARGET},
    }


def output(sample: Path, many: Path) -> dict[str, Any]:
    """Count bytes written while idle and during a refresh of 1,000 symbols."""
    with Emulator() as emulator:
        providers = {
            "FMP_API_KEY": "demo-fmp",
            "FMP_BASE_URL": emulator.base_url,
            "POLYGON_API_KEY": "demo-polygon",
            "POLYGON_BASE_URL": emulator.base_url,
        }
        terminal = Terminal(APP, child_env(many, providers))
        try:
            terminal.wait_for(b"Target prices", 30.0)
            terminal.count(3.0)
            idle = terminal.count(IDLE_WINDOW_S)
            terminal.send(b"r")
            during = terminal.count(REFRESH_WINDOW_S)
        finally:
            terminal.close()
        requests = len(emulator.requests())
    idle_rate = sum(idle) / IDLE_WINDOW_S
    # The refresh is over when the output falls back to the idle level:
    # take the span up to the last bucket above twice the idle rate.
    threshold = max(2 * idle_rate * BUCKET_S, 1)
    active = [i for i, n in enumerate(during) if n > threshold]
    span_s = (active[-1] + 1) * BUCKET_S if active else BUCKET_S
    refresh_bytes = sum(during[: len(active) and active[-1] + 1])
    refresh_rate = refresh_bytes / span_s
    return {
        "idle_bytes_per_s": idle_rate,
        "idle_buckets": idle,
        "refresh_symbols": REFRESH_SYMBOLS,
        "refresh_requests": requests,
        "refresh_active_s": span_s,
        "refresh_bytes": refresh_bytes,
        "refresh_bytes_per_s": refresh_rate,
        "refresh_buckets": during,
        "met": {
            "idle": idle_rate < IDLE_TARGET,
            "refresh": refresh_rate < REFRESH_TARGET,
        },
    }


def measure(runs: int = RUNS) -> dict[str, Any]:
    """Run the start-up and output cases; return the figures."""
    symbols = [
        item.symbol for item in load_universe() if item.on_polygon and item.active
    ][:REFRESH_SYMBOLS]
    with tempfile.TemporaryDirectory(prefix="bench-terminal-") as name:
        sample, many = asyncio.run(_prepare(Path(name), symbols))
        return {"startup": startup(sample, runs), "output": output(sample, many)}


def report(result: dict[str, Any]) -> None:
    """Print the start-up and output figures."""
    start = result["startup"]
    out = result["output"]
    print_rows(
        f"Start-up to first frame (median of {start['runs']} runs)",
        [
            ("targetdesk", f"{start['app_s'] * 1000:.0f} ms"),
            ("bare Textual app", f"{start['bare_s'] * 1000:.0f} ms"),
            ("ratio", f"{start['ratio']:.2f}× (target < 1.5×)"),
        ],
    )
    print_rows(
        "Terminal output, 80×24 xterm-256color",
        [
            ("idle", f"{out['idle_bytes_per_s']:.0f} B/s (target < 100)"),
            (
                "refresh of 1,000 symbols",
                f"{out['refresh_bytes_per_s'] / 1000:.1f} KB/s over "
                f"{out['refresh_active_s']:.2f} s, {out['refresh_bytes']:,} bytes "
                f"(target < 20 KB/s)",
            ),
        ],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=RUNS)
    args = parser.parse_args()
    result = measure(args.runs)
    save_result("terminal", result)
    report(result)


if __name__ == "__main__":
    main()
