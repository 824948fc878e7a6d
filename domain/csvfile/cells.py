"""Read number and date cells in the style a file uses.

A file's decimal style (1,234.56 or 1.234,56) and the order of day and month
in dates such as 03/04/2024 are decided once per file, from the cells whose
reading is unambiguous. `detect_decimal_style` and `detect_date_order` make
that decision. `NumberReader` and `DateReader` then read every cell with it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from decimal import Decimal
from enum import StrEnum

from domain.csvfile.report import ImportFileError

Record = tuple[int, tuple[str, ...]]
"""A data row: its physical line number and its cells."""

CellRef = tuple[int, int, str]
"""A cell: its line number, column index and stripped text."""

# Compared after strip() and lower().
MISSING_MARKERS = frozenset(
    {"-", "--", "---", "—", "–", "n/a", "na", "n.a.", "#n/a", "none", "null", "nan"}
)


class CellError(ValueError):
    """A cell's text is not a valid value. The message states what to write."""


class DecimalStyle(StrEnum):
    """Decimal mark of a file."""

    POINT = "."
    """Decimal point, comma or space thousands: 1,234.56."""
    COMMA = ","
    """Decimal comma, point or space thousands: 1.234,56."""


class DateOrder(StrEnum):
    """Order of day and month in numeric dates such as 03/04/2024."""

    MONTH_FIRST = "MDY"
    DAY_FIRST = "DMY"


# Sign, accounting parentheses and currency around the digits, as in
# "$(700.00)", "-$1,050", "(€ 12,50)", "1.234,56 €" or "700.00-".
_CURRENCY = r"(?:US\$|USD|EUR|GBP|[$€£¥])"
_DECORATED = re.compile(
    rf"""
    (?P<lead>[-+\u2212])?\s*
    {_CURRENCY}?\s*
    (?P<open>\()?\s*
    (?P<inner>[-+\u2212])?\s*
    {_CURRENCY}?\s*
    (?P<after>[-+\u2212])?\s*
    (?P<body>[0-9][0-9.,'\u00a0\u202f ]*|[.,][0-9]+)\s*
    {_CURRENCY}?\s*
    (?P<close>\))?\s*
    {_CURRENCY}?
    (?P<trail>-)?
    """,
    re.VERBOSE,
)
_GROUPING_SPACES = str.maketrans("", "", " '\u00a0\u202f")
_BODY = {
    DecimalStyle.POINT: re.compile(
        r"(?:\d{1,3}(?:,\d{3})+|\d{1,3}(?:[ '\u00a0\u202f]\d{3})+|\d+)(?:\.\d*)?"
        r"|\.\d+"
    ),
    DecimalStyle.COMMA: re.compile(
        r"(?:\d{1,3}(?:\.\d{3})+|\d{1,3}(?:[ '\u00a0\u202f]\d{3})+|\d+)(?:,\d*)?"
        r"|,\d+"
    ),
}
PLAIN_NUMBER = {
    DecimalStyle.POINT: re.compile(r"\d+(?:\.\d+)?"),
    DecimalStyle.COMMA: re.compile(r"\d+(?:,\d+)?"),
}
"""Cells that need no cleaning in each style; used as the fast path."""

# Cells joined with U+001F. A comma, or two points in one cell, could prove
# the comma style; a point, or two commas in one cell, the point style.
_COMMA_EVIDENCE = re.compile(r",|\.[^.\x1f]*\.")
_POINT_EVIDENCE = re.compile(r"\.|,[^,\x1f]*,")
_EXAMPLE = {DecimalStyle.POINT: "96.62", DecimalStyle.COMMA: "96,62"}
_AMBIGUOUS = "ambiguous"


def _split_decorations(text: str) -> tuple[str, bool] | None:
    """Return the digits of a number cell and whether it is negative.

    Returns None if the text is not a number in either style.
    """
    match = _DECORATED.fullmatch(text)
    if match is None:
        return None
    if (match["open"] is None) != (match["close"] is None):
        return None
    signs = [
        sign
        for sign in (match["lead"], match["inner"], match["after"], match["trail"])
        if sign is not None
    ]
    if len(signs) > 1 or (signs and match["open"] is not None):
        return None
    negative = match["open"] is not None or signs not in ([], ["+"])
    return match["body"].rstrip(), negative


