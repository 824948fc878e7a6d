"""Error-log groups: counts, merging with stored entries, filters, export."""

from __future__ import annotations

import csv
import io
import json

from tui_helpers import NOW, at

from domain.events import ErrorLogged
from storage.market import ErrorEntry
from tui.state.errors import ErrorLog


def logged(count: int, symbol: str, provider: str = "fmp") -> ErrorLogged:
    return ErrorLogged(
        at=at(count),
        provider=provider,
        kind="rate_limited",
        message="FMP answered 429: wait for the pause to end",
        symbols=(symbol,),
        count=count,
    )


def entry(run_id: str, count: int, kind: str = "rate_limited") -> ErrorEntry:
    return ErrorEntry(
        id=1,
        run_id=run_id,
        first_at=NOW,
        last_at=NOW,
        provider="fmp",
        kind=kind,
        message="FMP answered 429: wait for the pause to end",
        symbols=("AAPL",),
        count=count,
    )


def test_running_counts_group_once() -> None:
    log = ErrorLog()
    for count, symbol in enumerate(["A", "B", "C", "D", "E"], start=1):
        log.apply_logged("run", logged(count, symbol))
    groups = log.visible()
    assert len(groups) == 1
    assert groups[0].count == 5
    assert groups[0].symbols == ("A", "B", "C", "D", "E")


def test_constant_counts_still_add() -> None:
    log = ErrorLog()
    for symbol in ["A", "B", "C"]:
        log.apply_logged("run", logged(1, symbol))
    assert log.visible()[0].count == 3


def test_stored_runs_add_up() -> None:
    log = ErrorLog()
    log.load([entry("r1", 2), entry("r2", 3)])
    log.apply_logged("live", logged(1, "MSFT"))
    group = log.visible()[0]
    assert group.count == 6
    assert group.symbols == ("AAPL", "MSFT")


def test_provider_filter_cycles_to_all() -> None:
    log = ErrorLog()
    log.apply_logged("run", logged(1, "A", provider="fmp"))
    log.apply_logged("run", logged(1, "B", provider="polygon"))
    assert log.cycle_provider_filter() == "fmp"
    assert [g.provider for g in log.visible()] == ["fmp"]
    assert log.cycle_provider_filter() == "polygon"
    assert log.cycle_provider_filter() is None
    assert len(log.visible()) == 2


def test_kind_filter_selects_kind() -> None:
    log = ErrorLog()
    log.load([entry("r1", 1, kind="rate_limited"), entry("r1", 1, kind="no_quote")])
    assert log.cycle_kind_filter() == "no_quote"
    assert [g.kind for g in log.visible()] == ["no_quote"]


def test_newest_group_first() -> None:
    log = ErrorLog()
    log.add(run="r", provider="fmp", kind="a", message="old", symbols=(), at=NOW)
    log.add(run="r", provider="fmp", kind="b", message="new", symbols=(), at=at(60))
    assert [g.message for g in log.visible()] == ["new", "old"]


def test_csv_export_has_columns() -> None:
    log = ErrorLog()
    log.apply_logged("run", logged(1, "AAPL"))
    log.apply_logged("run", logged(2, "MSFT"))
    rows = list(csv.DictReader(io.StringIO(log.export_csv())))
    assert len(rows) == 1
    assert rows[0]["count"] == "2"
    assert rows[0]["symbols"] == "AAPL MSFT"
    assert rows[0]["provider"] == "fmp"


def test_json_export_lists_symbols() -> None:
    log = ErrorLog()
    log.apply_logged("run", logged(1, "AAPL"))
    records = json.loads(log.export_json())
    assert records[0]["symbols"] == ["AAPL"]
    assert records[0]["kind"] == "rate_limited"
