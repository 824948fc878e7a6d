"""Import target-price and position CSV files.

`read_import_file` and `parse_import_bytes` decode the file, find its
header and dialect, and validate every row. The result is an `ImportReport`
with the accepted rows and one `RowIssue` per problem. A problem that makes
the whole file unusable raises `ImportFileError` instead. The reading steps
live in `domain.csvfile`.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

from domain.csvfile.cells import (
    CellError,
    CellRef,
    DateOrder,
    DateReader,
    DecimalStyle,
    NumberReader,
    Record,
    detect_date_order,
    detect_decimal_style,
)
from domain.csvfile.decoding import decode_bytes
from domain.csvfile.fast import read_clean_targets
from domain.csvfile.header import Field, Header, find_header
from domain.csvfile.merge import merge_duplicates
from domain.csvfile.positions import read_positions
from domain.csvfile.records import RecordSplitter
from domain.csvfile.report import (
    FileKind,
    ImportFileError,
    ImportKey,
    ImportReport,
    PositionKey,
    PositionRow,
    RowIssue,
    Severity,
    TargetKey,
    TargetRow,
)
from domain.csvfile.targets import read_targets
from domain.gc_pause import gc_paused

__all__ = [
    "FileKind",
    "ImportFileError",
    "ImportKey",
    "ImportReport",
    "PositionKey",
    "PositionRow",
    "RowIssue",
    "Severity",
    "TargetKey",
    "TargetRow",
    "parse_import_bytes",
    "read_import_file",
]

_NUMBER_FIELDS = {
    FileKind.TARGETS: (
        Field.TARGET_EOY,
        Field.TARGET_NEXT_YEAR,
        Field.DOWNSIDE,
        Field.CURRENT_PRICE,
    ),
    FileKind.POSITIONS: (
        Field.QUANTITY,
        Field.ENTRY_PRICE,
        Field.STRIKE,
        Field.EXIT_PRICE,
    ),
}
_DATE_FIELDS = (Field.ENTRY_DATE, Field.EXPIRY, Field.EXIT_DATE)


def read_import_file(
    path: str | Path, *, on_progress: Callable[[int, int], None] | None = None
) -> ImportReport:
    """Read and validate a targets or positions CSV file.

    `on_progress(done, total)` is called every few thousand data rows and
    once at the end, with `total` the number of data rows.

    Raises:
        ImportFileError: if the file cannot be read or imported at all.
    """
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise ImportFileError(
            name,
            "cannot read file",
            f"{error.strerror or error}: check the path and the file's permissions",
        ) from error
    return parse_import_bytes(data, name, on_progress=on_progress)


def parse_import_bytes(
    data: bytes,
    path: str,
    *,
    on_progress: Callable[[int, int], None] | None = None,
    fast: bool = True,
) -> ImportReport:
    """Validate the bytes of a CSV file, named `path` in messages.

    A clean target file goes through a columnar fast path unless `fast` is
    False; the report is the same either way.

    Raises:
        ImportFileError: if the file cannot be imported at all.
    """
    with gc_paused():
        return _parse(data, path, on_progress, fast=fast)


def _parse(
    data: bytes,
    path: str,
    on_progress: Callable[[int, int], None] | None,
    *,
    fast: bool,
) -> ImportReport:
    if fast:
        clean = read_clean_targets(data, path)
        if clean is not None:
            if on_progress is not None:
                on_progress(clean.data_rows, clean.data_rows)
            return clean
    text, encoding = decode_bytes(data, path)
    if not text.strip():
        raise ImportFileError(path, "no data rows", "the file is empty")
    lines = io.StringIO(text, newline="").readlines()
    header = find_header(lines, path)
    splitter = RecordSplitter(lines, header, path)
    splitter.run()
    records = splitter.records
    issues = list(splitter.issues)
    data_rows = len(records) + len({issue.line for issue in issues})
    if data_rows == 0:
        row_name = "target" if header.kind is FileKind.TARGETS else "position"
        raise ImportFileError(
            path,
            "no data rows",
            f"the header on line {header.line} is followed by no data rows: add "
            f"one row per {row_name} below it",
            lines=(header.line,),
        )

    default_style = (
        DecimalStyle.COMMA if header.delimiter == ";" else DecimalStyle.POINT
    )
    number_columns = _columns(header, _NUMBER_FIELDS[header.kind])
    style, ambiguous = detect_decimal_style(
        records, number_columns, default_style, path
    )
    numbers = NumberReader(style)
    if ambiguous is not None:
        issues.append(_ambiguous_number_warning(ambiguous, header, numbers, path))

    report = ImportReport(
        path=path,
        kind=header.kind,
        encoding=encoding,
        delimiter=header.delimiter,
        header_line=header.line,
        data_rows=data_rows,
        targets=[],
        positions=[],
        issues=issues,
        blocked_keys={},
        decimal_mark=style.value,
        ignored_columns=list(header.ignored),
        skipped_lines=sorted(splitter.skipped),
    )
    if header.kind is FileKind.TARGETS:
        _read_target_rows(report, records, header, numbers, on_progress)
    else:
        _read_position_rows(
            report, records, header, numbers, splitter.short_rows, on_progress
        )
    report.issues.sort(key=lambda issue: issue.line)
    return report


def _columns(header: Header, fields: tuple[Field, ...]) -> list[int]:
    return [header.columns[field] for field in fields if field in header.columns]


def _read_target_rows(
    report: ImportReport,
    records: list[Record],
    header: Header,
    numbers: NumberReader,
    on_progress: Callable[[int, int], None] | None,
) -> None:
    rows, keys = read_targets(
        records, header, numbers, report.path, report.issues, on_progress
    )

    def describe(key: TargetKey) -> str:
        return f"{key[0]} {key[1].value}"

    merged_rows, issues, blocked = merge_duplicates(
        rows, keys, lambda row: row.target, lambda row: row.line, describe, report.path
    )
    report.targets = merged_rows
    report.issues.extend(issues)
    report.blocked_keys = {key: lines for key, lines in blocked.items()}


def _read_position_rows(
    report: ImportReport,
    records: list[Record],
    header: Header,
    numbers: NumberReader,
    short_rows: dict[int, int],
    on_progress: Callable[[int, int], None] | None,
) -> None:
    default_order = (
        DateOrder.DAY_FIRST
        if numbers.style is DecimalStyle.COMMA
        else DateOrder.MONTH_FIRST
    )
    order, ambiguous = detect_date_order(
        records, _columns(header, _DATE_FIELDS), default_order, report.path
    )
    dates = DateReader(order)
    if ambiguous is not None:
        line, index, text = ambiguous
        try:
            reading = dates.read(text).isoformat()
        except CellError:
            reading = text
        first = "month" if order is DateOrder.MONTH_FIRST else "day"
        report.issues.append(
            RowIssue(
                report.path,
                line,
                header.names[index],
                text,
                f"read as {reading} with the {first} first, since no date in the "
                "file shows the order: write dates as YYYY-MM-DD to be sure",
                Severity.WARNING,
            )
        )
    rows = read_positions(
        records,
        header,
        numbers,
        dates,
        report.path,
        report.issues,
        short_rows,
        on_progress,
    )

    def describe(key: PositionKey) -> str:
        return f"{key[0]} {key[1].value} entered {key[2].isoformat()}"

    keys: list[PositionKey] = [
        (row.position.symbol, row.position.position_type, row.position.entry_date)
        for row in rows
    ]
    merged_rows, issues, blocked = merge_duplicates(
        rows,
        keys,
        lambda row: row.position,
        lambda row: row.line,
        describe,
        report.path,
    )
    report.positions = merged_rows
    report.issues.extend(issues)
    report.blocked_keys = {key: lines for key, lines in blocked.items()}


def _ambiguous_number_warning(
    cell: CellRef, header: Header, numbers: NumberReader, path: str
) -> RowIssue:
    line, index, text = cell
    try:
        reading = str(numbers.read(text))
    except CellError:
        reading = text
    if numbers.style is DecimalStyle.COMMA:
        assumption = "a decimal comma, usual in ';'-separated files"
    else:
        assumption = "a decimal point"
    return RowIssue(
        path,
        line,
        header.names[index],
        text,
        f"read as {reading}, assuming {assumption}, since no number in the file "
        "shows the decimal mark: write the decimals, such as "
        f"{numbers.example}, to be sure",
        Severity.WARNING,
    )
