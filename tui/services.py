"""Inputs the app takes from outside: the refresh engine and display settings."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from domain.events import Event
from domain.resolution import DEFAULT_STALE_SESSIONS
from providers.plans import Plan

if TYPE_CHECKING:
    from providers.setup import EngineSettings

EventSink = Callable[[Event], None]
"""Receives each domain event as it happens, on the app's asyncio loop."""

RefreshFunction = Callable[[Sequence[str] | None, EventSink], Awaitable[object]]
"""Refreshes the given canonical symbols, or every symbol of every portfolio
for None, and returns when finished. Cancelling the awaiting task cancels it."""


@dataclass
class AppServices:
    """Services and settings the TUI runs with.

    Attributes:
        refresh: The fetch engine's refresh, or None when no provider is
            configured, in which case the refresh keys explain how to set one up.
        demo_note: Text shown in the header in demo mode.
        stale_sessions: Sessions a cached quote may lag and still be shown.
        export_dir: Directory error-log exports are written to; None is the
            current working directory.
        check_symbols_online: Whether the import dialog looks symbols up on
            Polygon; without it only known renames and cached data are checked.
        provider_settings: Provider settings of that lookup; None loads them
            from the environment.
        providers: Plans of the providers the engine uses, in order of
            preference. The status line lists them from the start.
    """

    refresh: RefreshFunction | None = None
    demo_note: str | None = None
    stale_sessions: int = DEFAULT_STALE_SESSIONS
    export_dir: Path | None = None
    check_symbols_online: bool = False
    provider_settings: EngineSettings | None = None
    providers: tuple[Plan, ...] = ()
