"""Target-table state: rows, cell text, sorting, filtering and selection."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from operator import itemgetter

from rich.text import Text

from domain.calendar import NEW_YORK, SESSION_CLOSE
from domain.events import PriceResolved
from domain.models import PriceSource, ResolvedPrice
from domain.views import TargetView, build_target_view
from tui.state.format import (
    MISSING,
    format_percent_short,
    format_price,
    format_sessions,
)

RANGE_WIDTH = 10
"""Characters in a row's range bar."""

COLUMNS: tuple[tuple[str, str], ...] = (
    ("symbol", "Symbol"),
    ("type", "Type"),
    ("price", "Price"),
    ("source", "Source"),
    ("age", "Age"),
    ("eoy", "EOY %"),
    ("next", "Next %"),
    ("down", "Down %"),
    ("range", "Range D●EN"),
)
"""Column keys and labels of the target table, in display order."""

COLUMN_KEYS = tuple(key for key, _label in COLUMNS)

COLUMN_WIDTHS = {
    "source": 8,
    "age": 3,
    "eoy": 6,
    "next": 6,
    "down": 6,
    "range": RANGE_WIDTH,
}
"""Fixed widths of the columns whose text changes with each price, so an
update never reflows the table. Other columns fit their content."""

AUTO_WIDTH_COLUMNS = tuple(
    (index, key) for index, key in enumerate(COLUMN_KEYS) if key not in COLUMN_WIDTHS
)
"""Position and key of each column that fits its content."""

PRICE_COLUMNS = ("price", "source", "age", "eoy", "next", "down", "range")
"""Columns whose cells change when a new price arrives."""

SORT_ORDER = ("symbol", "eoy", "next", "down", "price", "source", "age", "type")
"""Columns the sort key steps through, in order."""

SELECTED_MARK = "✓"


def row_key(view: TargetView) -> str:
    """Return the table row key of a target: symbol and position type."""
    return f"{view.target.symbol}:{view.target.position_type.value}"


def key_of_cells(symbol: Text, position_type: Text) -> str:
    """Return the row key that a row's symbol and type cells show."""
    return f"{symbol.plain.removeprefix(SELECTED_MARK)}:{position_type.plain}"


def source_label(resolved: ResolvedPrice) -> str:
    """Name the price source in text: fmp, polygon, cache, stale Nd, user or —."""
    source = resolved.source
    if source is None:
        return MISSING
    if source is PriceSource.USER:
        return "user"
    if resolved.stale:
        return f"stale {resolved.age_sessions or 0}d"
    if source is PriceSource.FRESH_CACHE:
        return "cache"
    return source.value


def session_age(resolved: ResolvedPrice) -> int | None:
    """Return the price's age in NYSE sessions, or None for user and missing prices."""
    if resolved.source is None or resolved.source is PriceSource.USER:
        return None
    return resolved.age_sessions


def _session_close(session: dt.date) -> dt.datetime:
    local = dt.datetime.combine(session, SESSION_CLOSE, tzinfo=NEW_YORK)
    return local.astimezone(dt.UTC)


def resolved_from_event(event: PriceResolved) -> ResolvedPrice:
    """Build the resolved price a PriceResolved event describes.

    The event has no quote time, so the as-of time is the close of the
    quote's session, or the event time if that is earlier (an intraday quote).
    """
    source = PriceSource(event.source) if event.source else None
    as_of = None
    if source is not None and source is not PriceSource.USER:
        as_of = event.at
        if event.session is not None:
            as_of = min(event.at, _session_close(event.session))
    return ResolvedPrice(
        price=event.price,
        source=source,
        as_of=as_of,
        session=event.session,
        stale=event.stale,
        age_sessions=event.age_sessions,
        reason=event.reason,
    )


def range_bar(
    view: TargetView, width: int = RANGE_WIDTH, *, colour: bool = True
) -> Text:
    """Draw downside (D), price (●) and targets (E, N) on one line of text.

    The line spans the lowest to the highest of the four values. The price
    marker wins when two markers fall on the same character. Without
    `colour`, only the price marker is styled (bold).
    """
    target = view.target
    marks: list[tuple[Decimal, str, str]] = []
    for value, char, style in (
        (target.downside, "D", "red"),
        (target.target_eoy, "E", "green"),
        (target.target_next_year, "N", "green"),
        (view.resolved.price, "●", "bold"),
    ):
        if value is not None and value > 0:
            marks.append((value, char, style))
    if len(marks) < 2:
        return Text(MISSING)
    low = min(value for value, _c, _s in marks)
    high = max(value for value, _c, _s in marks)
    cells: list[tuple[str, str]] = [("─", "dim")] * width
    for value, char, style in marks:
        share = Decimal("0.5") if high == low else (value - low) / (high - low)
        cells[round(share * (width - 1))] = (char, style)
    text = Text()
    for char, style in cells:
        text.append(char, style=style if colour or style == "bold" else "")
    return text


