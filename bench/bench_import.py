"""Import benchmark: a 100,000-row target file into a new SQLite database.

targetdesk's path is `read_import_file` (decode, header, validation, merge of
duplicates) then `write_import` (one transaction through SQLAlchemy async).
Two baselines run in the same process on the same machine:

* naive: stdlib `csv` and one ORM insert plus commit per row through
  SQLAlchemy async, on the first NAIVE_ROWS rows, scaled per row;
* floor: `sqlite3.executemany` of the already-parsed values into an
  equivalent table, with the same journal mode and synchronous setting.

Run: `.venv/bin/python -m bench.bench_import`
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import sqlite3
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench.support import (
    median,
    now,
    print_rows,
    save_result,
    write_target_file,
)
from domain.imports import read_import_file
from domain.models import TargetPrice
from storage.importer import write_import
from storage.models import TargetRecord
from storage.portfolios import ensure_portfolio
from storage.store import Store

ROWS = 100_000
NAIVE_ROWS = 5_000
RUNS = 3
SPEEDUP_TARGET = 20.0
FLOOR_TARGET = 3.0

FLOOR_SCHEMA = """
CREATE TABLE target_prices (
    id INTEGER PRIMARY KEY,
    portfolio_id INTEGER NOT NULL,
    symbol VARCHAR(40) NOT NULL,
    position_type VARCHAR(5) NOT NULL,
    target_eoy VARCHAR(40),
    target_next_year VARCHAR(40),
    downside VARCHAR(40),
    current_price VARCHAR(40),
    resolved_price VARCHAR(40),
    price_source VARCHAR(16),
    price_as_of VARCHAR(32),
    price_session DATE,
    price_reason TEXT,
    UNIQUE (portfolio_id, symbol, position_type)
);
CREATE INDEX ix_target_prices_symbol ON target_prices (symbol)
"""


def _url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path.as_posix()}"


async def _targetdesk_once(source: Path, folder: Path, run: int) -> dict[str, float]:
    """Import `source` into a new database; return parse and write seconds."""
    store = await Store.open(_url(folder / f"targetdesk-{run}.sqlite3"))
    try:
        start = now()
        report = read_import_file(source)
        parsed = now()
        targets = report.target_prices()
        written = await write_import(store, "bench", targets, [])
        end = now()
    finally:
        await store.close()
    if written.targets.inserted != len(targets) or report.issues:
        raise RuntimeError(
            f"import kept {len(targets)} rows, inserted {written.targets.inserted}, "
            f"with {len(report.issues)} issues: the generated file should be clean"
        )
    return {"parse_s": parsed - start, "write_s": end - parsed, "total_s": end - start}


async def _naive_once(source: Path, folder: Path, rows: int) -> float:
    """Parse with stdlib csv and insert plus commit one ORM row at a time."""
    store = await Store.open(_url(folder / "naive.sqlite3"))
    try:
        start = now()
        async with store.sessions.begin() as session:
            portfolio = await ensure_portfolio(session, "bench")
        with source.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            for count, row in enumerate(reader):
                if count >= rows:
                    break
                async with store.sessions() as session:
                    session.add(
                        TargetRecord(
                            portfolio_id=portfolio,
                            symbol=row["symbol"].strip().upper(),
                            position_type=row["position_type"].strip().upper(),
                            target_eoy=Decimal(row["target_eoy"]),
                            target_next_year=Decimal(row["target_next_year"]),
                            downside=Decimal(row["downside"]),
                            current_price=Decimal(row["current_price"]),
                        )
                    )
                    await session.commit()
        return now() - start
    finally:
        await store.close()


def _floor_once(values: list[tuple[Any, ...]], folder: Path, run: int) -> float:
    """Insert already-parsed values with sqlite3.executemany in one transaction."""
    connection = sqlite3.connect(folder / f"floor-{run}.sqlite3")
    try:
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = NORMAL")
        connection.executescript(FLOOR_SCHEMA)
        connection.commit()
        start = now()
        with connection:
            connection.executemany(
                "INSERT INTO target_prices (portfolio_id, symbol, position_type, "
                "target_eoy, target_next_year, downside, current_price) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                values,
            )
        return now() - start
    finally:
        connection.close()


def _floor_values(targets: list[TargetPrice]) -> list[tuple[Any, ...]]:
    def text(value: Decimal | None) -> str | None:
        return None if value is None else str(value)

    return [
        (
            1,
            t.symbol,
            t.position_type.value,
            text(t.target_eoy),
            text(t.target_next_year),
            text(t.downside),
            text(t.current_price),
        )
        for t in targets
    ]


async def measure(
    rows: int = ROWS, naive_rows: int = NAIVE_ROWS, runs: int = RUNS
) -> dict[str, Any]:
    """Run targetdesk, naive and floor imports; return the figures."""
    with tempfile.TemporaryDirectory(prefix="bench-import-") as name:
        folder = Path(name)
        source = write_target_file(folder / "targets.csv", rows)
        ours = [await _targetdesk_once(source, folder, run) for run in range(runs)]
        targets = read_import_file(source).target_prices()
        values = _floor_values(targets)
        floors = [_floor_once(values, folder, run) for run in range(runs)]
        naive_s = await _naive_once(source, folder, naive_rows)

    parse_s = median([r["parse_s"] for r in ours])
    write_s = median([r["write_s"] for r in ours])
    total_s = median([r["total_s"] for r in ours])
    floor_s = median(floors)
    naive_per_row = naive_s / naive_rows
    naive_scaled = naive_per_row * rows
    speedup = naive_scaled / total_s
    floor_ratio = total_s / floor_s
    return {
        "rows": rows,
        "runs": runs,
        "targetdesk": {
            "total_s": total_s,
            "parse_validate_s": parse_s,
            "write_s": write_s,
            "rows_per_s": rows / total_s,
            "all_runs": ours,
        },
        "naive": {
            "rows_measured": naive_rows,
            "measured_s": naive_s,
            "per_row_ms": naive_per_row * 1000,
            "scaled_s": naive_scaled,
        },
        "floor": {"write_s": floor_s, "all_runs": floors},
        "speedup_vs_naive": speedup,
        "ratio_vs_floor": floor_ratio,
        "write_ratio_vs_floor": write_s / floor_s,
        "targets": {"speedup_vs_naive": SPEEDUP_TARGET, "ratio_vs_floor": FLOOR_TARGET},
        "met": {
            "speedup_vs_naive": speedup >= SPEEDUP_TARGET,
            "ratio_vs_floor": floor_ratio <= FLOOR_TARGET,
        },
    }


def report(result: dict[str, Any]) -> None:
    """Print the import figures."""
    ours = result["targetdesk"]
    naive = result["naive"]
    print_rows(
        f"Import of {result['rows']:,} target rows (median of {result['runs']} runs)",
        [
            (
                "targetdesk total",
                f"{ours['total_s']:.2f} s ({ours['rows_per_s']:,.0f} rows/s)",
            ),
            ("  parse + validate", f"{ours['parse_validate_s']:.2f} s"),
            ("  write", f"{ours['write_s']:.2f} s"),
            (
                "naive (scaled)",
                f"{naive['scaled_s']:.1f} s from {naive['rows_measured']:,} rows "
                f"in {naive['measured_s']:.2f} s ({naive['per_row_ms']:.2f} ms/row)",
            ),
            ("floor write", f"{result['floor']['write_s']:.3f} s"),
            ("speedup vs naive", f"{result['speedup_vs_naive']:.1f}× (target ≥ 20×)"),
            ("total vs floor", f"{result['ratio_vs_floor']:.1f}× (target ≤ 3×)"),
            ("write vs floor", f"{result['write_ratio_vs_floor']:.1f}×"),
        ],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--runs", type=int, default=RUNS)
    args = parser.parse_args()
    result = asyncio.run(measure(args.rows, min(NAIVE_ROWS, args.rows), args.runs))
    save_result("import", result)
    report(result)


if __name__ == "__main__":
    main()
