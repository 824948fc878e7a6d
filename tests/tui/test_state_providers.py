"""Provider status reducer and the queue time estimate."""

from __future__ import annotations

from tui_helpers import NOW, at

from domain.events import (
    Event,
    JobQueued,
    JobStarted,
    JobSucceeded,
    ProviderDisabled,
    ProviderPaused,
    ProviderResumed,
    QuotaUsed,
)
from providers.plans import plan_for
from tui.state.jobs import QueueState
from tui.state.providers import ProviderBoard, estimate_remaining


def test_pause_shows_countdown() -> None:
    board = ProviderBoard()
    board.apply([ProviderPaused(at=NOW, provider="polygon", until=at(12), cause="429")])
    assert board.lines(NOW) == ["polygon paused 12s"]
    assert board.lines(at(13)) == ["polygon ready"]


def test_resume_clears_pause() -> None:
    board = ProviderBoard()
    board.apply(
        [
            ProviderPaused(at=NOW, provider="fmp", until=at(60), cause="429"),
            ProviderResumed(at=NOW, provider="fmp"),
        ]
    )
    assert board.lines(NOW) == ["fmp ready"]


def test_quota_shows_used_of_limit() -> None:
    board = ProviderBoard()
    board.apply(
        [
            QuotaUsed(
                at=NOW,
                provider="fmp",
                used_today=41,
                daily_limit=250,
                used_this_minute=3,
                minute_limit=None,
            )
        ]
    )
    assert board.lines(NOW) == ["fmp ready, 41/250 today"]


def test_plans_listed_before_events() -> None:
    board = ProviderBoard()
    board.add_plan(plan_for("fmp", "free"), used_today=0)
    board.add_plan(plan_for("polygon", "free"))
    assert board.lines(NOW) == ["fmp ready, 0/250 today", "polygon ready"]
    assert board.providers["polygon"].minute_limit == 5


def test_plan_keeps_newer_quota_count() -> None:
    board = ProviderBoard()
    board.apply(
        [
            QuotaUsed(
                at=NOW,
                provider="fmp",
                used_today=7,
                daily_limit=250,
                used_this_minute=1,
                minute_limit=None,
            )
        ]
    )
    board.add_plan(plan_for("fmp", "free"), used_today=3)
    assert board.lines(NOW) == ["fmp ready, 7/250 today"]


def test_any_paused_until_pause_ends() -> None:
    board = ProviderBoard()
    board.add_plan(plan_for("polygon", "free"))
    assert not board.any_paused(NOW)
    board.apply([ProviderPaused(at=NOW, provider="polygon", until=at(2), cause="429")])
    assert board.any_paused(at(1))
    assert not board.any_paused(at(2))


def test_disabled_shows_reason() -> None:
    board = ProviderBoard()
    board.apply(
        [
            ProviderDisabled(
                at=NOW, provider="fmp", reason="invalid key: set FMP_API_KEY"
            )
        ]
    )
    assert board.lines(NOW) == ["fmp disabled: invalid key: set FMP_API_KEY"]


def test_disabled_endpoint_keeps_ready() -> None:
    board = ProviderBoard()
    board.apply(
        [
            ProviderDisabled(
                at=NOW, provider="polygon", reason="plan", endpoint="snapshot"
            )
        ]
    )
    assert board.lines(NOW) == ["polygon ready, off: snapshot"]


def test_unrelated_event_changes_nothing() -> None:
    board = ProviderBoard()
    changed = board.apply(
        [JobQueued(at=NOW, job_id="j", symbols=("A",), provider="fmp", endpoint="q")]
    )
    assert changed is False


def test_estimate_uses_minute_limit() -> None:
    queue = QueueState()
    queue.apply(
        [
            JobQueued(
                at=NOW,
                job_id=f"j{n}",
                symbols=("A",),
                provider="polygon",
                endpoint="prev",
            )
            for n in range(10)
        ]
    )
    board = ProviderBoard()
    board.apply(
        [
            QuotaUsed(
                at=NOW,
                provider="polygon",
                used_today=1,
                daily_limit=None,
                used_this_minute=1,
                minute_limit=5,
            )
        ]
    )
    estimate = estimate_remaining(queue.pending(), [], board, NOW)
    assert estimate == 120.0


def test_estimate_uses_mean_duration() -> None:
    queue = QueueState()
    events: list[Event] = [
        JobQueued(at=NOW, job_id=f"j{n}", symbols=("A",), provider="fmp", endpoint="q")
        for n in range(4)
    ]
    events += [
        JobStarted(at=NOW, job_id="j0", provider="fmp", endpoint="q", attempt=1),
        JobSucceeded(at=at(2), job_id="j0", provider="fmp", resolved=("A",)),
    ]
    queue.apply(events)
    finished = [job for job in queue.jobs.values() if job.state.finished]
    estimate = estimate_remaining(queue.pending(), finished, ProviderBoard(), NOW)
    assert estimate == 6.0


def test_estimate_unknown_without_data() -> None:
    queue = QueueState()
    queue.apply(
        [JobQueued(at=NOW, job_id="j", symbols=("A",), provider="fmp", endpoint="q")]
    )
    assert estimate_remaining(queue.pending(), [], ProviderBoard(), NOW) is None
