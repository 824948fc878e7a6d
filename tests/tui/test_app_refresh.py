"""Scripted engine events applied to the fetch queue, targets and error log."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from decimal import Decimal

import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList, Static
from tui_helpers import (
    NOW,
    SESSION,
    ScriptedRefresh,
    at,
    cell_text,
    fixed_clock,
    make_app,
    settle,
)

from domain.events import (
    ErrorLogged,
    Event,
    JobFailed,
    JobQueued,
    JobStarted,
    JobSucceeded,
    PriceResolved,
    ProviderPaused,
    QuotaUsed,
    RefreshFinished,
    RetryScheduled,
)
from domain.models import PositionType, TargetPrice
from providers.limiter import quota_day
from providers.plans import plan_for
from storage.importer import write_import
from storage.market import add_usage
from storage.store import Store
from tui.app import DRAIN_INTERVAL, TargetdeskApp
from tui.sample import load_demo_data
from tui.services import AppServices
from tui.widgets import ErrorPane, QueuePane, TargetPane


def state_cell(app: TargetdeskApp, job_id: str) -> str:
    return cell_text(app.queue_pane.table, job_id, "state")


def status_line(app: TargetdeskApp) -> str:
    return str(app.screen.query_one("#provider-status", Static).render())


def queued(job_id: str, symbol: str, provider: str = "fmp") -> JobQueued:
    return JobQueued(
        at=NOW, job_id=job_id, symbols=(symbol,), provider=provider, endpoint="quote"
    )


def resolved(symbol: str, value: str, source: str = "fmp") -> PriceResolved:
    return PriceResolved(
        at=NOW,
        symbol=symbol,
        source=source,
        price=Decimal(value),
        session=SESSION,
        stale=False,
        age_sessions=0,
    )


async def drained(pilot: Pilot[None]) -> None:
    await pilot.pause(DRAIN_INTERVAL * 2)


async def test_retry_then_done(store: Store) -> None:
    await load_demo_data(store)
    gate = asyncio.Event()
    refresh = ScriptedRefresh(
        [
            queued("j1", "AAPL"),
            JobStarted(
                at=NOW, job_id="j1", provider="fmp", endpoint="quote", attempt=1
            ),
            RetryScheduled(
                at=NOW, job_id="j1", provider="fmp", attempt=1, delay=3, cause="503"
            ),
            gate,
            JobStarted(
                at=NOW, job_id="j1", provider="fmp", endpoint="quote", attempt=2
            ),
            JobSucceeded(at=at(1), job_id="j1", provider="fmp", resolved=("AAPL",)),
            resolved("AAPL", "210.00"),
        ]
    )
    app = make_app(store, refresh=refresh)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await drained(pilot)
        assert state_cell(app, "j1") == "retry in 3s"
        gate.set()
        await settle(pilot, DRAIN_INTERVAL * 2)
        assert state_cell(app, "j1") == "done via fmp"
        assert cell_text(app.queue_pane.table, "j1", "attempt") == "2"
        assert refresh.calls == [None]


async def test_price_updates_cells_in_place(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    await load_demo_data(store)
    rebuilds: list[int] = []
    original = TargetPane.rebuild

    def counting(self: TargetPane) -> None:
        rebuilds.append(1)
        original(self)

    monkeypatch.setattr(TargetPane, "rebuild", counting)
    refresh = ScriptedRefresh([resolved("AAPL", "210.00"), resolved("KO", "70.00")])
    app = make_app(store, refresh=refresh)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        before = len(rebuilds)
        await pilot.press("r")
        await settle(pilot, DRAIN_INTERVAL * 2)
        table = app.target_pane.table
        assert cell_text(table, "AAPL:LONG", "price") == "210.00"
        assert cell_text(table, "AAPL:LONG", "source") == "fmp"
        assert cell_text(table, "KO:LONG", "eoy") == "+5.7%"
        assert len(rebuilds) == before


async def test_pause_shown_on_status_line(store: Store) -> None:
    hold = asyncio.Event()
    refresh = ScriptedRefresh(
        [
            queued("j1", "AAPL", "polygon"),
            ProviderPaused(at=NOW, provider="polygon", until=at(12), cause="429"),
            QuotaUsed(
                at=NOW,
                provider="fmp",
                used_today=41,
                daily_limit=250,
                used_this_minute=1,
                minute_limit=None,
            ),
        ],
        hold=hold,
    )
    app = make_app(store, refresh=refresh)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await drained(pilot)
        line = status_line(app)
        assert "polygon paused 12s" in line
        assert "fmp ready, 41/250 today" in line
        assert "1 pending, ~12s left" in line
        hold.set()


async def test_repeats_grouped_with_count(store: Store) -> None:
    errors: list[Event | float | asyncio.Event] = [
        ErrorLogged(
            at=at(n),
            provider="polygon",
            kind="rate_limited",
            message="Polygon answered 429: requests resume after the pause",
            symbols=(symbol,),
            count=n,
        )
        for n, symbol in enumerate(["AAPL", "MSFT", "KO", "PEP", "V"], start=1)
    ]
    app = make_app(store, refresh=ScriptedRefresh(errors))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot, DRAIN_INTERVAL * 2)
        table = app.error_pane.table
        assert table.row_count == 1
        key = app.error_pane.error_log.visible()[0].key
        assert cell_text(table, key, "count") == "5"
        await pilot.press("e")
        detail = str(app.screen.query_one("#error-detail", Static).render())
        assert "symbols: AAPL MSFT KO PEP V" in detail


async def test_burst_repaints_bounded(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    await load_demo_data(store)
    calls = {"queue": 0, "targets": 0, "errors": 0}

    def spy(cls: type, name: str, label: str) -> None:
        original = getattr(cls, name)

        def counting(self: object, *args: object) -> object:
            calls[label] += 1
            return original(self, *args)

        monkeypatch.setattr(cls, name, counting)

    spy(QueuePane, "apply_jobs", "queue")
    spy(TargetPane, "apply_prices", "targets")
    spy(ErrorPane, "show_log", "errors")
    symbols = ["AAPL", "MSFT", "KO", "PEP"]
    burst: list[Event | float | asyncio.Event] = []
    for n in range(250):
        symbol = symbols[n % 4]
        burst.append(queued(f"j{n}", symbol))
        burst.append(
            JobStarted(
                at=NOW, job_id=f"j{n}", provider="fmp", endpoint="quote", attempt=1
            )
        )
        burst.append(
            JobSucceeded(at=NOW, job_id=f"j{n}", provider="fmp", resolved=(symbol,))
        )
        burst.append(resolved(symbol, f"{100 + n}.00"))
        if n % 50 == 49:
            burst.append(0.0)
    assert len([item for item in burst if isinstance(item, Event)]) == 1000
    app = make_app(store, refresh=ScriptedRefresh(burst))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        baseline = dict(calls)
        started = time.monotonic()
        await pilot.press("r")
        await settle(pilot, DRAIN_INTERVAL * 2)
        elapsed = time.monotonic() - started
        bound = elapsed / DRAIN_INTERVAL + 2
        assert calls["queue"] - baseline["queue"] <= bound
        assert calls["targets"] - baseline["targets"] <= bound
        assert calls["errors"] - baseline["errors"] <= bound
        assert calls["queue"] - baseline["queue"] < 10
        assert len(app.queue_pane.queue.jobs) == 250
        assert app.events.received == 1000
        price = cell_text(app.target_pane.table, "PEP:LONG", "price")
        assert price == "347.00"


async def test_cancel_marks_jobs_cancelled(store: Store) -> None:
    hold = asyncio.Event()
    refresh = ScriptedRefresh([queued("j1", "AAPL")], hold=hold)
    app = make_app(store, refresh=refresh)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await drained(pilot)
        assert state_cell(app, "j1") == "queued"
        await pilot.press("x")
        await settle(pilot)
        assert state_cell(app, "j1") == "cancelled"
        assert not [w for w in app.workers if w.group == "refresh"]


async def test_refresh_selected_sends_symbols(store: Store) -> None:
    await load_demo_data(store)
    refresh = ScriptedRefresh([])
    app = make_app(store, refresh=refresh)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        await pilot.press("down", "space", "down", "space", "R")
        await settle(pilot)
        assert refresh.calls == [["AAPL"], ["ABBV", "ADBE"]]


async def test_retry_sends_failed_symbols(store: Store) -> None:
    refresh = ScriptedRefresh(
        [
            queued("j1", "AAPL"),
            queued("j2", "MSFT"),
            JobFailed(
                at=NOW, job_id="j1", provider="fmp", kind="transient", message="504"
            ),
            JobSucceeded(at=NOW, job_id="j2", provider="fmp", resolved=("MSFT",)),
            RefreshFinished(at=NOW, by_source={"fmp": 1}, unresolved=("AAPL",)),
        ]
    )
    app = make_app(store, refresh=refresh)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot, DRAIN_INTERVAL * 2)
        assert state_cell(app, "j1") == "failed: transient"
        await pilot.press("t")
        await settle(pilot)
        assert refresh.calls == [None, ["AAPL"]]


async def test_retry_sends_fallback_symbols(store: Store) -> None:
    refresh = ScriptedRefresh(
        [
            queued("j1", "AAPL"),
            JobSucceeded(
                at=NOW,
                job_id="j1",
                provider="fmp",
                resolved=(),
                missing=("AAPL",),
            ),
            resolved("AAPL", "205.40", source="user"),
            resolved("MSFT", "400.00", source="stale_cache"),
            resolved("KO", "70.00", source="fresh_cache"),
            RefreshFinished(
                at=NOW,
                by_source={"user": 1, "stale_cache": 1, "fresh_cache": 1},
                unresolved=("AAPL", "MSFT"),
            ),
        ]
    )
    app = make_app(store, refresh=refresh)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot, DRAIN_INTERVAL * 2)
        messages = [n.message for n in app._notifications]
        assert any(
            "2 without a live or fresh price; t refreshes them again." in message
            for message in messages
        )
        await pilot.press("t")
        await settle(pilot)
        assert refresh.calls == [None, ["AAPL", "MSFT"]]


async def test_retry_skips_unquoted_funds(store: Store) -> None:
    refresh = ScriptedRefresh(
        [
            queued("j1", "FCNTX", provider="polygon"),
            JobSucceeded(
                at=NOW, job_id="j1", provider="polygon", resolved=(), missing=("FCNTX",)
            ),
            resolved("FCNTX", "20.10", source="user"),
            resolved("MSFT", "400.00", source="stale_cache"),
            RefreshFinished(
                at=NOW,
                by_source={"user": 1, "stale_cache": 1},
                unresolved=("FCNTX", "MSFT"),
                unquoted=("FCNTX",),
            ),
        ]
    )
    app = make_app(store, refresh=refresh)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot, DRAIN_INTERVAL * 2)
        messages = [n.message for n in app._notifications]
        assert any(
            "1 without a live or fresh price; t refreshes them again." in message
            and "No configured provider quotes FCNTX" in message
            for message in messages
        ), messages
        await pilot.press("t")
        await settle(pilot)
        assert refresh.calls == [None, ["MSFT"]]


async def test_retry_only_unquoted_explains(store: Store) -> None:
    refresh = ScriptedRefresh(
        [
            RefreshFinished(
                at=NOW,
                by_source={"user": 1},
                unresolved=("FCNTX",),
                unquoted=("FCNTX",),
            )
        ]
    )
    app = make_app(store, refresh=refresh)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot, DRAIN_INTERVAL * 2)
        await pilot.press("t")
        await settle(pilot)
        assert refresh.calls == [None]
        messages = [n.message for n in app._notifications]
        assert any(
            "No symbol to retry: no configured provider quotes FCNTX" in message
            for message in messages
        ), messages


async def test_retry_without_unresolved_explains(store: Store) -> None:
    refresh = ScriptedRefresh(
        [RefreshFinished(at=NOW, by_source={"fmp": 1}, unresolved=())]
    )
    app = make_app(store, refresh=refresh)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot, DRAIN_INTERVAL * 2)
        await pilot.press("t")
        await settle(pilot)
        assert refresh.calls == [None]
        messages = [n.message for n in app._notifications]
        assert any("No symbol to retry" in message for message in messages)


async def test_refresh_without_providers_explains(store: Store) -> None:
    app = make_app(store, refresh=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await pilot.pause()
        assert "no providers configured" in status_line(app)
        messages = [n.message for n in app._notifications]
        assert any("FMP_API_KEY" in message for message in messages)


async def test_engine_failure_reaches_error_log(store: Store) -> None:
    async def broken(symbols: object, emit: object) -> object:
        raise ConnectionError("emulator on 127.0.0.1:9 refused the connection")

    app = make_app(store, refresh=broken)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        groups = app.error_pane.error_log.visible()
        assert [g.provider for g in groups] == ["app"]
        assert "refused the connection" in groups[0].message
        assert app.is_running


async def test_finished_jobs_fold_and_return(store: Store) -> None:
    now = [NOW]
    refresh = ScriptedRefresh(
        [
            queued("j1", "AAPL"),
            JobSucceeded(at=NOW, job_id="j1", provider="fmp", resolved=("AAPL",)),
        ]
    )
    app = make_app(store, refresh=refresh, clock=lambda: now[0])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot, DRAIN_INTERVAL * 2)
        assert app.queue_pane.table.row_count == 1
        now[0] = at(11)
        await pilot.pause(1.2)
        assert app.queue_pane.table.row_count == 0
        assert app.queue_pane.border_subtitle == "1 finished hidden · a shows"
        app.queue_pane.table.focus()
        await pilot.press("a")
        assert app.queue_pane.table.row_count == 1


async def test_countdown_ticks_each_second(store: Store) -> None:
    now = [NOW]
    hold = asyncio.Event()
    refresh = ScriptedRefresh(
        [
            queued("j1", "AAPL"),
            RetryScheduled(
                at=NOW, job_id="j1", provider="fmp", attempt=1, delay=5, cause="503"
            ),
        ],
        hold=hold,
    )
    app = make_app(store, refresh=refresh, clock=lambda: now[0])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await drained(pilot)
        assert state_cell(app, "j1") == "retry in 5s"
        now[0] = at(2)
        await pilot.pause(1.2)
        assert state_cell(app, "j1") == "retry in 3s"
        hold.set()


async def test_status_lists_plans_at_start(store: Store) -> None:
    async with store.sessions.begin() as session:
        await add_usage(session, "fmp", quota_day(NOW), 40)
    services = AppServices(
        refresh=ScriptedRefresh([]),
        providers=(plan_for("fmp", "free"), plan_for("polygon", "free")),
    )
    app = TargetdeskApp(store, services=services, clock=fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        line = status_line(app)
        assert line.startswith("fmp ready, 40/250 today · polygon ready")


async def test_idle_queue_stops_ticking(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    ticks: list[dt.datetime] = []
    original = QueuePane.tick

    def counting(self: QueuePane, now: dt.datetime) -> None:
        ticks.append(now)
        original(self, now)

    monkeypatch.setattr(QueuePane, "tick", counting)
    now = [NOW]
    refresh = ScriptedRefresh(
        [
            queued("j1", "AAPL"),
            ProviderPaused(at=NOW, provider="fmp", until=at(3), cause="429"),
            JobSucceeded(at=NOW, job_id="j1", provider="fmp", resolved=("AAPL",)),
        ]
    )
    app = make_app(store, refresh=refresh, clock=lambda: now[0])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, 1.2)
        assert not app.queue_pane.ticking
        assert ticks == []
        await pilot.press("r")
        await settle(pilot, DRAIN_INTERVAL * 2)
        assert app.queue_pane.ticking
        assert "fmp paused 3s" in status_line(app)
        now[0] = at(11)
        await pilot.pause(1.2)
        assert "fmp ready" in status_line(app)
        assert app.queue_pane.table.row_count == 0
        assert not app.queue_pane.ticking
        ticked = len(ticks)
        await pilot.pause(1.2)
        assert len(ticks) == ticked


async def test_palette_lists_app_commands(store: Store) -> None:
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        titles = {command.title for command in app.get_system_commands(app.screen)}
        for title in ("Import", "Refresh", "Sort", "Filter", "Delete", "Help"):
            assert title in titles, title


async def test_refresh_end_sorts_again(store: Store) -> None:
    await load_demo_data(store)
    refresh = ScriptedRefresh(
        [
            resolved("AAPL", "1.00"),
            resolved("MSFT", "9999.00"),
            RefreshFinished(at=NOW, by_source={"fmp": 2}, unresolved=()),
        ]
    )
    app = make_app(store, refresh=refresh)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        pane = app.query_one(TargetPane)
        await pilot.press("s")
        await settle(pilot)
        assert pane.state.sort_column == "eoy"
        await pilot.press("r")
        await settle(pilot, DRAIN_INTERVAL * 2)
        keys = [row.key.value for row in pane.table.ordered_rows]
        assert keys == pane.state.visible_keys(pane.now)
        # Ascending EOY return: MSFT's new price gives the lowest, AAPL's the highest.
        assert keys[0] == "MSFT:LONG"
        assert keys.index("AAPL:LONG") > len(keys) // 2


async def test_refresh_shows_rows_another_process_wrote(
    store: Store, db_url: str
) -> None:
    await write_import(store, "shared", [target("AAPL"), target("MSFT")], [])
    refresh = ScriptedRefresh(
        [RefreshFinished(at=NOW, by_source={"fmp": 2}, unresolved=())]
    )
    app = make_app(store, refresh=refresh, portfolio="shared")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.target_pane.table.row_count == 2
        # A second connection to the same file, as `targetdesk import` opens.
        other = await Store.open(db_url)
        try:
            changed = target("MSFT", eoy="999.00")
            await write_import(other, "shared", [changed, target("KO")], [])
        finally:
            await other.close()
        await pilot.press("r")
        await settle(pilot, DRAIN_INTERVAL * 2)
        await settle(pilot)
        table = app.target_pane.table
        assert table.row_count == 3
        option = app.query_one("#portfolio-list", OptionList).get_option("shared")
        assert "(3)" in str(option.prompt)
        assert app.target_pane.state.views["MSFT:LONG"].target.target_eoy == Decimal(
            "999.00"
        )


def target(symbol: str, eoy: str = "120.00") -> TargetPrice:
    return TargetPrice(
        symbol, PositionType.LONG, Decimal(eoy), None, None, Decimal("100.00")
    )
