"""Position files: templates, options in both formats, broker exports."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from domain.imports import (
    FileKind,
    ImportReport,
    PositionRow,
    parse_import_bytes,
    read_import_file,
)
from domain.models import InvestmentClass, PositionType

POSITIONS = Path(__file__).resolve().parent.parent / "data" / "positions"
HEADER = (
    "Symbol,Quantity,Entry Price Per Share,Entry Date,Investment Class,"
    "Investment Subtype,Underlying Symbol,Strike Price,Expiration Date,"
    "Option Type,Exit Date,Exit Price Per Share"
)


def _row(report: ImportReport, symbol: str) -> PositionRow:
    matches = [row for row in report.positions if row.position.symbol == symbol]
    assert len(matches) == 1, f"{symbol}: {matches}"
    return matches[0]


def _parse(*rows: str, header: str = HEADER) -> ImportReport:
    return parse_import_bytes("\n".join([header, *rows, ""]).encode(), "p.csv")


def test_small_file_three_positions() -> None:
    report = read_import_file(POSITIONS / "small.csv")
    assert report.kind is FileKind.POSITIONS
    assert [row.position.symbol for row in report.positions] == ["TSLA", "DIS", "COST"]
    assert report.issues == []


def test_small_file_values() -> None:
    position = _row(read_import_file(POSITIONS / "small.csv"), "COST").position
    assert position.quantity == Decimal("15")
    assert position.entry_price == Decimal("720.00")
    assert position.entry_date == dt.date(2024, 7, 1)
    assert position.investment_subtype == "STOCK"
    assert position.position_type is PositionType.LONG


def test_tech_file_seventeen_positions() -> None:
    report = read_import_file(POSITIONS / "tech_focused.csv")
    assert report.accepted == 17
    assert report.issues == []
    assert _row(report, "MELI").position.entry_price == Decimal("1685.30")


def test_template_imports_all_fourteen() -> None:
    report = read_import_file(POSITIONS / "template_with_comments_and_options.csv")
    assert report.header_line == 25
    assert report.data_rows == 14
    assert report.accepted == 14
    assert report.errors == []


def test_template_comment_lines_skipped() -> None:
    report = read_import_file(POSITIONS / "template_with_comments_and_options.csv")
    comments = [line for line in report.skipped_lines if line < 25]
    assert len(comments) == 24


def test_template_short_row_realigned() -> None:
    report = read_import_file(POSITIONS / "template_with_comments_and_options.csv")
    closed = next(row for row in report.positions if row.line == 43).position
    warnings = [issue for issue in report.warnings if issue.line == 43]
    assert closed.exit_date == dt.date(2024, 1, 15)
    assert closed.exit_price == Decimal("215.00")
    assert len(warnings) == 1
    assert "11 fields" in warnings[0].reason


def test_template_format_a_options() -> None:
    report = read_import_file(POSITIONS / "template_with_comments_and_options.csv")
    call = _row(report, "SPY_C450_20240315").position
    put = _row(report, "AAPL_P160_20240315").position
    assert call.position_type is PositionType.LC
    assert call.investment_class is InvestmentClass.OPTIONS
    assert call.underlying == "SPY"
    assert call.strike == Decimal("450.00")
    assert call.expiry == dt.date(2024, 3, 15)
    assert put.position_type is PositionType.LP


def test_template_format_b_options() -> None:
    report = read_import_file(POSITIONS / "template_with_comments_and_options.csv")
    call = _row(report, "DIA_C395_20240816")
    put = _row(report, "TSLA_P250_20240816")
    assert call.line == 37
    assert call.position.position_type is PositionType.LC
    assert put.position.position_type is PositionType.SP
    assert put.position.quantity == Decimal("-5")


def test_template_descriptive_and_cash() -> None:
    report = read_import_file(POSITIONS / "template_with_comments_and_options.csv")
    bond = _row(report, "CORP_BOND_2025").position
    cash = _row(report, "SPAXX").position
    fund = _row(report, "PRIVATE_FUND_A").position
    assert bond.investment_subtype == "BOND"
    assert cash.quantity == Decimal("10000")
    assert fund.investment_class is InvestmentClass.PRIVATE


def test_template_short_stock() -> None:
    report = read_import_file(POSITIONS / "template_with_comments_and_options.csv")
    shop = _row(report, "SHOP").position
    assert shop.position_type is PositionType.SHORT
    assert shop.quantity == Decimal("-25")


@pytest.mark.parametrize(
    ("quantity", "right", "expected"),
    [
        ("3", "CALL", PositionType.LC),
        ("-3", "call", PositionType.SC),
        ("3", "P", PositionType.LP),
        ("-3", "Put", PositionType.SP),
    ],
)
def test_option_position_types(
    quantity: str, right: str, expected: PositionType
) -> None:
    report = _parse(f",{quantity},2.50,2024-02-01,,,QQQ,400,2024-06-21,{right},,")
    assert report.positions[0].position.position_type is expected
    assert report.positions[0].position.symbol.startswith("QQQ_")


def test_format_b_missing_strike_rejected() -> None:
    report = _parse(",10,8.75,2024-02-01,OPTIONS,,DIA,,2024-08-16,CALL,,")
    errors = report.errors
    assert report.accepted == 0
    assert len(errors) == 1
    assert errors[0].column == "Strike Price"


def test_format_b_fractional_strike_symbol() -> None:
    report = _parse(",1,1.10,2024-02-01,,,F,12.50,2024-08-16,PUT,,")
    assert report.positions[0].position.symbol == "F_P12.5_20240816"


def test_format_a_fills_missing_columns() -> None:
    report = _parse("NVDA_C1000_20241220,2,45.00,2024-03-01,OPTIONS,,,,,,,")
    position = report.positions[0].position
    assert position.underlying == "NVDA"
    assert position.strike == Decimal("1000")
    assert position.expiry == dt.date(2024, 12, 20)
    assert position.position_type is PositionType.LC


def test_format_a_mismatch_rejected() -> None:
    report = _parse(
        "SPY_C450_20240315,10,5.50,2024-02-01,OPTIONS,,SPY,455,2024-03-15,CALL,,"
    )
    assert report.rejected_lines == {2}
    assert report.errors[0].column == "Strike Price"


def test_occ_symbol_understood() -> None:
    report = _parse("SPY   240315C00450000,1,5.50,2024-02-01,,,,,,,,")
    position = report.positions[0].position
    assert position.symbol == "SPY_C450_20240315"
    assert position.strike == Decimal("450")


def test_option_without_type_rejected() -> None:
    report = _parse("MYOPTION,1,2.00,2024-02-01,OPTIONS,,,,,,,")
    assert report.rejected_lines == {2}
    assert report.errors[0].column == "Option Type"


def test_public_class_with_option_columns() -> None:
    report = _parse("AAPL,1,2.00,2024-02-01,PUBLIC,,AAPL,150,2024-06-21,CALL,,")
    assert report.rejected_lines == {2}
    assert report.errors[0].column == "Investment Class"


@pytest.mark.parametrize(
    ("row", "column"),
    [
        ("AAPL,,158,2024-01-15,,,,,,,,", "Quantity"),
        ("AAPL,0,158,2024-01-15,,,,,,,,", "Quantity"),
        ("AAPL,ten,158,2024-01-15,,,,,,,,", "Quantity"),
        ("AAPL,10,,2024-01-15,,,,,,,,", "Entry Price Per Share"),
        ("AAPL,10,-158,2024-01-15,,,,,,,,", "Entry Price Per Share"),
        ("AAPL,10,158,,,,,,,,,", "Entry Date"),
        ("AAPL,10,158,2024-02-30,,,,,,,,", "Entry Date"),
        ("AAPL,10,158,2024-01-15,STOCKS,,,,,,,", "Investment Class"),
        ("AAPL,10,158,2024-01-15,,,,,,,2024-02-01,", "Exit Price Per Share"),
        ("AAPL,10,158,2024-01-15,,,,,,,,170", "Exit Date"),
        ("AAPL,10,158,2024-01-15,,,,,,,2023-12-01,170", "Exit Date"),
        (",10,158,2024-01-15,,,,,,,,", "Symbol"),
        ("SHO{,10,158,2024-01-15,,,,,,,,", "Symbol"),
    ],
)
def test_position_row_errors(row: str, column: str) -> None:
    report = _parse("MSFT,5,380,2024-01-22,,,,,,,,", row)
    columns = {issue.column for issue in report.errors}
    assert report.rejected_lines == {3}
    assert column in columns
    assert report.accepted == 1


def test_positions_duplicate_lots() -> None:
    report = _parse(
        "AAPL,10,158,2024-01-15,,,,,,,,",
        "aapl,10,158.00,01/15/2024,,,,,,,,",
        "MSFT,5,380,2024-01-22,,,,,,,,",
        "MSFT,6,380,2024-01-22,,,,,,,,",
        "MSFT,6,380,2024-01-23,,,,,,,,",
    )
    key = ("MSFT", PositionType.LONG, dt.date(2024, 1, 22))
    assert [row.line for row in report.positions] == [2, 6]
    assert report.warnings[0].line == 3
    assert report.blocked_keys == {key: (4, 5)}


def test_broker_positions_export() -> None:
    text = (
        "Account Summary - Individual Brokerage\n"
        "\n"
        "Symbol,Description,Qty,Last Price,Cost Basis Per Share,Date Acquired,Type\n"
        "AAPL,APPLE INC,100,$189.84,$158.00,01/15/2024,Cash\n"
        'BRK/B,BERKSHIRE HATHAWAY CL B,"1,200",$410.00,"$1,012.50",03/04/2023,Cash\n'
        "TSLA,TESLA INC,-25,$175.22,$250.00,06/01/2024,Margin\n"
        '"Account Total",,,,"$250,000.00",,\n'
    )
    report = parse_import_bytes(text.encode("cp1252"), "broker_positions.csv")
    brk = _row(report, "BRK.B").position
    assert report.kind is FileKind.POSITIONS
    assert report.accepted == 3
    assert report.ignored_columns == ["Description", "Last Price", "Type"]
    assert brk.quantity == Decimal("1200")
    assert brk.entry_price == Decimal("1012.50")
    assert brk.entry_date == dt.date(2023, 3, 4)
    assert _row(report, "TSLA").position.position_type is PositionType.SHORT
    assert report.warnings == []


def test_european_positions_day_first() -> None:
    text = (
        "Symbol;Stück;Quantity;Entry Price;Entry Date\n"
        "SAP;x;10;180,50;15.03.2024\n"
        "ASML;x;2;1.050,00;04/03/2024\n"
    )
    report = parse_import_bytes(text.encode("cp1252"), "eu.csv")
    assert _row(report, "SAP").position.entry_date == dt.date(2024, 3, 15)
    assert _row(report, "ASML").position.entry_date == dt.date(2024, 3, 4)
    assert _row(report, "ASML").position.entry_price == Decimal("1050.00")
