"""Run every benchmark one after another and write bench/results/latest.json.

Each benchmark runs in its own process so that one's memory and imports do
not affect the next. Run: `.venv/bin/python -m bench.run_all` or
`.venv/bin/python bench/run_all.py`.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

if not __package__:
    # Run as `python bench/run_all.py`: make the repository importable.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.support import PYTHON, RESULTS_DIR, ROOT, bench_env, machine, now

BENCHMARKS = (
    ("import", "bench.bench_import"),
    ("refresh", "bench.bench_refresh"),
    ("tui", "bench.bench_tui"),
    ("terminal", "bench.bench_terminal"),
)


def _load(name: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads((RESULTS_DIR / f"{name}.json").read_text())
    return result


def table(results: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """Return (figure, measured, target, met) rows for the summary table."""
    imp = results["import"]
    ref = results["refresh"]
    tui = results["tui"]
    resp, mem = tui["responsiveness"], tui["memory"]
    term = results["terminal"]
    start, out = term["startup"], term["output"]

    def yes(flag: bool) -> str:
        return "yes" if flag else "NO"

    rows = [
        (
            "import 100k: speedup vs naive",
            f"{imp['speedup_vs_naive']:.1f}×",
            "≥ 20×",
            yes(imp["met"]["speedup_vs_naive"]),
        ),
        (
            "import 100k: total vs floor",
            f"{imp['ratio_vs_floor']:.1f}× ({imp['targetdesk']['total_s']:.2f} s)",
            "≤ 3×",
            yes(imp["met"]["ratio_vs_floor"]),
        ),
    ]
    for size, entry in ref["sizes"].items():
        rows.append(
            (
                f"refresh {int(size):,}: requests (naive)",
                f"{entry['requests']} ({entry['naive_requests']:,})",
                "flat in symbols",
                yes(ref["met"]["requests_flat_in_symbols"]),
            )
        )
        rows.append(
            (
                f"refresh {int(size):,}: wall vs minimum",
                f"{entry['wall_s']:.2f} s vs {entry['minimum_s']:.3f} s",
                "≤ 1.1×",
                yes(entry["wall_s"] <= entry["minimum_s"] * 1.1),
            )
        )
    bound = ref["quota_bound"]
    rows.append(
        (
            f"refresh x{bound['refreshes']}, quota-bound: wall vs minimum",
            f"{bound['total_s']:.2f} s vs {bound['minimum_s']:.2f} s",
            "≤ 1.1×",
            yes(ref["met"]["quota_bound_within_10pct"]),
        )
    )
    rows += [
        (
            "key p95 while streaming",
            f"{resp['streaming_keys']['p95_ms']:.0f} ms",
            "< 50 ms",
            yes(resp["met"]["key_p95_while_streaming"]),
        ),
        (
            "sort 10k rows (max)",
            f"{resp['sort_10k']['max_ms']:.0f} ms",
            "< 200 ms",
            yes(resp["met"]["sort_10k"]),
        ),
        (
            "filter 10k rows (max)",
            f"{resp['filter_10k']['max_ms']:.0f} ms",
            "< 200 ms",
            yes(resp["met"]["filter_10k"]),
        ),
        (
            "start-up vs bare app",
            f"{start['ratio']:.2f}× ({start['app_s'] * 1000:.0f} ms)",
            "< 1.5×",
            yes(start["met"]["ratio"]),
        ),
        (
            "idle output",
            f"{out['idle_bytes_per_s']:.0f} B/s",
            "< 100 B/s",
            yes(out["met"]["idle"]),
        ),
        (
            "refresh output",
            f"{out['refresh_bytes_per_s'] / 1000:.1f} KB/s",
            "< 20 KB/s",
            yes(out["met"]["refresh"]),
        ),
        (
            "peak RSS 10k targets, 100k events",
            f"{mem['app']['peak_rss_mb']:.0f} MB",
            "< 300 MB",
            yes(mem["met"]["peak_rss"]),
        ),
    ]
    return rows


def main() -> None:
    durations: dict[str, float] = {}
    for name, module in BENCHMARKS:
        print(f"running {module}", flush=True)
        start = now()
        subprocess.run([PYTHON, "-m", module], check=True, cwd=ROOT, env=bench_env())
        durations[name] = now() - start
    results = {name: _load(name) for name, _module in BENCHMARKS}
    rows = table(results)
    latest = {
        "finished_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "durations_s": durations,
        "summary": [
            {"figure": f, "measured": m, "target": t, "met": ok} for f, m, t, ok in rows
        ],
        "results": results,
    }
    (RESULTS_DIR / "latest.json").write_text(json.dumps(latest, indent=2) + "\n")
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    print(f"\nSummary ({sum(durations.values()):.0f} s)")
    for row in rows:
        print(
            "  "
            + "  ".join(
                cell.ljust(width) for cell, width in zip(row, widths, strict=True)
            )
        )


if __name__ == "__main__":
    main()
