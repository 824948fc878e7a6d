"""Cell access for one position row, collecting the row's issues."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from domain.csvfile.cells import MISSING_MARKERS, CellError, DateReader, NumberReader
from domain.csvfile.header import Field, Header
from domain.csvfile.report import RowIssue, Severity
from domain.csvfile.targets import SYMBOL_HINT
from domain.symbols import SymbolError, normalize_descriptive


class PositionCells:
    """Reads the cells of one position row and collects its issues."""

    def __init__(
        self,
        line: int,
        cells: Sequence[str],
        header: Header,
        numbers: NumberReader,
        dates: DateReader,
        path: str,
    ) -> None:
        self.line = line
        self.cells = cells
        self.header = header
        self.numbers = numbers
        self.dates = dates
        self.path = path
        self.issues: list[RowIssue] = []
        self.failed = False

    def name(self, field: Field) -> str:
        return self.header.name(field)

    def text(self, field: Field) -> str:
        index = self.header.columns.get(field)
        return "" if index is None else self.cells[index].strip()

    def add_issue(
        self, field: Field | None, reason: str, severity: Severity = Severity.ERROR
    ) -> None:
        if field is None or field not in self.header.columns:
            column, value = None, None
        else:
            column, value = self.name(field), self.cells[self.header.columns[field]]
        self.issues.append(
            RowIssue(self.path, self.line, column, value, reason, severity)
        )
        if severity is Severity.ERROR:
            self.failed = True

    def _present(self, field: Field, required: str | None) -> str | None:
        """Return the stripped cell, or None after reporting it if missing."""
        text = self.text(field)
        if text and text.lower() in MISSING_MARKERS:
            if required is None:
                self.add_issue(
                    field,
                    "read as missing: write a value, or leave the cell empty",
                    Severity.WARNING,
                )
                return None
            text = ""
        if not text:
            if required is not None:
                self.add_issue(field, f"missing: {required}")
            return None
        return text

    def number(self, field: Field, required: str | None = None) -> Decimal | None:
        text = self._present(field, required)
        if text is None:
            return None
        try:
            return self.numbers.read(text)
        except CellError as error:
            self.add_issue(field, str(error))
            return None

    def date(self, field: Field, required: str | None = None) -> dt.date | None:
        text = self._present(field, required)
        if text is None:
            return None
        try:
            return self.dates.read(text)
        except CellError as error:
            self.add_issue(field, str(error))
            return None


def read_symbol(row: PositionCells, symbol_text: str) -> str | None:
    """Normalise the Symbol cell of a row, or report it and return None."""
    if not symbol_text:
        row.add_issue(
            Field.SYMBOL,
            "missing: write the ticker; for an option, fill in Underlying "
            "Symbol, Strike Price, Expiration Date and Option Type instead",
        )
        return None
    try:
        return normalize_descriptive(symbol_text)
    except SymbolError:
        row.add_issue(Field.SYMBOL, f"not a symbol: {SYMBOL_HINT}")
        return None
