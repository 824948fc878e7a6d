"""Target files: the sample file, position types and a large clean file."""

from __future__ import annotations

import time
from decimal import Decimal
from pathlib import Path

import pytest

from domain.imports import FileKind, parse_import_bytes, read_import_file
from domain.models import PositionType, TargetPrice

TARGETS = Path(__file__).resolve().parent.parent / "data" / "targets"
HEADER = "symbol,position_type,target_eoy,target_next_year,downside,current_price"


def test_sample_file_thirty_five() -> None:
    report = read_import_file(TARGETS / "target_prices_35.csv")
    assert report.kind is FileKind.TARGETS
    assert report.accepted == 35
    assert report.issues == []


def test_sample_file_zm_exact() -> None:
    report = read_import_file(TARGETS / "target_prices_35.csv")
    zm = next(row for row in report.targets if row.target.symbol == "ZM")
    expected = TargetPrice(
        symbol="ZM",
        position_type=PositionType.LONG,
        target_eoy=Decimal("96.62"),
        target_next_year=Decimal("111.12"),
        downside=Decimal("65.00"),
        current_price=Decimal("80.00"),
    )
    assert zm.target == expected
    assert zm.line == 36
    assert str(zm.target.downside) == "65.00"


def test_sample_file_share_class_dot() -> None:
    report = read_import_file(TARGETS / "target_prices_35.csv")
    symbols = {row.target.symbol for row in report.targets}
    assert "BRK.B" in symbols
    assert "BRK-B" not in symbols


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", PositionType.LONG),
        ("long", PositionType.LONG),
        ("Short", PositionType.SHORT),
        ("lc", PositionType.LC),
        ("LP", PositionType.LP),
        (" sc ", PositionType.SC),
        ("SP", PositionType.SP),
        ("Long Call", PositionType.LC),
        ("short_put", PositionType.SP),
    ],
)
def test_position_type_spellings(text: str, expected: PositionType) -> None:
    data = f"{HEADER}\nAAPL,{text},210,,,190\n".encode()
    report = parse_import_bytes(data, "t.csv")
    assert report.targets[0].target.position_type is expected


def test_position_type_unknown_rejected() -> None:
    data = f"{HEADER}\nAAPL,BUY,210,,,190\n".encode()
    report = parse_import_bytes(data, "t.csv")
    assert report.rejected_lines == {2}
    assert report.errors[0].column == "position_type"
    assert "LONG, SHORT, LC, LP, SC or SP" in report.errors[0].reason


@pytest.mark.parametrize("column", [2, 3, 4, 5])
def test_zero_value_rejected(column: int) -> None:
    cells = ["AAPL", "LONG", "210", "230", "160", "190"]
    cells[column] = "0.00"
    data = f"{HEADER}\n{','.join(cells)}\n".encode()
    report = parse_import_bytes(data, "t.csv")
    assert report.rejected_lines == {2}
    assert "must be greater than 0" in report.errors[0].reason


def test_all_cell_errors_listed() -> None:
    data = f"{HEADER}\nSHO{{,BUY,abc,-1,0,12%\n".encode()
    report = parse_import_bytes(data, "t.csv")
    columns = [issue.column for issue in report.errors]
    assert columns == [
        "symbol",
        "position_type",
        "target_eoy",
        "target_next_year",
        "downside",
        "current_price",
    ]


def test_symbol_cleanup_applied() -> None:
    data = (
        f"{HEADER}\n brk/b ,LONG,1,,,\n\u200bmsft,LONG,1,,,\nBF–B,LONG,1,,,\n".encode()
    )
    report = parse_import_bytes(data, "t.csv")
    symbols = [row.target.symbol for row in report.targets]
    assert symbols == ["BRK.B", "MSFT", "BF.B"]


def test_option_target_symbol_kept() -> None:
    data = f"{HEADER}\nSPY_C450_20240315,LC,12.5,,,5.50\n".encode()
    report = parse_import_bytes(data, "t.csv")
    assert report.targets[0].target.symbol == "SPY_C450_20240315"
    assert report.targets[0].target.position_type is PositionType.LC


def test_large_clean_file() -> None:
    rows = [
        f"S{number:05d},{('LONG', 'SHORT')[number % 2]},{number % 900 + 10}.25,"
        f"{number % 900 + 20}.50,{number % 900 + 5}.75,{number % 900 + 12}.01"
        for number in range(100_000)
    ]
    data = ("\n".join([HEADER, *rows]) + "\n").encode()
    started = time.perf_counter()
    report = parse_import_bytes(data, "large.csv")
    elapsed = time.perf_counter() - started
    assert report.accepted == 100_000
    assert report.issues == []
    assert report.targets[-1].line == 100_001
    assert report.targets[-1].target.current_price == Decimal("111.01")
    # A loose bound that catches a quadratic slowdown, not a benchmark.
    assert elapsed < 10


@pytest.mark.parametrize("bad", ["12..5", "12.5.1"])
def test_malformed_number_rejects_one_cell(bad: str) -> None:
    data = (
        "symbol,position_type,target_eoy,target_next_year,downside,current_price\n"
        "AAPL,LONG,250.5,260,150,200\n"
        f"MSFT,LONG,500,{bad},300,400\n"
    ).encode()
    report = parse_import_bytes(data, "t.csv")
    assert [row.target.symbol for row in report.targets] == ["AAPL"]
    assert len(report.errors) == 1
    issue = report.errors[0]
    assert issue.line == 3
    assert issue.column == "target_next_year"
    assert issue.value == bad
