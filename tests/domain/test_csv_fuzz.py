"""Generated files: parsing raises only ImportFileError, and every issue
names a line that exists in the file."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.csvfile.decoding import decode_bytes
from domain.imports import ImportFileError, ImportReport, parse_import_bytes

TARGET_HEADER = [
    "symbol",
    "position_type",
    "target_eoy",
    "target_next_year",
    "downside",
    "current_price",
]
POSITION_HEADER = [
    "Symbol",
    "Quantity",
    "Entry Price Per Share",
    "Entry Date",
    "Investment Class",
    "Investment Subtype",
    "Underlying Symbol",
    "Strike Price",
    "Expiration Date",
    "Option Type",
    "Exit Date",
    "Exit Price Per Share",
]
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "cp1252"]

# Any character but surrogates (which no encoding can write) and NUL, which
# in bulk makes UTF-8 text look like UTF-16.
_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=12,
)
_SYMBOLS = st.sampled_from(
    ["AAPL", " msft ", "brk-b", "BRK/B", "SHO{", "", "ZM", "SPY_C450_20240315", "É"]
)
_NUMBERS = st.one_of(
    st.decimals(min_value=-(10**6), max_value=10**6, places=2, allow_nan=False).map(
        str
    ),
    st.sampled_from(
        [
            "$4,000.00",
            "$(700.00)",
            "--",
            "N/A",
            "",
            "1.234,56",
            "1,5",
            "1,234",
            "12%",
            "abc",
            "0",
            "(5)",
            "1e5",
        ]
    ),
)
_DATES = st.one_of(
    st.dates().map(lambda day: day.isoformat()),
    st.sampled_from(["01/15/2024", "15/01/2024", "15.01.2024", "2024-02-30", "x"]),
)
_WORDS = st.sampled_from(["LONG", "short", "LC", "", "CALL", "PUT", "OPTIONS", "?"])
_JUNK_LINES = st.one_of(
    st.sampled_from(
        [
            "",
            ",,,,,",
            ";;;",
            "# a comment, with a comma",
            '# comment with "quote',
            "Disclaimer: for information only.",
            "Date downloaded 03/15/2024 5:35 PM ET",
            "Account Total,,,,,1000",
            '"unclosed,quote',
            "symbol,position_type,target_eoy",
        ]
    ),
    _TEXT,
)


@dataclass(frozen=True)
class GeneratedFile:
    text: str
    data: bytes


def _cell(draw: st.DrawFn) -> str:
    return draw(st.one_of(_SYMBOLS, _NUMBERS, _DATES, _WORDS, _TEXT))


@st.composite
def generated_files(draw: st.DrawFn) -> GeneratedFile:
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    encoding = draw(st.sampled_from(ENCODINGS))
    header = draw(st.sampled_from([TARGET_HEADER, POSITION_HEADER, None]))

    lines: list[str] = draw(st.lists(_JUNK_LINES, max_size=3))
    if header is not None:
        lines.append(_join(header, delimiter))
    for _ in range(draw(st.integers(min_value=0, max_value=12))):
        if draw(st.booleans()):
            lines.append(draw(_JUNK_LINES))
            continue
        if header is not None and draw(st.booleans()):
            cells = _plausible_row(draw, header)
        else:
            width = len(header) if header else 6
            count = draw(st.integers(min_value=0, max_value=width + 2))
            cells = [_cell(draw) for _ in range(count)]
        lines.append(_join(cells, delimiter))
    text = newline.join(lines) + draw(st.sampled_from(["", newline]))
    if encoding == "cp1252":
        text = text.encode("cp1252", errors="replace").decode("cp1252")
    return GeneratedFile(text, text.encode(encoding))


def _plausible_row(draw: st.DrawFn, header: list[str]) -> list[str]:
    """Draw a row of the right types, so that many rows are accepted."""
    prices = st.decimals(min_value=1, max_value=5000, places=2).map(str)
    if header is TARGET_HEADER:
        cells = [draw(_SYMBOLS), draw(_WORDS)] + [draw(prices) for _ in range(4)]
    else:
        cells = [
            draw(_SYMBOLS),
            draw(st.integers(min_value=-500, max_value=500).map(str)),
            draw(prices),
            draw(st.dates().map(lambda day: day.isoformat())),
        ]
    if draw(st.booleans()):
        cells[draw(st.integers(min_value=0, max_value=len(cells) - 1))] = _cell(draw)
    return cells


def _join(cells: list[str], delimiter: str) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="").writerow(cells)
    return buffer.getvalue()


def _line_count(text: str) -> int:
    return len(io.StringIO(text, newline="").readlines())


def _check_report(report: ImportReport, line_count: int) -> None:
    rejected = report.rejected_lines
    for issue in report.issues:
        assert 1 <= issue.line <= line_count, str(issue)
    for row in report.targets:
        assert row.line not in rejected
        assert "\ufffd" not in row.target.symbol
    for position_row in report.positions:
        assert position_row.line not in rejected
        assert "\ufffd" not in position_row.position.symbol
    assert report.accepted <= report.data_rows
    assert 1 <= report.header_line <= line_count


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(generated_files())
def test_fuzz_generated_csv(generated: GeneratedFile) -> None:
    try:
        report = parse_import_bytes(generated.data, "fuzz.csv")
    except ImportFileError:
        return
    _check_report(report, _line_count(generated.text))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_fuzz_random_bytes(data: bytes) -> None:
    header = ",".join(TARGET_HEADER).encode() + b"\n"
    try:
        report = parse_import_bytes(header + data, "bytes.csv")
    except ImportFileError:
        return
    text, _ = decode_bytes(header + data, "bytes.csv")
    _check_report(report, _line_count(text))