def _percent_cell(value: Decimal | None, colour: bool) -> Text:
    style = ""
    if colour and value is not None and value != 0:
        style = "green" if value > 0 else "red"
    return Text(format_percent_short(value), style=style, justify="right")


def _source_cell(resolved: ResolvedPrice, colour: bool) -> Text:
    """Return the source label as a cell. Colour only repeats what the label states."""
    label = source_label(resolved)
    if resolved.source is PriceSource.USER:
        return Text(label, style="italic magenta" if colour else "italic")
    if resolved.stale:
        return Text(label, style="yellow" if colour else "")
    if resolved.source is None:
        return Text(label, style="red" if colour else "")
    return Text(label)


SortKey = Callable[[TargetView], tuple[bool, object]]


def _matches(view: TargetView, upper: str, lower: str) -> bool:
    """Return whether the symbol contains `upper` or the source label `lower`."""
    return upper in view.target.symbol or lower in source_label(view.resolved)


def _key_of(column: str, now: dt.datetime) -> SortKey:
    """Return a sort key that puts missing values last in either direction."""

    def number(value: Decimal | None) -> tuple[bool, object]:
        return (value is None, value if value is not None else Decimal(0))

    keys: dict[str, SortKey] = {
        "symbol": lambda v: (False, v.target.symbol),
        "type": lambda v: (False, v.target.position_type.value),
        "price": lambda v: number(v.resolved.price),
        "source": lambda v: (False, source_label(v.resolved)),
        "age": lambda v: (
            session_age(v.resolved) is None,
            session_age(v.resolved) or 0,
        ),
        "eoy": lambda v: number(v.returns.eoy),
        "next": lambda v: number(v.returns.next_year),
        "down": lambda v: number(v.returns.downside),
    }
    return keys[column]


