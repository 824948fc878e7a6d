"""Split the lines after the header into data rows and lines to skip."""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence

from domain.csvfile.cells import Record
from domain.csvfile.header import Field, Header, header_key, is_comment
from domain.csvfile.report import RowIssue, Severity

# Summary rows that brokers put among or after the positions.
_SUMMARY_ROW = re.compile(
    r"(?:[a-z&' ]+ )?(?:sub-?)?totals?\b.*|pending activity\b.*", re.IGNORECASE
)
_DIGIT = re.compile(r"\d")
_SHARE_CLASS_WITH_SPACE = re.compile(r"[A-Za-z]{1,5} [A-Za-z]{1,2}")
_DELIMITER_NAMES = {",": "','", ";": "';'", "\t": "tab", "|": "'|'"}


def _is_note_text(text: str) -> bool:
    """Return True if a cell reads as prose (a disclaimer or title), not a symbol."""
    if ":" in text or len(text) > 40:
        return True
    return " " in text and not _SHARE_CLASS_WITH_SPACE.fullmatch(text)


def _is_note_row(cells: list[str], first: int) -> bool:
    """Return True if a row is prose.

    A prose row has text in its first non-empty cell and no digit in any
    other cell. A row such as "Apple Inc,LONG,210" stays data, so the row is
    reported instead of dropped.
    """
    if not _is_note_text(cells[first].strip()):
        return False
    return not any(
        _DIGIT.search(cell) for index, cell in enumerate(cells) if index != first
    )


class RecordSplitter:
    """Reads the rows after a header and sorts out the lines to skip.

    Attributes:
        records: Data rows, each padded to the header's width.
        skipped: Lines skipped silently: preamble, blank, comment, footer,
            totals and repeated header lines.
        issues: Errors for lines whose fields cannot be split reliably.
        short_rows: Field count of each data row that had fewer fields than
            the header, by line.
    """

    def __init__(self, lines: Sequence[str], header: Header, path: str) -> None:
        self._lines = lines
        self._header = header
        self._path = path
        self._width = len(header.names)
        self._symbol_index = header.columns[Field.SYMBOL]
        self._header_symbol = header.names[self._symbol_index].lower()
        self._plain_symbol = re.compile(
            rf"(?!(?:sub-?)?totals?$|{re.escape(self._header_symbol)}$)"
            r"[A-Za-z0-9][A-Za-z0-9._/\-]{0,39}",
            re.IGNORECASE,
        ).fullmatch
        self.records: list[Record] = []
        self.skipped: list[int] = list(range(1, header.line))
        self.issues: list[RowIssue] = []
        self.short_rows: dict[int, int] = {}

    def run(self) -> None:
        """Read every line after the header into `records`, `skipped` and `issues`."""
        position = self._header.line
        total = len(self._lines)
        while position < total:
            restart = self._read_from(position)
            if restart is None:
                return
            position = restart

    def _error(self, line: int, reason: str) -> None:
        self.issues.append(
            RowIssue(self._path, line, None, None, reason, Severity.ERROR)
        )

    def _read_from(self, position: int) -> int | None:
        """Read records from the 0-based line index `position`.

        Returns the index to restart from when a record had to be re-read
        line by line, or None at the end of the file.
        """
        lines = self._lines
        reader = csv.reader(
            map(lines.__getitem__, range(position, len(lines))),
            delimiter=self._header.delimiter,
        )
        plain_symbol = self._plain_symbol
        symbol_index = self._symbol_index
        width = self._width
        append = self.records.append
        consumed = position
        try:
            for cells in reader:
                start = consumed + 1
                consumed = position + reader.line_num
                if consumed > start and self._spans_lines_wrongly(start, cells):
                    return start
                # Fast path for the usual data row: the right number of
                # fields and a plain symbol that is no totals or header label.
                if (
                    len(cells) == width
                    and plain_symbol(cells[symbol_index])
                    and "#" not in cells[0]
                ):
                    append((start, tuple(cells)))
                else:
                    self._sort(start, cells)
        except csv.Error as error:
            self._error(
                consumed + 1,
                f"the fields of this line cannot be split ({error}): check its quotes",
            )
            return consumed + 1
        return None

    def _spans_lines_wrongly(self, start: int, cells: list[str]) -> bool:
        """Report and return True if a record spanning lines is a stray quote.

        A comment line is never continued. A quoted field that goes on past
        a line break and then contains the delimiter most likely swallowed
        the following rows, so those lines are read again one by one.
        """
        if is_comment(self._lines[start - 1]):
            self.skipped.append(start)
            return True
        delimiter = self._header.delimiter
        for cell in cells:
            _, newline, rest = cell.replace("\r", "\n").partition("\n")
            if newline and delimiter in rest:
                self._error(
                    start,
                    "a quote opened on this line is not closed on it, so the "
                    "next lines were read as one field: close the quote or "
                    "remove it",
                )
                return True
        # NOTE: a quoted multi-line field without the delimiter after its
        # line break is kept as one field, as the CSV format allows.
        return False

    def _sort(self, line: int, cells: list[str]) -> None:
        """Add a row to `records` or `skipped`, whichever it belongs to."""
        if is_comment(self._lines[line - 1]):
            self.skipped.append(line)
            return
        count = len(cells)
        symbol = cells[self._symbol_index].strip() if self._symbol_index < count else ""
        if symbol and " " not in symbol and ":" not in symbol:
            # A symbol-like value: data unless it is a totals or header label.
            if self._is_summary_or_header(symbol, cells):
                self.skipped.append(line)
            else:
                self._add(line, cells)
            return
        first = next((index for index, cell in enumerate(cells) if cell.strip()), None)
        if first is None:
            self.skipped.append(line)
            return
        text = cells[first].strip()
        if self._is_summary_or_header(text, cells) or _is_note_row(cells, first):
            self.skipped.append(line)
            return
        self._add(line, cells)

    def _is_summary_or_header(self, text: str, cells: list[str]) -> bool:
        if _SUMMARY_ROW.fullmatch(text):
            return True
        if text.lower() != self._header_symbol:
            return False
        keys = self._header.keys
        same = sum(
            1
            for index, cell in enumerate(cells[: len(keys)])
            if header_key(cell) == keys[index]
        )
        return same * 2 >= len(keys)

    def _add(self, line: int, cells: list[str]) -> None:
        count = len(cells)
        width = self._width
        if count > width:
            used = max(index for index, cell in enumerate(cells) if cell.strip()) + 1
            if used > width:
                name = _DELIMITER_NAMES[self._header.delimiter]
                self._error(
                    line,
                    f"this row has {used} fields but the header has {width}: "
                    f"put quotes around values that contain the delimiter {name}, "
                    'such as "$4,000.00"',
                )
                return
        elif count < width:
            self.short_rows[line] = count
            cells.extend([""] * (width - count))
        # CPython stops tracking tuples of strings at the first garbage
        # collection that examines them, which keeps collections cheap on large
        # files. A list stays tracked.
        self.records.append((line, tuple(cells)))
