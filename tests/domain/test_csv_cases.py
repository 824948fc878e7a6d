"""Files that broke other importers, each with variants of its fault."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from domain.csvfile.decoding import decode_bytes
from domain.imports import (
    FileKind,
    ImportFileError,
    ImportReport,
    Severity,
    TargetRow,
    parse_import_bytes,
    read_import_file,
)
from domain.models import PositionType

CASES = Path(__file__).resolve().parent.parent / "data" / "cases"
HEADER = "symbol,position_type,target_eoy,target_next_year,downside,current_price"


def _target(report: ImportReport, symbol: str, kind: str = "LONG") -> TargetRow:
    matches = [
        row
        for row in report.targets
        if row.target.symbol == symbol and row.target.position_type == kind
    ]
    assert len(matches) == 1, f"{symbol} {kind}: {matches}"
    return matches[0]


# utf8_bom_crlf.csv


def test_bom_crlf_first_column_name() -> None:
    data = (CASES / "utf8_bom_crlf.csv").read_bytes() + b"SHO{,LONG,1,2,3,4\r\n"
    report = parse_import_bytes(data, "utf8_bom_crlf.csv")
    assert report.encoding == "utf-8-sig"
    assert report.kind is FileKind.TARGETS
    assert report.errors[0].line == 4
    assert report.errors[0].column == "symbol"


def test_bom_crlf_no_issues() -> None:
    report = read_import_file(CASES / "utf8_bom_crlf.csv")
    assert report.issues == []


def test_bom_crlf_rows_imported() -> None:
    report = read_import_file(CASES / "utf8_bom_crlf.csv")
    msft = _target(report, "MSFT", "LONG").target
    nvda = _target(report, "NVDA", "SHORT").target
    assert report.accepted == 2
    assert msft.current_price == Decimal("415.28")
    assert nvda.current_price == Decimal("875.28")
    assert nvda.position_type is PositionType.SHORT


def test_bom_header_cell_without_mark() -> None:
    data = ("\ufeffSymbol;Position_Type;Target_EOY\r\nAAPL;;200\r\n").encode()
    report = parse_import_bytes(data, "bom.csv")
    assert report.delimiter == ";"
    assert report.targets[0].target.symbol == "AAPL"
    assert report.ignored_columns == []


def test_bom_only_file_rejected() -> None:
    with pytest.raises(ImportFileError) as caught:
        parse_import_bytes(b"\xef\xbb\xbf", "bom_only.csv")
    assert caught.value.title == "no data rows"


def test_header_only_file_rejected() -> None:
    data = b"\xef\xbb\xbf" + HEADER.encode() + b"\r\n"
    with pytest.raises(ImportFileError) as caught:
        parse_import_bytes(data, "header_only.csv")
    assert caught.value.title == "no data rows"
    assert caught.value.lines == (1,)


def test_header_with_blank_lines_rejected() -> None:
    data = (HEADER + "\r\n\r\n,,,,,\r\n# nothing yet\r\n").encode()
    with pytest.raises(ImportFileError) as caught:
        parse_import_bytes(data, "blank.csv")
    assert caught.value.title == "no data rows"


def test_empty_file_rejected() -> None:
    with pytest.raises(ImportFileError) as caught:
        parse_import_bytes(b"", "empty.csv")
    assert caught.value.title == "no data rows"


def test_utf16_bom_tab_file() -> None:
    text = HEADER.replace(",", "\t") + "\r\nMSFT\tLONG\t450\t500\t380\t415.28\r\n"
    report = parse_import_bytes(text.encode("utf-16"), "utf16.csv")
    assert report.encoding in ("utf-16-le", "utf-16-be")
    assert report.delimiter == "\t"
    assert _target(report, "MSFT").target.current_price == Decimal("415.28")


def test_utf16_without_bom_detected() -> None:
    text = HEADER + "\nTSLA,SHORT,150,140,210,175.22\n"
    report = parse_import_bytes(text.encode("utf-16-le"), "utf16le.csv")
    assert report.encoding == "utf-16-le"
    assert _target(report, "TSLA", "SHORT").target.downside == Decimal("210")


def test_utf8_bom_then_invalid_bytes() -> None:
    data = b"\xef\xbb\xbf" + HEADER.encode() + b"\nAAPL,LONG,1,2,3,\xff\n"
    with pytest.raises(ImportFileError) as caught:
        parse_import_bytes(data, "bad_utf8.csv")
    assert caught.value.title == "cannot decode file"


# european_cp1252_semicolon.csv


def test_european_decoded_as_cp1252() -> None:
    data = (CASES / "european_cp1252_semicolon.csv").read_bytes()
    text, encoding = decode_bytes(data, "european.csv")
    assert encoding == "cp1252"
    assert "Nestlé S.A. (ADR)" in text
    assert "Société Générale (ADR)" in text
    assert "Währung €" in text
    assert "\ufffd" not in text


def test_european_header_and_dialect() -> None:
    report = read_import_file(CASES / "european_cp1252_semicolon.csv")
    assert report.header_line == 3
    assert report.delimiter == ";"
    assert report.decimal_mark == ","
    assert report.ignored_columns == ["name"]
    assert report.skipped_lines == [1, 2]


def test_european_values_exact() -> None:
    report = read_import_file(CASES / "european_cp1252_semicolon.csv")
    bkng = _target(report, "BKNG").target
    assert bkng.current_price == Decimal("3612.75")
    assert bkng.target_eoy == Decimal("4000.00")
    assert _target(report, "SCGLY", "SHORT").target.current_price == Decimal("5.02")
    assert _target(report, "MSFT").target.downside == Decimal("380.00")
    assert report.accepted == 4
    assert report.issues == []


def test_european_mixed_styles_rejected() -> None:
    text = (
        "symbol;position_type;target_eoy\nAAPL;LONG;1.5\nMSFT;LONG;2\nNVDA;LONG;1,5\n"
    )
    with pytest.raises(ImportFileError) as caught:
        parse_import_bytes(text.encode("cp1252"), "mixed.csv")
    assert caught.value.title == "mixed decimal styles"
    assert caught.value.lines == (2, 4)
    assert "line 2" in caught.value.detail
    assert "line 4" in caught.value.detail


def test_mixed_styles_with_thousands() -> None:
    text = (
        HEADER + '\nAAPL,LONG,"1,234.50",,,\nMSFT,LONG,"4.000,00",,,\n'
        "NVDA,LONG,100,,,\n"
    )
    with pytest.raises(ImportFileError) as caught:
        parse_import_bytes(text.encode(), "mixed_thousands.csv")
    assert caught.value.lines == (2, 3)


def test_european_pipe_variant() -> None:
    text = (
        "Export vom 15.03.2024\n"
        "Ticker|Position Type|Target|Downside|Last Price\n"
        "SAP|LONG|210,50|150|1.180,25\n"
        "ASML|LONG|1.050,00|700,00|912,40\n"
    )
    report = parse_import_bytes(text.encode("cp1252"), "pipe.csv")
    assert report.delimiter == "|"
    assert report.header_line == 2
    assert _target(report, "SAP").target.current_price == Decimal("1180.25")
    assert _target(report, "ASML").target.target_eoy == Decimal("1050.00")


def test_semicolon_ambiguous_reads_comma() -> None:
    text = "symbol;position_type;target_eoy\nBKNG;LONG;4.000\nAAPL;LONG;200\n"
    report = parse_import_bytes(text.encode(), "ambiguous.csv")
    warnings = report.warnings
    assert report.decimal_mark == ","
    assert _target(report, "BKNG").target.target_eoy == Decimal("4000")
    assert len(warnings) == 1
    assert warnings[0].line == 2


# broker_dollar_footer.csv


def test_broker_counts() -> None:
    report = read_import_file(CASES / "broker_dollar_footer.csv")
    assert report.accepted == 3
    assert report.rejected_lines == {5}
    assert report.data_rows == 4


def test_broker_dollar_thousands() -> None:
    report = read_import_file(CASES / "broker_dollar_footer.csv")
    bkng = _target(report, "BKNG").target
    assert bkng.target_eoy == Decimal("4000.00")
    assert bkng.current_price == Decimal("3612.75")


def test_broker_dashes_missing_warning() -> None:
    report = read_import_file(CASES / "broker_dollar_footer.csv")
    tsla = _target(report, "TSLA", "SHORT").target
    warnings = [issue for issue in report.warnings if issue.line == 4]
    assert tsla.target_next_year is None
    assert len(warnings) == 1
    assert warnings[0].column == "target_next_year"
    assert warnings[0].value == "--"


def test_broker_accounting_negative_rejected() -> None:
    report = read_import_file(CASES / "broker_dollar_footer.csv")
    errors = report.errors
    assert len(errors) == 1
    assert errors[0].line == 5
    assert errors[0].column == "downside"
    assert errors[0].value == "$(700.00)"
    assert "downside must be greater than 0" in errors[0].reason


def test_broker_footer_skipped_silently() -> None:
    report = read_import_file(CASES / "broker_dollar_footer.csv")
    lines_with_issues = {issue.line for issue in report.issues}
    assert report.skipped_lines == [6, 7, 8, 9, 10, 11, 12]
    assert lines_with_issues == {4, 5}


def test_broker_totals_and_fault_moved() -> None:
    text = (
        "Positions for account XXXX-1234 as of 03/15/2024\n"
        "\n"
        "Ticker,Side,Target Price,Next Year Target,Downside,Last Price,% of Account\n"
        'AMZN,LONG,$210.00,"$1,250.00",--,$178.10,12.5%\n'
        "GOOGL,LONG,$(10.00),$190.00,$120.00,$141.80,8%\n"
        'COST,SHORT,$700.00,N/A,$800.00,"$1,712.00",3%\n'
        'Account Total,,,,,"$2,031.90",100%\n'
        '"Brokerage services are provided by Example Securities, LLC."\n'
    )
    report = parse_import_bytes(text.encode("cp1252"), "broker2.csv")
    assert report.header_line == 3
    assert report.ignored_columns == ["% of Account"]
    assert report.accepted == 2
    assert report.rejected_lines == {5}
    assert _target(report, "AMZN").target.target_next_year == Decimal("1250.00")
    assert _target(report, "COST", "SHORT").target.current_price == Decimal("1712.00")
    assert report.skipped_lines == [1, 2, 7, 8]


# renames_and_typos.csv


def test_typos_bad_symbol_rejected() -> None:
    report = read_import_file(CASES / "renames_and_typos.csv")
    errors = report.errors
    assert len(errors) == 1
    assert errors[0].line == 4
    assert errors[0].column == "symbol"
    assert errors[0].value == "SHO{"


def test_typos_other_rows_imported() -> None:
    report = read_import_file(CASES / "renames_and_typos.csv")
    symbols = [row.target.symbol for row in report.targets]
    assert symbols == ["FB", "ZOOM", "AAPL"]


@pytest.mark.parametrize("bad", ["SHO{", "AA PL X", "MS$FT", "NVDA!", "ÄPPL", "A\tB"])
def test_typos_variants_rejected(bad: str) -> None:
    text = f'{HEADER}\nAAPL,LONG,210,,,\n"{bad}",LONG,80,95,50,65\nMSFT,LONG,450,,,\n'
    report = parse_import_bytes(text.encode("utf-8"), "typos.csv")
    assert report.rejected_lines == {3}
    assert report.accepted == 2


# duplicates.csv


def test_duplicates_identical_merged() -> None:
    report = read_import_file(CASES / "duplicates.csv")
    warnings = {issue.line: issue for issue in report.warnings}
    assert _target(report, "AAPL").line == 2
    assert "line 2" in warnings[4].reason
    assert "line 6" in warnings[7].reason


def test_duplicates_conflict_blocks_key() -> None:
    report = read_import_file(CASES / "duplicates.csv")
    errors = {issue.line: issue for issue in report.errors}
    msft = [row for row in report.targets if row.target.symbol == "MSFT"]
    assert msft == []
    assert set(errors) == {3, 5}
    assert "conflicts with line 5" in errors[3].reason
    assert "conflicts with line 3" in errors[5].reason
    assert report.blocked_keys == {("MSFT", PositionType.LONG): (3, 5)}


def test_duplicates_share_class_merged() -> None:
    report = read_import_file(CASES / "duplicates.csv")
    brk = [row for row in report.targets if row.target.symbol == "BRK.B"]
    assert [row.line for row in brk] == [6]


def test_duplicates_long_and_short_kept() -> None:
    report = read_import_file(CASES / "duplicates.csv")
    assert _target(report, "AAPL", "SHORT").line == 8
    assert report.accepted == 3


def test_duplicates_three_way_conflict() -> None:
    text = (
        f"{HEADER}\nNVDA,LONG,900,,,\nNVDA,long,900.00,,,\nNVDA,,950,,,\n"
        "BRK/B,LONG,1,,,\nBRK B,LONG,1,,,\n"
    )
    report = parse_import_bytes(text.encode(), "three.csv")
    errors = {issue.line: issue.reason for issue in report.errors}
    assert set(errors) == {2, 3, 4}
    assert "conflicts with line 4" in errors[2]
    assert "conflicts with lines 2 and 3" in errors[4]
    assert report.blocked_keys == {("NVDA", PositionType.LONG): (2, 3, 4)}
    assert _target(report, "BRK.B").line == 5


def test_duplicates_issue_string_format() -> None:
    report = read_import_file(CASES / "broker_dollar_footer.csv")
    text = str(report.errors[0])
    assert text.startswith(f"{CASES / 'broker_dollar_footer.csv'}:5: downside=")
    assert "'$(700.00)'" in text


def test_issue_severity_values() -> None:
    report = read_import_file(CASES / "duplicates.csv")
    severities = {issue.severity for issue in report.issues}
    assert severities == {Severity.ERROR, Severity.WARNING}
