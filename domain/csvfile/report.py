"""Result types of a CSV import: the rows read, the issues found, and errors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import overload

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


class TargetRows(Sequence[TargetRow]):
    """Target rows on consecutive lines, each built from its target when read.

    The columnar reader of clean files keeps only the targets. Building a
    TargetRow for each of 100,000 rows as well took about 70 ms of an import
    that writes only the targets (bench/bench_import.py).
    """

    __slots__ = ("_first_line", "_targets")

    def __init__(self, targets: list[TargetPrice], first_line: int) -> None:
        self._targets = targets
        self._first_line = first_line

    @property
    def target_prices(self) -> list[TargetPrice]:
        """The targets, in line order."""
        return self._targets

    def __len__(self) -> int:
        return len(self._targets)

    @overload
    def __getitem__(self, index: int) -> TargetRow: ...

    @overload
    def __getitem__(self, index: slice) -> list[TargetRow]: ...

    def __getitem__(self, index: int | slice) -> TargetRow | list[TargetRow]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self._targets)
        return TargetRow(self._first_line + index, self._targets[index])

    def __iter__(self) -> Iterator[TargetRow]:
        first = self._first_line
        for offset, target in enumerate(self._targets):
            yield TargetRow(first + offset, target)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, TargetRows | list | tuple):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"TargetRows({len(self)} rows from line {self._first_line})"


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
    targets: Sequence[TargetRow]
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

    def target_prices(self) -> list[TargetPrice]:
        """Return the targets of the accepted target rows, in file order."""
        if isinstance(self.targets, TargetRows):
            return list(self.targets.target_prices)
        return [row.target for row in self.targets]

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
