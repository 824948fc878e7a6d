"""Error-log pane: entries from the database, filters, expand and export."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Static
from tui_helpers import (
    BAD_ROW,
    GOOD_ROWS,
    NOW,
    at,
    make_app,
    settle,
    write_targets,
)

from storage.market import list_errors, log_error
from storage.store import Store


async def seed_errors(store: Store) -> None:
    async with store.sessions.begin() as session:
        for symbol in ("AAPL", "MSFT", "KO"):
            await log_error(
                session,
                run_id="r1",
                provider="fmp",
                kind="quota_exhausted",
                message="FMP daily quota reached: wait for the reset at 00:00 UTC",
                symbols=[symbol],
                at=NOW,
            )
        await log_error(
            session,
            run_id="r1",
            provider="polygon",
            kind="unknown_symbol",
            message="Polygon does not know this ticker: check the symbol",
            symbols=["ZOOM"],
            at=at(60),
        )


async def test_stored_errors_load_at_start(store: Store) -> None:
    await seed_errors(store)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        groups = app.error_pane.error_log.visible()
        assert [g.kind for g in groups] == ["unknown_symbol", "quota_exhausted"]
        assert groups[1].count == 3
        assert app.error_pane.table.row_count == 2


async def test_provider_filter_key(store: Store) -> None:
    await seed_errors(store)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.error_pane.table.focus()
        await pilot.press("f")
        assert app.error_pane.table.row_count == 1
        assert app.error_pane.border_subtitle == "via: fmp · kind: all"
        await pilot.press("f", "f")
        assert app.error_pane.table.row_count == 2


async def test_enter_expands_symbols(store: Store) -> None:
    await seed_errors(store)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.error_pane.table.focus()
        await pilot.press("down", "enter")
        detail = app.screen.query_one("#error-detail", Static)
        assert detail.display is True
        assert "symbols: AAPL MSFT KO" in str(detail.render())
        await pilot.press("enter")
        assert detail.display is False


async def test_export_csv_writes_file(store: Store, tmp_path: Path) -> None:
    await seed_errors(store)
    app = make_app(store, export_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.error_pane.table.focus()
        await pilot.press("c")
        await settle(pilot)
        path = tmp_path / "targetdesk-errors-20240614-203000.csv"
        assert path.exists()
        messages = [n.message for n in app._notifications]
        assert any(str(path) in message for message in messages)
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert [row["kind"] for row in rows] == ["unknown_symbol", "quota_exhausted"]
    assert rows[1]["symbols"] == "AAPL MSFT KO"


async def test_export_json_follows_filter(store: Store, tmp_path: Path) -> None:
    await seed_errors(store)
    app = make_app(store, export_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.error_pane.table.focus()
        await pilot.press("k", "j")
        await settle(pilot)
    path = tmp_path / "targetdesk-errors-20240614-203000.json"
    records = json.loads(path.read_text(encoding="utf-8"))
    assert [r["kind"] for r in records] == ["quota_exhausted"]
    assert records[0]["count"] == 3


async def preview_file(pilot: Pilot[None], path: Path) -> None:
    await pilot.press("i")
    await pilot.pause()
    await pilot.press(*path.name)
    await pilot.press("enter")
    await settle(pilot)


async def test_cancelled_preview_logs_nothing(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    path = write_targets(tmp_path / "targets.csv", [*GOOD_ROWS, BAD_ROW])
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await preview_file(pilot, path)
        await pilot.press("escape")
        await settle(pilot)
        assert len(app.screen_stack) == 1
        assert app.error_pane.error_log.groups == {}
        assert app.error_pane.table.row_count == 0
    async with store.sessions() as session:
        assert await list_errors(session) == []


async def test_import_success_not_an_error(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    path = write_targets(tmp_path / "targets.csv", GOOD_ROWS)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await preview_file(pilot, path)
        await pilot.press("ctrl+s")
        await settle(pilot, 0.5)
        assert app.target_pane.table.row_count == 4
        assert app.error_pane.error_log.groups == {}
        assert app.error_pane.border_title == "Error log (0)"
        messages = [n.message for n in app._notifications]
        assert any("Imported 4 rows into main" in message for message in messages)
