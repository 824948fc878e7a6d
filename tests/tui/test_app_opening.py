"""The app draws first and opens the database in a worker."""

from __future__ import annotations

import asyncio

from textual.widgets import DataTable
from tui_helpers import fixed_clock, settle

from storage.store import Store
from tui.app import TargetdeskApp
from tui.sample import load_demo_data
from tui.services import AppServices


async def test_opener_loads_portfolio_after_mount(store: Store) -> None:
    await load_demo_data(store)
    opened = asyncio.Event()

    async def opener() -> tuple[Store, AppServices]:
        await opened.wait()
        return store, AppServices(demo_note="opened by the opener")

    app = TargetdeskApp(opener=opener, clock=fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.query_one("#targets DataTable", DataTable)
        assert table.row_count == 0
        opened.set()
        for _ in range(100):
            await settle(pilot, 0.02)
            if table.row_count:
                break
        assert table.row_count == 35
        assert app.sub_title == "opened by the opener"


async def test_import_waits_for_database(store: Store) -> None:
    never = asyncio.Event()

    async def opener() -> tuple[Store, AppServices]:
        await never.wait()
        return store, AppServices()

    app = TargetdeskApp(opener=opener, clock=fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("i")
        await pilot.pause()
        assert len(app.screen_stack) == 1
        messages = [n.message for n in app._notifications]
        assert any("still opening" in m for m in messages)
    # Leaving run_test cancels the opener, which never finished.


async def test_picker_lists_portfolios_added_elsewhere(store: Store) -> None:
    from decimal import Decimal

    from domain.models import PositionType, TargetPrice
    from storage.importer import write_import
    from tui.screens import PortfolioPicker

    await load_demo_data(store)
    app = TargetdeskApp(store, services=AppServices(), clock=fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        target = TargetPrice("ZM", PositionType.LONG, Decimal(90), None, None, None)
        await write_import(store, "added-later", [target], [])
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, PortfolioPicker)
        assert [info.name for info in app.portfolios] == ["added-later", "demo"]
