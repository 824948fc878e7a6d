"""Helpers shared by the benchmarks: timing, statistics, files and results."""

from __future__ import annotations

import compileall
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = Path(__file__).resolve().parent / "results"
PYTHON = sys.executable

TARGETS_HEADER = (
    "symbol,position_type,target_eoy,target_next_year,downside,current_price"
)


def now() -> float:
    """Return a monotonic time in seconds for measuring intervals."""
    return time.perf_counter()


def median(values: Sequence[float]) -> float:
    """Return the median of a non-empty sequence."""
    return statistics.median(values)


def percentile(values: Sequence[float], fraction: float) -> float:
    """Return the nearest-rank percentile, such as 0.95 for p95."""
    ordered = sorted(values)
    rank = max(1, round(fraction * len(ordered) + 0.5))
    return ordered[min(rank, len(ordered)) - 1]


def synthetic_symbol(index: int) -> str:
    """Return a valid canonical ticker for a row number, such as S00042."""
    return f"S{index:05d}"


def target_line(symbol: str, position_type: str, index: int) -> str:
    """Return one CSV row of plausible target prices for `symbol`."""
    base = 20 + (index * 37) % 480
    cents = index % 100
    return (
        f"{symbol},{position_type},{base + 30}.{cents:02d},{base + 60}.{cents:02d},"
        f"{max(base - 10, 1)}.{cents:02d},{base}.{cents:02d}"
    )


def write_target_file(path: Path, rows: int) -> Path:
    """Write `rows` targets: symbols S00000… each as LONG, then SHORT.

    Every (symbol, position type) pair occurs once, so every row is kept.
    """
    lines = [TARGETS_HEADER]
    for index in range(rows):
        kind = "LONG" if index % 2 == 0 else "SHORT"
        lines.append(target_line(synthetic_symbol(index // 2), kind, index))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def bench_env() -> dict[str, str]:
    """Return an environment for child processes that imports the repository."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def compile_sources() -> None:
    """Write the bytecode of the repository's packages, as a first run would.

    Textual and the other installed packages get their bytecode when pip
    installs them. The repository's own modules get theirs on first import,
    unless PYTHONDONTWRITEBYTECODE is set, in which case every start would
    compile them from source and a start-up figure would measure that.
    """
    for package in ("domain", "storage", "providers", "tui", "bench"):
        compileall.compile_dir(ROOT / package, quiet=1)


def machine() -> dict[str, Any]:
    """Describe the machine: CPU model, cores, RAM and Python version."""
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram_mb = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram_mb = int(line.split()[1]) // 1024
                break
    except OSError:
        pass
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "ram_mb": ram_mb,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def save_result(name: str, result: dict[str, Any]) -> Path:
    """Write one benchmark's result to bench/results/NAME.json."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{name}.json"
    path.write_text(json.dumps(result, indent=2, default=str) + "\n")
    return path


def print_rows(title: str, rows: Sequence[tuple[str, str]]) -> None:
    """Print a two-column table of figures."""
    print(f"\n{title}")
    width = max(len(label) for label, _value in rows)
    for label, value in rows:
        print(f"  {label.ljust(width)}  {value}")
