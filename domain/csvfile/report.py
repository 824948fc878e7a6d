"""Result types of a CSV import: the rows read, the issues found, and errors."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from domain.errors import TargetdeskError
from domain.models import Position, PositionType, TargetPrice

TargetKey = tuple[str, PositionType]
"""Identity of a target row: (symbol, position type)."""

PositionKey = tuple[str, PositionType, dt.date]
"""Identity of a position row: (symbol, position type, entry date)."""

ImportKey = TargetKey | PositionKey


class Severity(StrEnum):
    """Effect of an issue on its row: ERROR rejects the row, WARNING does not."""

    ERROR = "error"
    WARNING = "warning"


class FileKind(StrEnum):
    """Content type of a file, as its header shows."""

    TARGETS = "targets"
    POSITIONS = "positions"


@dataclass(frozen=True, slots=True)
class RowIssue:
    """A problem found in one line of a file.

    Attributes:
        path: The file, as the caller named it.
        line: Physical 1-based line number, counting the header and any
            lines before it.
        column: Header text of the column, as the file writes it, or None
            when the issue concerns the whole row.
        value: The cell text as written, or None.
        reason: What is wrong and what to do about it.
        severity: ERROR if the row was rejected, WARNING if it was imported.
    """

    path: str
    line: int
    column: str | None
    value: str | None
    reason: str
    severity: Severity

    def __str__(self) -> str:
        """Format as `path:line: column='value': reason`."""
        if self.column is None:
            return f"{self.path}:{self.line}: {self.reason}"
        if self.value is None:
            return f"{self.path}:{self.line}: {self.column}: {self.reason}"
        return f"{self.path}:{self.line}: {self.column}={self.value!r}: {self.reason}"


@dataclass(frozen=True, slots=True)
class TargetRow:
    """A valid target row and the line it came from."""

    line: int
    target: TargetPrice


@dataclass(frozen=True, slots=True)
class PositionRow:
    """A valid position row and the line it came from."""

    line: int
    position: Position


@dataclass
class ImportReport:
    """Everything read from one file: accepted rows, issues and the file's dialect.

    Attributes:
        path: The file, as the caller named it.
        kind: Whether the file contains targets or positions.
        encoding: Codec the bytes were decoded with, such as "utf-8-sig" or
            "cp1252".
        delimiter: Field separator: ",", ";", "\\t" or "|".
        header_line: Physical line number of the header.
        data_rows: Rows read as data. Blank, comment, preamble, footer and
            totals lines and repeated headers are not counted.
        targets: Accepted target rows, in file order (empty for positions).
        positions: Accepted position rows, in file order (empty for targets).
        issues: Every error and warning, ordered by line.
        blocked_keys: Keys with conflicting rows, mapped to the lines that
            conflict. No row with such a key is imported.
        decimal_mark: "." or ",", as decided for the whole file.
        ignored_columns: Header texts of columns that were not read.
        skipped_lines: Lines skipped without an issue: preamble, blank,
            comment, footer, totals and repeated header lines.
    """

    path: str
    kind: FileKind
    encoding: str
    delimiter: str
    header_line: int
    data_rows: int
    targets: list[TargetRow]
    positions: list[PositionRow]
    issues: list[RowIssue]
    blocked_keys: dict[ImportKey, tuple[int, ...]]
    decimal_mark: str = "."
    ignored_columns: list[str] = field(default_factory=list)
    skipped_lines: list[int] = field(default_factory=list)

    @property
    def errors(self) -> list[RowIssue]:
        """Issues that rejected a row."""
        return [issue for issue in self.issues if issue.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[RowIssue]:
        """Issues on rows that were imported anyway."""
        return [issue for issue in self.issues if issue.severity is Severity.WARNING]

    @property
    def accepted(self) -> int:
        """Number of rows accepted for import."""
        return len(self.targets) + len(self.positions)

    @property
    def rejected_lines(self) -> set[int]:
        """Line numbers with at least one ERROR."""
        return {issue.line for issue in self.issues if issue.severity is Severity.ERROR}


class ImportFileError(TargetdeskError):
    """The whole file cannot be imported, so no row of it is.

    Raised when the file cannot be read or decoded, has no header or no data
    rows, lacks a required column, or mixes decimal styles or date orders.

    Args:
        path: The file, as the caller named it.
        title: A few words naming what failed, such as "no data rows".
        detail: What was found and what to do, without the path.
        lines: Line numbers the detail refers to.
    """

    def __init__(
        self, path: str, title: str, detail: str, *, lines: tuple[int, ...] = ()
    ) -> None:
        super().__init__(title, f"{path}: {detail}")
        self.path = path
        self.lines = lines
