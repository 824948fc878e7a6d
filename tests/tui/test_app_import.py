"""Import dialog, driven by the keyboard against a real SQLite database."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, DataTable, Input, Static
from tui_helpers import BAD_ROW, GOOD_ROWS, make_app, settle, write_targets

from storage.market import list_errors
from storage.portfolios import list_portfolios, list_targets
from storage.store import Store
from tui.app import TargetdeskApp
from tui.screens.import_file import ImportScreen


def text_of(app: TargetdeskApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


@pytest.fixture(autouse=True)
def _in_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run in tmp_path, so the tests type short relative paths as users do."""
    monkeypatch.chdir(tmp_path)


async def open_preview(pilot: Pilot[None], path: Path) -> None:
    await pilot.press("i")
    await pilot.pause()
    await pilot.press(*path.name)
    await pilot.press("enter")
    await settle(pilot)


async def test_import_writes_accepted_rows(store: Store, tmp_path: Path) -> None:
    path = write_targets(tmp_path / "targets.csv", [*GOOD_ROWS, BAD_ROW])
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_preview(pilot, path)
        assert isinstance(app.screen, ImportScreen)
        assert "4 accepted · 1 rejected" in text_of(app, "#import-status")
        issues = app.screen.query_one("#import-issues", DataTable)
        assert issues.row_count == 1
        assert str(issues.get_row_at(0)[0]) == "6"
        rows = app.screen.query_one("#import-rows", DataTable)
        assert rows.row_count == 5
        assert str(rows.get_row("6")[2]) == "error"
        await pilot.press("enter")
        await settle(pilot)
        assert len(app.screen_stack) == 1
        table = app.target_pane.table
        assert table.row_count == 4
        assert app.portfolio == "main"
    async with store.sessions() as session:
        stored = await list_targets(session, "main")
        errors = await list_errors(session)
    assert sorted(t.target.symbol for t in stored) == ["AAPL", "KO", "MSFT", "TSLA"]
    assert [e.kind for e in errors] == ["rejected_row"]
    assert errors[0].symbols == ("targets.csv:6",)


async def test_import_issue_logged_on_confirm(store: Store, tmp_path: Path) -> None:
    path = write_targets(tmp_path / "targets.csv", [*GOOD_ROWS, BAD_ROW])
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_preview(pilot, path)
        assert app.error_pane.error_log.visible() == []
        await pilot.press("ctrl+s")
        await settle(pilot)
        groups = app.error_pane.error_log.visible()
        assert [g.kind for g in groups] == ["rejected_row"]
        assert groups[0].symbols == ("targets.csv:6",)


async def test_import_cancel_writes_nothing(store: Store, tmp_path: Path) -> None:
    path = write_targets(tmp_path / "targets.csv", [*GOOD_ROWS, BAD_ROW])
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_preview(pilot, path)
        await pilot.press("escape")
        await settle(pilot)
        assert len(app.screen_stack) == 1
        assert app.target_pane.table.row_count == 0
    async with store.sessions() as session:
        assert await list_portfolios(session) == []
        assert await list_targets(session) == []
        assert await list_errors(session) == []


