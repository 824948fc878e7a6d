"""Rows of the import preview: status, symbol findings, replacements and skips."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field

from domain.imports import ImportReport, PositionRow, Severity, TargetRow
from domain.models import Position, TargetPrice
from domain.symbol_checks import FlagKind, SymbolFlag

FLAG_LABELS = {
    FlagKind.RENAMED: "renamed",
    FlagKind.DELISTED: "delisted",
    FlagKind.INACTIVE: "inactive",
    FlagKind.UNKNOWN: "unknown",
    FlagKind.PRICE_MISMATCH: "price far off",
}
"""Status text of each kind of symbol finding."""

Row = TargetRow | PositionRow


def _key(row: Row, symbol: str) -> tuple[object, ...]:
    """Return the key write_import upserts the row under, with `symbol`."""
    if isinstance(row, TargetRow):
        return (symbol, row.target.position_type)
    position = row.position
    return (symbol, position.position_type, position.entry_date)


def _symbol(row: Row) -> str:
    if isinstance(row, TargetRow):
        return row.target.symbol
    return row.position.symbol


def flag_label(flag: SymbolFlag) -> str:
    """Return a finding as status text, such as `renamed → META`."""
    label = FLAG_LABELS[flag.kind]
    if flag.suggestions:
        return f"{label} → {flag.suggestions[0]}"
    return label


@dataclass(slots=True)
class ImportRows:
    """The preview's rows by file line, and what the user decided for each.

    A suggested symbol replaces a row's symbol only after `toggle_accept`,
    and a skipped row is left out of `targets` and `positions`.
    """

    report: ImportReport
    flags: dict[int, list[SymbolFlag]] = field(default_factory=dict)
    replacements: dict[int, str] = field(default_factory=dict)
    """Accepted replacement symbol by line."""
    skipped: set[int] = field(default_factory=set)
    rows: dict[int, Row] = field(init=False)
    """Accepted rows of the file by line."""

    def __post_init__(self) -> None:
        accepted: list[Row] = [*self.report.targets, *self.report.positions]
        self.rows = {row.line: row for row in accepted}

    def set_flags(self, flags: Iterable[SymbolFlag]) -> None:
        """Attach symbol findings to the lines they name."""
        self.flags = {}
        for flag in flags:
            for line in flag.lines:
                self.flags.setdefault(line, []).append(flag)

    def lines(self) -> list[int]:
        """Return the lines of accepted and rejected rows, in file order."""
        return sorted({*self.rows, *self.report.rejected_lines})

    def symbol_text(self, line: int) -> str:
        """Return the row's symbol, or `OLD → NEW` once a replacement is accepted."""
        row = self.rows.get(line)
        if row is None:
            return ""
        symbol = _symbol(row)
        replacement = self.replacements.get(line)
        return symbol if replacement is None else f"{symbol} → {replacement}"

    def status(self, line: int) -> str:
        """Return the status: error, skipped, replaced, findings, warning or ok."""
        if line not in self.rows:
            return "error"
        if line in self.skipped:
            return "skipped"
        if line in self.replacements:
            return "replaced"
        flags = self.flags.get(line)
        if flags:
            return "; ".join(flag_label(flag) for flag in flags)
        warned = any(
            issue.line == line and issue.severity is Severity.WARNING
            for issue in self.report.issues
        )
        return "warning" if warned else "ok"

    def toggle_accept(self, line: int) -> str:
        """Replace the row's symbol with the first suggestion, or undo that.

        Returns a message for the user. Raises ValueError when the row has
        no suggestion, is an option, or would then duplicate another row.
        """
        row = self.rows.get(line)
        if row is None:
            raise ValueError(f"Line {line} was rejected, so it has no symbol to fix.")
        symbol = _symbol(row)
        if line in self.replacements:
            old = self.replacements.pop(line)
            return f"Line {line} keeps {symbol} instead of {old}."
        suggestion = next(
            (f.suggestions[0] for f in self.flags.get(line, []) if f.suggestions),
            None,
        )
        if suggestion is None:
            raise ValueError(f"Line {line}: {symbol} has no suggested symbol.")
        if isinstance(row, PositionRow) and row.position.underlying is not None:
            raise ValueError(
                f"Line {line} is an option on {row.position.underlying}: "
                "fix its symbol in the file and import again."
            )
        new_key = _key(row, suggestion)
        for other_line, other in self.rows.items():
            if other_line == line or other_line in self.skipped:
                continue
            if (
                _key(other, self.replacements.get(other_line, _symbol(other)))
                == new_key
            ):
                raise ValueError(
                    f"Line {line} would duplicate line {other_line} as {suggestion}: "
                    "skip one of them first."
                )
        self.replacements[line] = suggestion
        return f"Line {line}: {symbol} → {suggestion}."

    def toggle_skip(self, line: int) -> bool:
        """Skip or restore an accepted row; return whether it is now skipped."""
        if line not in self.rows:
            raise ValueError(f"Line {line} was rejected, so it is not written anyway.")
        if line in self.skipped:
            self.skipped.discard(line)
            return False
        self.skipped.add(line)
        return True

    def _kept(self) -> list[Row]:
        return [
            row for line, row in sorted(self.rows.items()) if line not in self.skipped
        ]

    def targets(self) -> list[TargetPrice]:
        """Targets to write: accepted, not skipped, with replacements applied."""
        result = []
        for row in self._kept():
            if isinstance(row, TargetRow):
                symbol = self.replacements.get(row.line, row.target.symbol)
                result.append(dataclasses.replace(row.target, symbol=symbol))
        return result

    def positions(self) -> list[Position]:
        """Positions to write: accepted, not skipped, with replacements applied."""
        result = []
        for row in self._kept():
            if isinstance(row, PositionRow):
                symbol = self.replacements.get(row.line, row.position.symbol)
                result.append(dataclasses.replace(row.position, symbol=symbol))
        return result

    @property
    def kept(self) -> int:
        """Number of accepted rows that are not skipped."""
        return len(self.rows) - len(self.skipped)
