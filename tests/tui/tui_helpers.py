"""Shared pieces of the TUI tests: a fixed clock, event builders and app setup."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable, Sequence
from decimal import Decimal
from pathlib import Path

from rich.text import Text
from textual import events
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import DataTable

from domain.events import Event
from storage.store import Store
from tui.app import TargetdeskApp
from tui.services import AppServices, EventSink

NOW = dt.datetime(2024, 6, 14, 20, 30, tzinfo=dt.UTC)
"""A Friday, after the NYSE close, so the latest completed session is today's."""

SESSION = dt.date(2024, 6, 14)

TARGETS_HEADER = (
    "symbol,position_type,target_eoy,target_next_year,downside,current_price"
)


def fixed_clock() -> dt.datetime:
    """Return NOW."""
    return NOW


def at(seconds: float) -> dt.datetime:
    """Return NOW plus `seconds`."""
    return NOW + dt.timedelta(seconds=seconds)


def write_targets(path: Path, rows: Sequence[str]) -> Path:
    """Write a target-price CSV file with the canonical header."""
    path.write_text("\n".join([TARGETS_HEADER, *rows]) + "\n", encoding="utf-8")
    return path


GOOD_ROWS = (
    "AAPL,LONG,238.00,262.00,172.00,205.40",
    "MSFT,LONG,520.00,575.00,395.00,462.80",
    "TSLA,SHORT,240.00,210.00,410.00,318.50",
    "KO,LONG,74.00,78.50,62.00,69.20",
)
BAD_ROW = "NVDA,LONG,178.00,210.00,-5.00,149.20"
"""A row the importer rejects: the downside must be greater than 0."""


class ScriptedRefresh:
    """A refresh that emits scripted events.

    A number in the script sleeps that many seconds, and an asyncio.Event
    waits until the test sets it.

    With `hold`, the refresh waits for it after the last event, so a test can
    look at the app in the middle of a refresh. `calls` records the symbols
    of each call.
    """

    def __init__(
        self,
        events: Sequence[Event | float | asyncio.Event],
        *,
        hold: asyncio.Event | None = None,
    ) -> None:
        self.events = events
        self.hold = hold
        self.calls: list[Sequence[str] | None] = []

    async def __call__(self, symbols: Sequence[str] | None, emit: EventSink) -> object:
        self.calls.append(symbols)
        for item in self.events:
            if isinstance(item, Event):
                emit(item)
            elif isinstance(item, asyncio.Event):
                await item.wait()
            else:
                await asyncio.sleep(item)
        if self.hold is not None:
            await self.hold.wait()
        return None


def make_app(
    store: Store,
    *,
    refresh: Callable[[Sequence[str] | None, EventSink], Awaitable[object]]
    | None = None,
    export_dir: Path | None = None,
    portfolio: str | None = None,
    clock: Callable[[], dt.datetime] = fixed_clock,
) -> TargetdeskApp:
    """Build the app on `store` with a fixed clock."""
    services = AppServices(refresh=refresh, export_dir=export_dir)
    return TargetdeskApp(store, services=services, portfolio=portfolio, clock=clock)


async def settle(pilot: Pilot[None], seconds: float = 0.0) -> None:
    """Wait for every worker, then for the screen to repaint."""
    if seconds:
        await pilot.pause(seconds)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def price(value: str) -> Decimal:
    """Return a Decimal price."""
    return Decimal(value)


def cell_text(table: DataTable[object], row: str, column: str) -> str:
    """Return the plain text of one table cell."""
    cell = table.get_cell(row, column)
    assert isinstance(cell, Text)
    return cell.plain


KEY_NAMES = {"/": "slash", "?": "question_mark", " ": "space"}
"""Textual's key names of the characters whose name differs from the character."""


def send_burst(app: App[None], text: str) -> None:
    """Queue one key event per character at once, as a paste or one SSH read does.

    Pilot.press waits for each key to be handled, so it cannot show keys
    that arrive together.
    """
    for character in text:
        app.post_message(events.Key(KEY_NAMES.get(character, character), character))