async def test_import_unusable_file_explained(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_text("", encoding="utf-8")
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_preview(pilot, path)
        assert "Cannot import this file" in text_of(app, "#import-status")
        assert app.screen.query_one("#import-confirm", Button).disabled
        kinds = [g.kind for g in app.error_pane.error_log.visible()]
        assert kinds == ["unusable_file"]


async def test_import_into_named_portfolio(store: Store, tmp_path: Path) -> None:
    path = write_targets(tmp_path / "targets.csv", GOOD_ROWS)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_preview(pilot, path)
        portfolio = app.screen.query_one("#import-portfolio", Input)
        portfolio.value = "growth"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.portfolio == "growth"
    async with store.sessions() as session:
        names = [p.name for p in await list_portfolios(session)]
    assert names == ["growth"]


async def test_tab_completes_path(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    write_targets(folder / "targets_2024.csv", GOOD_ROWS)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await pilot.pause()
        await pilot.press(*"exp")
        await pilot.press("tab")
        await pilot.press("tab")
        await pilot.pause()
        path_input = app.screen.query_one("#import-path", Input)
        assert path_input.value == "exports/targets_2024.csv"


FB_ROW = "FB,LONG,520.00,600.00,380.00,480.00"
"""A row whose symbol the built-in rename table flags as renamed to META."""


def row_status(app: TargetdeskApp, line: int) -> str:
    return str(app.screen.query_one("#import-rows", DataTable).get_row(str(line))[2])


async def move_to_line(pilot: Pilot[None], app: TargetdeskApp, line: int) -> None:
    table = app.screen.query_one("#import-rows", DataTable)
    table.focus()
    table.move_cursor(row=table.get_row_index(str(line)))
    await pilot.pause()


async def test_import_shows_rename_flag(store: Store, tmp_path: Path) -> None:
    path = write_targets(tmp_path / "targets.csv", [GOOD_ROWS[0], FB_ROW])
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await open_preview(pilot, path)
        assert row_status(app, 2) == "ok"
        assert row_status(app, 3) == "renamed → META"
        assert "1 rows flagged" in text_of(app, "#import-status")


async def test_import_accepts_suggestion(store: Store, tmp_path: Path) -> None:
    path = write_targets(tmp_path / "targets.csv", [GOOD_ROWS[0], FB_ROW])
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await open_preview(pilot, path)
        await move_to_line(pilot, app, 3)
        await pilot.press("a")
        await pilot.pause()
        table = app.screen.query_one("#import-rows", DataTable)
        assert str(table.get_row("3")[1]) == "FB → META"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert len(app.screen_stack) == 1
    async with store.sessions() as session:
        stored = await list_targets(session, "main")
    assert sorted(t.target.symbol for t in stored) == ["AAPL", "META"]


async def test_import_keeps_flagged_symbol(store: Store, tmp_path: Path) -> None:
    path = write_targets(tmp_path / "targets.csv", [FB_ROW])
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await open_preview(pilot, path)
        await pilot.press("ctrl+s")
        await settle(pilot)
    async with store.sessions() as session:
        stored = await list_targets(session, "main")
    assert [t.target.symbol for t in stored] == ["FB"]


async def test_import_skips_flagged_row(store: Store, tmp_path: Path) -> None:
    path = write_targets(tmp_path / "targets.csv", [GOOD_ROWS[0], FB_ROW])
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await open_preview(pilot, path)
        await move_to_line(pilot, app, 3)
        await pilot.press("x")
        await pilot.pause()
        assert row_status(app, 3) == "skipped"
        label = str(app.screen.query_one("#import-confirm", Button).label)
        assert label == "Import 1 row"
        await pilot.press("ctrl+s")
        await settle(pilot)
    async with store.sessions() as session:
        stored = await list_targets(session, "main")
    assert [t.target.symbol for t in stored] == ["AAPL"]


async def test_accept_without_suggestion_ignored(store: Store, tmp_path: Path) -> None:
    path = write_targets(tmp_path / "targets.csv", [GOOD_ROWS[0]])
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await open_preview(pilot, path)
        await move_to_line(pilot, app, 2)
        await pilot.press("a")
        await pilot.pause()
        table = app.screen.query_one("#import-rows", DataTable)
        assert str(table.get_row("2")[1]) == "AAPL"


async def test_bracket_cells_shown_as_typed(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "brackets.csv"
    path.write_text(
        "symbol,position_type,target_eoy,target_next_year,downside,current_price\n"
        "AAPL,LONG,[/],250,150,200\n"
        "MSFT,LONG,500,550,300,400\n",
        encoding="utf-8",
    )
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_preview(pilot, path)
        assert isinstance(app.screen, ImportScreen)
        issues = app.screen.query_one("#import-issues", DataTable)
        assert issues.row_count == 1
        assert str(issues.get_row_at(0)[2]) == "[/]"


async def test_preview_shows_every_digit(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "digits.csv"
    path.write_text(
        "symbol,position_type,target_eoy,target_next_year,downside,current_price\n"
        "AAPL,LONG,933.8250,1250.5,150,200\n",
        encoding="utf-8",
    )
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_preview(pilot, path)
        rows = app.screen.query_one("#import-rows", DataTable)
        cells = [str(cell) for cell in rows.get_row("2")]
        assert "933.8250" in cells
        assert "1,250.5" in cells
