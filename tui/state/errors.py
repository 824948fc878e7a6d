"""Error-log state: causes grouped with a repeat count, and their export."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from domain.events import ErrorLogged

if TYPE_CHECKING:
    from storage.market import ErrorEntry

IMPORT_PROVIDER = "import"
"""Provider name of error-log entries that an import wrote."""

APP_PROVIDER = "app"
"""Provider name of error-log entries for failures inside the app itself."""

EXPORT_COLUMNS = (
    "first_at",
    "last_at",
    "provider",
    "kind",
    "count",
    "symbols",
    "message",
)
"""Columns of an error-log export, in order."""


@dataclass(frozen=True, slots=True)
class ErrorGroup:
    """Every repeat of one cause: same provider, kind and message.

    `symbols` lists what the cause hit: tickers for provider errors, and
    `line N` references for import issues.
    """

    provider: str
    kind: str
    message: str
    first_at: dt.datetime
    last_at: dt.datetime
    symbols: tuple[str, ...] = ()
    counts: tuple[tuple[str, int], ...] = ()
    """Repeat count per run, so entries of earlier runs add up."""

    @property
    def key(self) -> str:
        """A stable identifier of the cause."""
        return f"{self.provider}\x1f{self.kind}\x1f{self.message}"

    @property
    def count(self) -> int:
        """How often the cause occurred, over all runs."""
        return sum(count for _run, count in self.counts)

    def run_count(self, run: str) -> int:
        """How often the cause occurred in one run."""
        return dict(self.counts).get(run, 0)


def _merge_symbols(old: Sequence[str], new: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys([*old, *new]))


@dataclass(slots=True)
class ErrorLog:
    """Error groups by key, and the filters the pane applies."""

    groups: dict[str, ErrorGroup] = field(default_factory=dict)
    provider_filter: str | None = None
    kind_filter: str | None = None

    def add(
        self,
        *,
        run: str,
        provider: str,
        kind: str,
        message: str,
        symbols: Sequence[str],
        at: dt.datetime,
        count: int | None = None,
    ) -> ErrorGroup:
        """Record one occurrence of a cause in `run`, or set its count there.

        With `count`, the run's count becomes `count` when that is higher than
        the count already known, and otherwise rises by one. So an engine that
        reports a running count per cause and one that reports 1 for every
        repeat both end with the number of repeats.
        """
        probe = ErrorGroup(provider, kind, message, at, at)
        group = self.groups.get(probe.key, probe)
        known = group.run_count(run)
        new_count = count if count is not None and count > known else known + 1
        counts = dict(group.counts)
        counts[run] = new_count
        group = replace(
            group,
            first_at=min(group.first_at, at),
            last_at=max(group.last_at, at),
            symbols=_merge_symbols(group.symbols, symbols),
            counts=tuple(counts.items()),
        )
        self.groups[group.key] = group
        return group

    def load(self, entries: Iterable[ErrorEntry]) -> None:
        """Merge entries read from the database; each run keeps its own count."""
        for entry in entries:
            probe = ErrorGroup(
                entry.provider, entry.kind, entry.message, entry.first_at, entry.last_at
            )
            group = self.groups.get(probe.key, probe)
            counts = dict(group.counts)
            counts[entry.run_id] = max(counts.get(entry.run_id, 0), entry.count)
            self.groups[probe.key] = replace(
                group,
                first_at=min(group.first_at, entry.first_at),
                last_at=max(group.last_at, entry.last_at),
                symbols=_merge_symbols(group.symbols, entry.symbols),
                counts=tuple(counts.items()),
            )

    def apply_logged(self, run: str, event: ErrorLogged) -> ErrorGroup:
        """Record an ErrorLogged event of the refresh `run`."""
        return self.add(
            run=run,
            provider=event.provider,
            kind=event.kind,
            message=event.message,
            symbols=event.symbols,
            at=event.at,
            count=event.count,
        )

    def providers(self) -> list[str]:
        """Every provider name in the log, sorted."""
        return sorted({group.provider for group in self.groups.values()})

    def kinds(self) -> list[str]:
        """Every kind in the log, sorted."""
        return sorted({group.kind for group in self.groups.values()})

    def cycle_provider_filter(self) -> str | None:
        """Move the provider filter to the next provider, then back to all."""
        self.provider_filter = _next_choice(self.providers(), self.provider_filter)
        return self.provider_filter

    def cycle_kind_filter(self) -> str | None:
        """Move the kind filter to the next kind, then back to all."""
        self.kind_filter = _next_choice(self.kinds(), self.kind_filter)
        return self.kind_filter

    def visible(self) -> list[ErrorGroup]:
        """Groups that pass the filters, most recent first."""
        shown = [
            group
            for group in self.groups.values()
            if self.provider_filter in (None, group.provider)
            and self.kind_filter in (None, group.kind)
        ]
        return sorted(shown, key=lambda group: group.last_at, reverse=True)

    def export_records(self) -> list[dict[str, object]]:
        """The visible groups as records with the EXPORT_COLUMNS keys."""
        return [
            {
                "first_at": group.first_at.isoformat(),
                "last_at": group.last_at.isoformat(),
                "provider": group.provider,
                "kind": group.kind,
                "count": group.count,
                "symbols": list(group.symbols),
                "message": group.message,
            }
            for group in self.visible()
        ]

    def export_csv(self) -> str:
        """The visible groups as CSV text; symbols are separated by spaces."""
        # Imported here, on export, to keep rich's table module out of start-up.
        from tui.output import to_csv

        records = self.export_records()
        flat = []
        for record in records:
            symbols = record["symbols"]
            joined = " ".join(symbols) if isinstance(symbols, list) else ""
            flat.append({**record, "symbols": joined})
        return to_csv(EXPORT_COLUMNS, flat)

    def export_json(self) -> str:
        """The visible groups as a JSON array."""
        from tui.output import to_json

        return to_json(self.export_records())


def _next_choice(choices: list[str], current: str | None) -> str | None:
    if not choices:
        return None
    if current is None or current not in choices:
        return choices[0]
    index = choices.index(current) + 1
    return choices[index] if index < len(choices) else None
