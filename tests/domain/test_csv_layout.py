"""File structure: encodings, delimiters, header search and lines to skip."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from domain.csvfile.decoding import decode_bytes
from domain.csvfile.header import read_header
from domain.imports import (
    FileKind,
    ImportFileError,
    parse_import_bytes,
    read_import_file,
)

HEADER = "symbol,position_type,target_eoy,target_next_year,downside,current_price"


def _symbols(data: bytes) -> list[str]:
    report = parse_import_bytes(data, "t.csv")
    return [row.target.symbol for row in report.targets]


def test_decode_plain_utf8() -> None:
    assert decode_bytes("Zürich".encode(), "f") == ("Zürich", "utf-8")


def test_decode_cp1252_fallback() -> None:
    assert decode_bytes("Zürich €".encode("cp1252"), "f") == ("Zürich €", "cp1252")


def test_decode_cp1252_undefined_bytes() -> None:
    text, encoding = decode_bytes(b"a\x81b\x9dc\x80", "f")
    assert encoding == "cp1252"
    assert text == "a\x81b\x9dc€"


def test_decode_utf32_bom() -> None:
    text, encoding = decode_bytes("A,B\n".encode("utf-32"), "f")
    assert text == "A,B\n"
    assert encoding in ("utf-32-le", "utf-32-be")


def test_decode_utf16_big_endian() -> None:
    data = b"\xfe\xff" + "symbol,qty\n".encode("utf-16-be")
    assert decode_bytes(data, "f") == ("symbol,qty\n", "utf-16-be")


def test_decode_workbook_rejected() -> None:
    with pytest.raises(ImportFileError) as caught:
        decode_bytes(b"PK\x03\x04\x14\x00\x06\x00", "book.xlsx")
    assert caught.value.title == "not a CSV file"


def test_read_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError) as caught:
        read_import_file(tmp_path / "absent.csv")
    assert caught.value.title == "cannot read file"
    assert caught.value.path == str(tmp_path / "absent.csv")


def test_read_directory_rejected(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError) as caught:
        read_import_file(tmp_path)
    assert caught.value.title == "cannot read file"


def test_no_header_found() -> None:
    data = b"hello,world\n1,2\n3,4\n"
    with pytest.raises(ImportFileError) as caught:
        parse_import_bytes(data, "f.csv")
    assert caught.value.title == "no header found"


def test_header_after_many_comments() -> None:
    lines = [f"# note {number}, with a comma" for number in range(150)]
    data = "\n".join([*lines, HEADER, "AAPL,LONG,1,2,3,4", ""]).encode()
    report = parse_import_bytes(data, "f.csv")
    assert report.header_line == 151
    assert report.accepted == 1


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        (HEADER, FileKind.TARGETS),
        ("Symbol,Target", FileKind.TARGETS),
        ("TICKER,DOWNSIDE,PRICE", FileKind.TARGETS),
        ("Symbol,Qty,Price,Average Cost,Acquired", FileKind.POSITIONS),
        ("Ticker,Quantity,Cost Basis Per Share,Date Acquired", FileKind.POSITIONS),
    ],
)
def test_header_kind_detected(header: str, kind: FileKind) -> None:
    found = read_header(header.split(","))
    assert found is not None
    assert found[0] is kind


@pytest.mark.parametrize(
    "header", ["Symbol,Price", "Name,Quantity", "symbol,position_type,current_price"]
)
def test_header_not_recognised(header: str) -> None:
    assert read_header(header.split(",")) is None


def test_positions_missing_required_column() -> None:
    data = b"Symbol,Quantity,Last Price\nAAPL,10,190\n"
    with pytest.raises(ImportFileError) as caught:
        parse_import_bytes(data, "broker.csv")
    assert caught.value.title == "missing columns"
    assert "'Entry Price Per Share'" in caught.value.detail
    assert "'Entry Date'" in caught.value.detail


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiter_sniffed(delimiter: str) -> None:
    text = HEADER.replace(",", delimiter) + "\n"
    text += delimiter.join(["AAPL", "LONG", "210", "230", "160", "190"]) + "\n"
    report = parse_import_bytes(text.encode(), "f.csv")
    assert report.delimiter == delimiter
    assert report.targets[0].target.current_price == Decimal("190")


def test_quoted_fields_with_delimiter() -> None:
    data = (
        HEADER + ',name\r\n"AAPL","LONG","1,210.00",,,"190","Apple, Inc."\r\n'
    ).encode()
    report = parse_import_bytes(data, "f.csv")
    assert report.targets[0].target.target_eoy == Decimal("1210.00")
    assert report.issues == []


def test_multiline_quoted_name_kept() -> None:
    data = (
        HEADER + ',name\nAAPL,LONG,210,,,190,"Apple\nInc."\nMSFT,LONG,450,,,415,x\n'
    ).encode()
    report = parse_import_bytes(data, "f.csv")
    lines = [row.line for row in report.targets]
    assert lines == [2, 4]


def test_unclosed_quote_recovers() -> None:
    data = (
        HEADER + '\nAAPL,LONG,"210,,,190\nMSFT,LONG,450,,,415\nNVDA,LONG,900,,,875\n'
    ).encode()
    report = parse_import_bytes(data, "f.csv")
    assert [row.target.symbol for row in report.targets] == ["MSFT", "NVDA"]
    assert report.rejected_lines == {2}


def test_comment_with_quote_not_swallowing() -> None:
    data = (HEADER + '\n# note, "open quote\nAAPL,LONG,210,,,190\n').encode()
    report = parse_import_bytes(data, "f.csv")
    assert report.targets[0].line == 3
    assert report.skipped_lines == [2]


def test_classic_mac_line_endings() -> None:
    data = (HEADER + "\rAAPL,LONG,210,,,190\r\rMSFT,LONG,450,,,415\r").encode()
    report = parse_import_bytes(data, "f.csv")
    assert [row.line for row in report.targets] == [2, 4]


def test_repeated_header_skipped() -> None:
    data = (
        HEADER + "\nAAPL,LONG,210,,,190\n" + HEADER.upper() + "\nMSFT,LONG,450,,,415\n"
    ).encode()
    report = parse_import_bytes(data, "f.csv")
    assert report.skipped_lines == [3]
    assert report.accepted == 2
    assert report.issues == []


def test_junk_lines_skipped_silently() -> None:
    data = (
        "My targets\n"
        "Exported 2024-03-15\n"
        f"{HEADER},\n"
        "AAPL,LONG,210,,,190,\n"
        ",,,,,,\n"
        "   \n"
        "# comment line\n"
        "  # indented comment\n"
        "MSFT,LONG,450,,,415,,,\n"
        "Total,,,,,605,\n"
        "Grand Total,,,,,605,\n"
        '"Data provided for information only, not for trading."\n'
        "Date downloaded 03/15/2024 5:35 PM ET\n"
    ).encode()
    report = parse_import_bytes(data, "f.csv")
    assert report.accepted == 2
    assert report.issues == []
    assert report.skipped_lines == [1, 2, 5, 6, 7, 8, 10, 11, 12, 13]
    assert report.data_rows == 2


def test_company_name_row_reported() -> None:
    data = (HEADER + "\nApple Inc,LONG,210,,,190\nMSFT,LONG,450,,,415\n").encode()
    report = parse_import_bytes(data, "f.csv")
    assert report.rejected_lines == {2}
    assert report.errors[0].column == "symbol"


def test_unquoted_thousands_rejected() -> None:
    data = (HEADER + "\nBKNG,LONG,$4,000.00,,,$3612.75\nAAPL,LONG,210,,,190\n").encode()
    report = parse_import_bytes(data, "f.csv")
    assert report.rejected_lines == {2}
    assert "put quotes around" in report.errors[0].reason
    assert _symbols(data) == ["AAPL"]


def test_short_row_padded() -> None:
    data = (HEADER + "\nAAPL,LONG,210\n").encode()
    report = parse_import_bytes(data, "f.csv")
    target = report.targets[0].target
    assert target.target_eoy == Decimal("210")
    assert target.current_price is None


def test_missing_values_are_none() -> None:
    data = (HEADER + "\nAAPL,,,N/A,n/a,-\n").encode()
    report = parse_import_bytes(data, "f.csv")
    target = report.targets[0].target
    assert target.position_type == "LONG"
    assert target.target_eoy is None
    assert target.target_next_year is None
    assert target.downside is None
    assert target.current_price is None
    assert len(report.warnings) == 3


def test_header_names_kept_as_written() -> None:
    data = b"Ticker,Side,Target Price,Downside\nAAPL,LONG,abc,100\n"
    report = parse_import_bytes(data, "f.csv")
    issue = report.errors[0]
    assert issue.column == "Target Price"
    assert str(issue) == (
        "f.csv:2: Target Price='abc': not a number: write a plain number such as 96.62"
    )


def test_progress_reported() -> None:
    rows = "\n".join(f"S{number},LONG,1,,,2" for number in range(12_000))
    calls: list[tuple[int, int]] = []
    parse_import_bytes(
        (HEADER + "\n" + rows + "\n").encode(),
        "big.csv",
        on_progress=lambda done, total: calls.append((done, total)),
        fast=False,
    )
    assert calls[-1] == (12_000, 12_000)
    assert calls[0] == (5_000, 12_000)


def test_fast_path_reports_final_progress() -> None:
    rows = "\n".join(f"S{number},LONG,1,,,2" for number in range(12_000))
    calls: list[tuple[int, int]] = []
    parse_import_bytes(
        (HEADER + "\n" + rows + "\n").encode(),
        "big.csv",
        on_progress=lambda done, total: calls.append((done, total)),
    )
    assert calls == [(12_000, 12_000)]


def test_nul_bytes_do_not_crash() -> None:
    data = (HEADER + "\nAA\x00PL,LONG,210,,,190\nMSFT,LONG,450,,,415\n").encode()
    report = parse_import_bytes(data, "f.csv")
    assert report.rejected_lines == {2}
    assert report.accepted == 1


def test_comment_before_symbol_column() -> None:
    data = (
        b"Account,Symbol,Quantity,Entry Price,Entry Date\n"
        b"# closed,AAPL,10,158,2024-01-15\n"
        b"X-1,MSFT,5,380,2024-01-22\n"
    )
    report = parse_import_bytes(data, "f.csv")
    assert report.skipped_lines == [2]
    assert [row.line for row in report.positions] == [3]


def test_only_comments_rejected() -> None:
    with pytest.raises(ImportFileError) as caught:
        parse_import_bytes(b"# one\n\n# two\n", "f.csv")
    assert caught.value.title == "no data rows"
