"""`targetdesk import` and `targets` as a script would run them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"
TARGETS_35 = DATA / "targets" / "target_prices_35.csv"


def targetdesk(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", "--db", str(db), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_import_35_rows_then_list_json(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    imported = targetdesk(db, "import", str(TARGETS_35), "--portfolio", "real")
    assert imported.returncode == 0, imported.stderr
    listed = targetdesk(db, "targets", "--portfolio", "real", "--format", "json")
    rows = json.loads(listed.stdout)
    assert len(rows) == 35
    zm = next(r for r in rows if r["symbol"] == "ZM")
    assert zm["expected_return_eoy"] == 20.775
    assert zm["expected_return_next_year"] == 38.9
    assert zm["downside_return"] == -18.75
    assert zm["price_source"] == "user"


def test_second_import_leaves_json_identical(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    targetdesk(db, "import", str(TARGETS_35), "--portfolio", "real")
    first = targetdesk(db, "targets", "--portfolio", "real", "--format", "json").stdout
    again = targetdesk(db, "import", str(TARGETS_35), "--portfolio", "real")
    second = targetdesk(db, "targets", "--portfolio", "real", "--format", "json").stdout
    assert again.returncode == 0
    assert "35 unchanged" in again.stdout
    assert first == second


def test_bad_row_names_line_column_value(tmp_path: Path) -> None:
    lines = TARGETS_35.read_text().splitlines()
    lines[6] = "C,LONG,abc,125.87,80.00,95.00"  # line 7 of the file
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(lines) + "\n")
    db = tmp_path / "t.db"
    result = targetdesk(db, "import", str(bad), "--portfolio", "real")
    assert result.returncode == 1
    assert "bad.csv:7" in result.stdout
    assert "target_eoy" in result.stdout
    assert "'abc'" in result.stdout
    listed = json.loads(targetdesk(db, "targets", "--format", "json").stdout)
    assert len(listed) == 34


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    result = targetdesk(
        db, "import", str(TARGETS_35), "--portfolio", "real", "--dry-run"
    )
    assert result.returncode == 0
    assert "dry run" in result.stdout
    assert not db.exists()


def test_dry_run_leaves_existing_database_alone(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    targetdesk(db, "db", "upgrade")
    targetdesk(db, "import", str(TARGETS_35), "--portfolio", "real", "--dry-run")
    assert json.loads(targetdesk(db, "targets", "--format", "json").stdout) == []


def test_listing_missing_database_fails(tmp_path: Path) -> None:
    db = tmp_path / "nowhere" / "t.db"
    result = targetdesk(db, "targets")
    assert result.returncode == 2
    assert "does not exist" in result.stderr
    assert not db.parent.exists()


def test_all_rows_rejected_creates_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "symbol,position_type,target_eoy,target_next_year,downside,current_price\n"
        "SHO{,LONG,1,2,3,4\n"
    )
    db = tmp_path / "t.db"
    targetdesk(db, "db", "upgrade")
    result = targetdesk(db, "import", str(bad), "--portfolio", "p")
    assert result.returncode == 1
    assert "every row" in result.stderr
    summary = targetdesk(db, "summary", "--portfolio", "p")
    assert summary.returncode == 2
    assert "not found" in summary.stderr


def test_unreadable_file_exits_2(tmp_path: Path) -> None:
    result = targetdesk(
        tmp_path / "t.db", "import", str(tmp_path / "missing.csv"), "--portfolio", "p"
    )
    assert result.returncode == 2
    assert "missing.csv" in result.stderr


def test_header_only_file_has_no_data_rows(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(
        b"\xef\xbb\xbfsymbol,position_type,target_eoy,target_next_year,downside,current_price\r\n"
    )
    result = targetdesk(tmp_path / "t.db", "import", str(empty), "--portfolio", "p")
    assert result.returncode == 2
    assert "no data rows" in result.stderr


def test_short_target_returns_have_opposite_sign(tmp_path: Path) -> None:
    pair = tmp_path / "pair.csv"
    pair.write_text(
        "symbol,position_type,target_eoy,target_next_year,downside,current_price\n"
        "ZM,LONG,96.62,,65.00,80.00\n"
        "ZM,SHORT,96.62,,65.00,80.00\n"
    )
    db = tmp_path / "t.db"
    targetdesk(db, "import", str(pair), "--portfolio", "p")
    rows = json.loads(targetdesk(db, "targets", "--format", "json").stdout)
    by_type = {r["position_type"]: r for r in rows}
    assert (
        by_type["SHORT"]["expected_return_eoy"]
        == -by_type["LONG"]["expected_return_eoy"]
    )
    assert by_type["LONG"]["expected_return_next_year"] is None
    assert by_type["SHORT"]["expected_return_next_year"] is None


def test_summary_json_counts_targets(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    targetdesk(db, "import", str(TARGETS_35), "--portfolio", "real")
    summary = json.loads(
        targetdesk(db, "summary", "--portfolio", "real", "--format", "json").stdout
    )
    assert summary["targets"] == 35
    assert summary["positions"] == 0
    assert summary["coverage_pct"] is None


def test_blank_portfolio_name_rejected(tmp_path: Path) -> None:
    result = targetdesk(
        tmp_path / "t.db", "import", str(TARGETS_35), "--portfolio", " "
    )
    assert result.returncode == 2
    assert "portfolio name is empty" in result.stderr


def test_file_that_is_not_a_database(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.db"
    bogus.write_text("not sqlite\n")
    result = targetdesk(bogus, "targets")
    assert result.returncode == 2
    assert "file is not a database" in result.stderr
    assert "Traceback" not in result.stderr


def test_json_and_csv_keep_exact_decimals(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    source = tmp_path / "long.csv"
    source.write_text(
        "symbol,position_type,target_eoy,target_next_year,downside,current_price\n"
        "AAPL,LONG,12345678901.1234567891,250.10,150,200.125\n",
        encoding="utf-8",
    )
    assert targetdesk(db, "import", str(source), "--portfolio", "p").returncode == 0
    listed = targetdesk(db, "targets", "--portfolio", "p", "--format", "json")
    assert '"target_eoy": 12345678901.1234567891,' in listed.stdout
    assert '"target_next_year": 250.10,' in listed.stdout
    row = json.loads(listed.stdout, parse_float=str)[0]
    assert row["current_price"] == "200.125"
    assert row["downside"] == 150
    table = targetdesk(db, "targets", "--portfolio", "p", "--format", "csv")
    assert "12345678901.1234567891" in table.stdout
