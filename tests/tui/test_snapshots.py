"""Snapshots of the main screen at 80×24: colour, NO_COLOR and mid-refresh."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest
from snapshot_apps.main_screen import build_app, mid_refresh, prepare_database
from textual.pilot import Pilot

from tui.app import DRAIN_INTERVAL

SnapCompare = Callable[..., bool]


@pytest.fixture
def prepared_url(tmp_path: Path) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'snapshot.sqlite3'}"
    asyncio.run(prepare_database(url))
    return url


async def loaded(pilot: Pilot[None]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_main_screen_colour(snap_compare: SnapCompare, prepared_url: str) -> None:
    assert snap_compare(build_app(prepared_url), run_before=loaded)


def test_main_screen_no_color(
    snap_compare: SnapCompare, prepared_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    assert snap_compare(build_app(prepared_url), run_before=loaded)


def test_main_screen_mid_refresh(snap_compare: SnapCompare, prepared_url: str) -> None:
    hold = asyncio.Event()

    async def refreshing(pilot: Pilot[None]) -> None:
        await loaded(pilot)
        await pilot.press("r")
        await pilot.pause(DRAIN_INTERVAL * 2)

    app = build_app(prepared_url, refresh=mid_refresh(hold))
    assert snap_compare(app, run_before=refreshing)