def classify_number(text: str) -> DecimalStyle | str | None:
    """Return the decimal style a number cell proves, "ambiguous", or None.

    "1,234.56", "1.5" and "0.125" prove the point style. "1.234,56", "1,5" and
    "1.234.567" prove the comma style. "1,234" and "1.234" are ambiguous,
    because a three-digit group after one mark reads either way. Plain
    integers and cells that are not numbers prove nothing and return None.
    """
    parts = _split_decorations(text.strip())
    if parts is None:
        return None
    body = parts[0].translate(_GROUPING_SPACES)
    point = body.rfind(".")
    comma = body.rfind(",")
    if point >= 0 and comma >= 0:
        return DecimalStyle.POINT if point > comma else DecimalStyle.COMMA
    if point < 0 and comma < 0:
        return None
    mark = "." if point >= 0 else ","
    own_style = DecimalStyle.POINT if mark == "." else DecimalStyle.COMMA
    other_style = DecimalStyle.COMMA if mark == "." else DecimalStyle.POINT
    if body.count(mark) > 1:
        # Only thousands separators repeat, each before three digits. Text
        # such as "12..5" or "12.5.1" proves nothing and is rejected later
        # as a cell that is not a number.
        head, *groups = body.split(mark)
        if 1 <= len(head) <= 3 and all(len(g) == 3 and g.isdigit() for g in groups):
            return other_style
        return None
    head, _, tail = body.partition(mark)
    if len(tail) != 3 or not head or len(head) > 3 or head[0] == "0":
        return own_style
    return _AMBIGUOUS


def detect_decimal_style(
    records: Sequence[Record],
    columns: Sequence[int],
    default: DecimalStyle,
    path: str,
) -> tuple[DecimalStyle, CellRef | None]:
    """Decide the decimal style of a file from its number cells.

    Returns the style and, when no cell proved a style and `default` was
    used, the first ambiguous cell (else None).

    Raises:
        ImportFileError: if one cell proves the point style and another the
            comma style. The message names both lines.
    """
    found: dict[DecimalStyle, tuple[int, str]] = {}
    first_ambiguous: CellRef | None = None
    other_style_evidence: re.Pattern[str] | None = None
    for line, cells in records:
        # Once a style is known, only a row that could prove the other
        # style is examined cell by cell.
        if other_style_evidence is not None and not other_style_evidence.search(
            "\x1f".join([cells[index] for index in columns])
        ):
            continue
        for index in columns:
            text = cells[index]
            if "." not in text and "," not in text:
                continue
            style = classify_number(text)
            if style is None:
                continue
            if style == _AMBIGUOUS:
                if first_ambiguous is None:
                    first_ambiguous = (line, index, text.strip())
                continue
            assert isinstance(style, DecimalStyle)
            found.setdefault(style, (line, text.strip()))
            if len(found) == 2:
                _raise_mixed_styles(found, path)
            other_style_evidence = (
                _COMMA_EVIDENCE if style is DecimalStyle.POINT else _POINT_EVIDENCE
            )
    if found:
        return next(iter(found)), None
    return default, first_ambiguous


def _raise_mixed_styles(found: dict[DecimalStyle, tuple[int, str]], path: str) -> None:
    point_line, point_text = found[DecimalStyle.POINT]
    comma_line, comma_text = found[DecimalStyle.COMMA]
    first, second = sorted((point_line, comma_line))
    raise ImportFileError(
        path,
        "mixed decimal styles",
        f"line {point_line} writes {point_text!r} with a decimal point, but line "
        f"{comma_line} writes {comma_text!r} with a decimal comma: write every "
        "number in one style, such as 1234.56 or 1234,56",
        lines=(first, second),
    )


class NumberReader:
    """Reads number cells in one decimal style.

    Currency signs ($ € £ ¥, USD, EUR, GBP), grouping marks, a leading or
    trailing minus and accounting parentheses are accepted:
    "$(700.00)" reads as -700.00.
    """

    def __init__(self, style: DecimalStyle) -> None:
        self.style = style
        self.plain = PLAIN_NUMBER[style]
        self._body = _BODY[style]
        self._grouping = str.maketrans(
            "", "", " '\u00a0\u202f" + ("," if style is DecimalStyle.POINT else ".")
        )
        self.example = _EXAMPLE[style]

    def read(self, text: str) -> Decimal:
        """Read a stripped, non-empty cell that is not a missing marker.

        Raises:
            CellError: if the text is not a number in this style.
        """
        if self.plain.fullmatch(text):
            if self.style is DecimalStyle.COMMA:
                text = text.replace(",", ".")
            return Decimal(text)
        if "%" in text:
            raise CellError(
                f"a percentage is not a price: write the amount, such as {self.example}"
            )
        parts = _split_decorations(text)
        if parts is None or not self._body.fullmatch(parts[0]):
            raise CellError(
                f"not a number: write a plain number such as {self.example}"
            )
        body, negative = parts
        digits = body.translate(self._grouping)
        if self.style is DecimalStyle.COMMA:
            digits = digits.replace(",", ".")
        value = Decimal(digits)
        return -value if negative else value