@dataclass(slots=True)
class TargetTableState:
    """Targets of one portfolio by row key, with sort, filter and selection.

    The cells of each row are built once and cached until the row's price,
    selection or the colour setting changes, so sorting and filtering reuse
    them.
    """

    views: dict[str, TargetView] = field(default_factory=dict)
    sort_column: str = "symbol"
    sort_reverse: bool = False
    filter_text: str = ""
    selected: set[str] = field(default_factory=set)
    colour: bool = True
    """Whether cells carry colours. Under NO_COLOR the text shows each state."""
    _keys_by_symbol: dict[str, list[str]] = field(default_factory=dict, repr=False)
    """Row keys of each symbol, in load order: one per position type."""
    _row_cells: dict[str, tuple[Text, ...]] = field(default_factory=dict, repr=False)
    """Cached cells of each row, in COLUMNS order."""
    _cells_colour: bool = field(default=True, repr=False)
    """The `colour` setting the cached cells were built with."""
    _widths: dict[str, int] = field(default_factory=dict, repr=False)
    """Widest cell built in each AUTO_WIDTH_COLUMNS column since the last load."""

    def load(self, views: Iterable[TargetView]) -> None:
        """Replace every row; the selection keeps only rows that still exist."""
        self.views = {row_key(view): view for view in views}
        self.selected &= set(self.views)
        self._keys_by_symbol = {}
        for key, view in self.views.items():
            self._keys_by_symbol.setdefault(view.target.symbol, []).append(key)
        self._row_cells.clear()
        self._widths.clear()

    def matches(self, view: TargetView) -> bool:
        """Return whether the row's symbol or source label contains the filter text."""
        text = self.filter_text.strip()
        return not text or _matches(view, text.upper(), text.lower())

    def visible_keys(self, now: dt.datetime) -> list[str]:
        """Keys of the rows that pass the filter, in sort order.

        Rows without a value in the sort column come last in either
        direction, in load order.
        """
        key = _key_of(self.sort_column, now)
        present: list[tuple[object, str]] = []
        missing: list[str] = []
        text = self.filter_text.strip()
        upper, lower = text.upper(), text.lower()
        for name, view in self.views.items():
            if text and not _matches(view, upper, lower):
                continue
            is_missing, value = key(view)
            if is_missing:
                missing.append(name)
            else:
                present.append((value, name))
        # Sort on the value alone, so rows with equal values keep load order.
        present.sort(key=itemgetter(0))
        if self.sort_reverse:
            present.reverse()
        return [name for _value, name in present] + missing

    def row_cells(self, key: str) -> tuple[Text, ...]:
        """Return the cells of a row in COLUMNS order, built once and then cached.

        The returned Text objects are shared with the table, so callers must
        not change them.
        """
        if self._cells_colour != self.colour:
            self._row_cells.clear()
            self._widths.clear()
            self._cells_colour = self.colour
        cells = self._row_cells.get(key)
        if cells is None:
            cells = self._build_cells(key)
            self._row_cells[key] = cells
            self._measure(cells)
        return cells

    def auto_widths(self) -> dict[str, int]:
        """Widest cell of each auto-width column among the cells built since load.

        Widths never shrink until the next load, so filtering the rows leaves
        the columns where they were.
        """
        return dict(self._widths)

    def _measure(self, cells: tuple[Text, ...]) -> None:
        widths = self._widths
        for index, key in AUTO_WIDTH_COLUMNS:
            width = cells[index].cell_len
            if width > widths.get(key, 0):
                widths[key] = width

    def cells(self, key: str, now: dt.datetime) -> dict[str, Text]:
        """Return the text of each cell of a row, by column key."""
        return dict(zip(COLUMN_KEYS, self.row_cells(key), strict=True))

    def _build_cells(self, key: str) -> tuple[Text, ...]:
        view = self.views[key]
        symbol = view.target.symbol
        if key in self.selected:
            symbol = SELECTED_MARK + symbol
        return (
            Text(symbol, style="bold" if key in self.selected else ""),
            Text(view.target.position_type.value),
            *self._price_cells(view),
        )

    def _price_cells(self, view: TargetView) -> tuple[Text, ...]:
        """Build the cells of PRICE_COLUMNS, which follow symbol and type."""
        resolved = view.resolved
        return (
            Text(format_price(resolved.price), justify="right"),
            _source_cell(resolved, self.colour),
            Text(format_sessions(session_age(resolved)), justify="right"),
            _percent_cell(view.returns.eoy, self.colour),
            _percent_cell(view.returns.next_year, self.colour),
            _percent_cell(view.returns.downside, self.colour),
            range_bar(view, colour=self.colour),
        )

    def apply_prices(self, events: Iterable[PriceResolved]) -> list[str]:
        """Apply resolved prices; return the keys of the rows they changed.

        Only the rows of the events' symbols are touched, through the
        symbol index. Their cached symbol and type cells are kept, because
        the table still shows those objects, and their price cells are rebuilt.
        """
        changed: dict[str, None] = {}
        for event in events:
            keys = self._keys_by_symbol.get(event.symbol)
            if not keys:
                continue
            resolved = resolved_from_event(event)
            for key in keys:
                view = self.views[key]
                view = build_target_view(view.portfolio, view.target, resolved)
                self.views[key] = view
                cells = self._row_cells.get(key)
                if cells is not None and self._cells_colour == self.colour:
                    cells = cells[:2] + self._price_cells(view)
                    self._row_cells[key] = cells
                    self._measure(cells)
                else:
                    self._row_cells.pop(key, None)
                changed[key] = None
        return list(changed)

    def remove(self, key: str) -> None:
        """Drop a row, its selection and its cached cells."""
        view = self.views.pop(key, None)
        self.selected.discard(key)
        self._row_cells.pop(key, None)
        if view is None:
            return
        keys = self._keys_by_symbol.get(view.target.symbol, [])
        if key in keys:
            keys.remove(key)
        if not keys:
            self._keys_by_symbol.pop(view.target.symbol, None)

    def toggle_selected(self, key: str) -> bool:
        """Select or unselect a row; return whether it is now selected."""
        if key in self.selected:
            self.selected.discard(key)
            self._row_cells.pop(key, None)
            return False
        if key in self.views:
            self.selected.add(key)
            self._row_cells.pop(key, None)
            return True
        return False

    def cycle_sort(self) -> None:
        """Sort by the next column of SORT_ORDER, ascending."""
        index = (
            SORT_ORDER.index(self.sort_column) if self.sort_column in SORT_ORDER else -1
        )
        self.sort_column = SORT_ORDER[(index + 1) % len(SORT_ORDER)]
        self.sort_reverse = False

    def reverse_sort(self) -> None:
        """Flip the sort direction."""
        self.sort_reverse = not self.sort_reverse

    def describe(self) -> str:
        """Sort, filter and selection in words, for the pane's subtitle."""
        label = dict(COLUMNS)[self.sort_column]
        arrow = "descending" if self.sort_reverse else "ascending"
        parts = [f"sort: {label} {arrow}"]
        if self.filter_text.strip():
            parts.append(f"filter: {self.filter_text.strip()}")
        if self.selected:
            parts.append(f"{len(self.selected)} selected")
        return " · ".join(parts)

    def symbols_of(self, keys: Iterable[str]) -> list[str]:
        """Distinct symbols of the given rows, in order."""
        return list(
            dict.fromkeys(
                self.views[key].target.symbol for key in keys if key in self.views
            )
        )