_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
# An optional time of day after a date, as spreadsheets and brokers add it.
_TIME_SUFFIX = (
    r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
    r"(?:\s*[AaPp][Mm])?(?:Z|[+-]\d{2}:?\d{2})?)?"
)
_ISO_DATE = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})" + _TIME_SUFFIX)
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_NUMERIC_DATE = re.compile(r"(\d{1,2})([/-])(\d{1,2})\2(\d{4}|\d{2})" + _TIME_SUFFIX)
_DOTTED_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})" + _TIME_SUFFIX)
_DAY_MONTH_NAME = re.compile(r"(\d{1,2})[ -]([A-Za-z]{3,9})\.?[-, ]+(\d{4})")
_MONTH_NAME_DAY = re.compile(r"([A-Za-z]{3,9})\.? (\d{1,2}),? (\d{4})")
_DATE_HINT = "write it as YYYY-MM-DD, such as 2024-01-15"


def _full_year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        # The POSIX rule that Python's strptime %y follows: 69-99 are
        # 1969-1999, and 00-68 are 2000-2068.
        year += 1900 if year >= 69 else 2000
    return year


def detect_date_order(
    records: Sequence[Record],
    columns: Sequence[int],
    default: DateOrder,
    path: str,
) -> tuple[DateOrder, CellRef | None]:
    """Decide whether numeric dates such as 03/04/2024 put the month first.

    Only dates written with `/` or `-` and the year last are considered.
    Returns the order and, when no date proved an order and `default` was
    used, the first ambiguous date cell (else None).

    Raises:
        ImportFileError: if one date has a day above 12 first and another
            has one second. The message names both lines.
    """
    found: dict[DateOrder, tuple[int, str]] = {}
    first_ambiguous: CellRef | None = None
    for line, cells in records:
        count = len(cells)
        for index in columns:
            if index >= count:
                continue
            text = cells[index].strip()
            match = _NUMERIC_DATE.fullmatch(text)
            if match is None:
                continue
            first, second = int(match[1]), int(match[3])
            if first > 12 >= second:
                found.setdefault(DateOrder.DAY_FIRST, (line, text))
            elif second > 12 >= first:
                found.setdefault(DateOrder.MONTH_FIRST, (line, text))
            elif first != second and first_ambiguous is None:
                first_ambiguous = (line, index, text)
        if len(found) == 2:
            day_line, day_text = found[DateOrder.DAY_FIRST]
            month_line, month_text = found[DateOrder.MONTH_FIRST]
            raise ImportFileError(
                path,
                "mixed date orders",
                f"line {day_line} writes {day_text!r} with the day first, but "
                f"line {month_line} writes {month_text!r} with the month first: "
                "write every date as YYYY-MM-DD",
                lines=tuple(sorted((day_line, month_line))),
            )
    if found:
        return next(iter(found)), None
    return default, first_ambiguous


class DateReader:
    """Reads date cells, with numeric day and month in one order.

    Accepted: 2024-01-15 and 2024/01/15 (with an optional time), 20240115,
    01/15/2024 or 15/01/2024 in the given order, 15.01.2024, 15 Jan 2024 and
    Jan 15, 2024. A two-digit year follows the POSIX `%y` rule.
    """

    def __init__(self, order: DateOrder) -> None:
        self.order = order

    def read(self, text: str) -> dt.date:
        """Read a stripped, non-empty cell.

        Raises:
            CellError: if the text is not a date or names a day that does
                not exist.
        """
        fields = self._fields(text)
        if fields is None:
            raise CellError(f"not a date: {_DATE_HINT}")
        year, month, day = fields
        try:
            return dt.date(year, month, day)
        except ValueError:
            raise CellError(
                f"invalid date: that day does not exist, so {_DATE_HINT}"
            ) from None

    def _fields(self, text: str) -> tuple[int, int, int] | None:
        match = _ISO_DATE.fullmatch(text) or _COMPACT_DATE.fullmatch(text)
        if match:
            return int(match[1]), int(match[2]), int(match[3])
        match = _NUMERIC_DATE.fullmatch(text)
        if match:
            first, second = int(match[1]), int(match[3])
            year = _full_year(match[4])
            if self.order is DateOrder.MONTH_FIRST:
                return year, first, second
            return year, second, first
        match = _DOTTED_DATE.fullmatch(text)
        if match:
            return _full_year(match[3]), int(match[2]), int(match[1])
        match = _DAY_MONTH_NAME.fullmatch(text)
        if match and match[2].lower() in _MONTHS:
            return int(match[3]), _MONTHS[match[2].lower()], int(match[1])
        match = _MONTH_NAME_DAY.fullmatch(text)
        if match and match[1].lower() in _MONTHS:
            return int(match[3]), _MONTHS[match[1].lower()], int(match[2])
        return None
