"""Fetch-queue reducer: job states from engine events."""

from __future__ import annotations

from decimal import Decimal

from tui_helpers import NOW, SESSION, at

from domain.events import (
    JobFailed,
    JobQueued,
    JobStarted,
    JobSucceeded,
    JobWaitingForQuota,
    PriceResolved,
    RetryScheduled,
)
from tui.state.jobs import JobState, QueueState


def queued(job_id: str = "j1", *symbols: str, provider: str = "fmp") -> JobQueued:
    return JobQueued(
        at=NOW,
        job_id=job_id,
        symbols=symbols or ("AAPL",),
        provider=provider,
        endpoint="quote",
    )


def test_queued_job_is_listed() -> None:
    state = QueueState()
    changed = state.apply([queued()])
    assert changed == {"j1"}
    assert state.jobs["j1"].state is JobState.QUEUED
    assert state.jobs["j1"].state_text(NOW) == "queued"


def test_retry_counts_down() -> None:
    state = QueueState()
    state.apply(
        [
            queued(),
            JobStarted(
                at=NOW, job_id="j1", provider="fmp", endpoint="quote", attempt=1
            ),
            RetryScheduled(
                at=NOW, job_id="j1", provider="fmp", attempt=1, delay=3, cause="503"
            ),
        ]
    )
    job = state.jobs["j1"]
    assert job.state_text(NOW) == "retry in 3s"
    assert job.state_text(at(1.5)) == "retry in 2s"
    assert job.attempt == 1


def test_waiting_for_quota_shows_wait() -> None:
    state = QueueState()
    state.apply(
        [
            queued(),
            JobWaitingForQuota(at=NOW, job_id="j1", provider="fmp", until=at(42)),
        ]
    )
    assert state.jobs["j1"].state_text(NOW) == "waiting for quota 42s"


def test_success_names_provider() -> None:
    state = QueueState()
    state.apply(
        [
            queued("b1", "AAPL", "MSFT", "KO"),
            JobStarted(
                at=NOW, job_id="b1", provider="fmp", endpoint="quote", attempt=1
            ),
            JobSucceeded(
                at=at(2),
                job_id="b1",
                provider="fmp",
                resolved=("AAPL", "MSFT"),
                missing=("KO",),
            ),
        ]
    )
    job = state.jobs["b1"]
    assert job.label == "AAPL+2"
    assert job.state_text(at(5)) == "done via fmp, 1 missing"
    assert job.elapsed_text(at(30)) == "2s"
    assert state.failed_symbols() == ["KO"]


def test_failure_then_cache_falls_back() -> None:
    state = QueueState()
    state.apply(
        [
            queued(),
            JobFailed(
                at=NOW,
                job_id="j1",
                provider="fmp",
                kind="quota_exhausted",
                message="FMP daily quota reached",
            ),
        ]
    )
    assert state.jobs["j1"].state_text(NOW) == "failed: quota exhausted"
    changed = state.apply(
        [
            PriceResolved(
                at=NOW,
                symbol="AAPL",
                source="stale_cache",
                price=Decimal(1),
                session=SESSION,
                stale=True,
                age_sessions=2,
            )
        ]
    )
    assert changed == {"j1"}
    assert state.jobs["j1"].state_text(NOW) == "fell back to cache"


def test_done_job_folds_after_delay() -> None:
    state = QueueState()
    state.apply(
        [
            queued(),
            JobSucceeded(at=NOW, job_id="j1", provider="fmp", resolved=("AAPL",)),
        ]
    )
    assert [job.job_id for job in state.visible(at(5), show_finished=False)] == ["j1"]
    assert state.visible(at(11), show_finished=False) == []
    assert len(state.visible(at(11), show_finished=True)) == 1


def test_failed_job_folds_later() -> None:
    state = QueueState()
    state.apply(
        [
            queued(),
            JobFailed(at=NOW, job_id="j1", provider="fmp", kind="x", message="y"),
        ]
    )
    assert len(state.visible(at(11), show_finished=False)) == 1
    assert state.visible(at(31), show_finished=False) == []
    assert len(state.visible(at(31), show_finished=True)) == 1


def test_cancelled_job_folds_later() -> None:
    state = QueueState()
    state.apply([queued()])
    state.cancel_unfinished(NOW)
    assert len(state.visible(at(11), show_finished=False)) == 1
    assert state.visible(at(31), show_finished=False) == []


def failed(job_id: str) -> JobFailed:
    return JobFailed(at=NOW, job_id=job_id, provider="fmp", kind="x", message="y")


def resolved_from(symbol: str, source: str) -> PriceResolved:
    return PriceResolved(
        at=NOW,
        symbol=symbol,
        source=source,
        price=Decimal(1),
        session=SESSION,
        stale=False,
        age_sessions=0,
    )


def test_resolved_changes_only_failed_jobs() -> None:
    state = QueueState()
    state.apply(
        [
            queued("j1", "AAPL"),
            queued("j2", "AAPL", "MSFT"),
            queued("j3", "AAPL"),
            queued("j4", "MSFT"),
            failed("j1"),
            failed("j2"),
            JobSucceeded(at=NOW, job_id="j3", provider="fmp", resolved=("AAPL",)),
        ]
    )
    changed = state.apply([resolved_from("AAPL", "polygon")])
    assert changed == {"j1", "j2"}
    assert state.jobs["j1"].state_text(NOW) == "fell back to polygon"
    assert state.jobs["j2"].state_text(NOW) == "fell back to polygon"
    assert state.jobs["j3"].state is JobState.DONE
    assert state.jobs["j4"].state is JobState.QUEUED


def test_resolved_adds_each_source_once() -> None:
    state = QueueState()
    state.apply([queued("j1", "AAPL", "MSFT"), failed("j1")])
    state.apply([resolved_from("AAPL", "stale_cache")])
    changed = state.apply(
        [resolved_from("MSFT", "fresh_cache"), resolved_from("MSFT", "user")]
    )
    assert changed == {"j1"}
    assert state.jobs["j1"].fallback_sources == ("cache", "user")


def test_resolved_from_own_provider_ignored() -> None:
    state = QueueState()
    state.apply([queued("j1", "AAPL"), failed("j1")])
    assert state.apply([resolved_from("AAPL", "fmp")]) == set()
    assert state.jobs["j1"].state is JobState.FAILED


def test_cleared_failed_jobs_not_changed() -> None:
    state = QueueState()
    state.apply([queued("j1", "AAPL"), failed("j1")])
    assert state.clear_finished() == {"j1"}
    state.apply([queued("j2", "AAPL")])
    assert state.apply([resolved_from("AAPL", "polygon")]) == set()
    assert state.jobs["j2"].state is JobState.QUEUED


def test_resolved_many_symbols_each_changed() -> None:
    state = QueueState()
    count = 2_000
    events = []
    for n in range(count):
        events += [queued(f"j{n}", f"S{n}"), failed(f"j{n}")]
    state.apply(events)
    changed = state.apply([resolved_from(f"S{n}", "polygon") for n in range(count)])
    assert len(changed) == count
    assert all(job.state is JobState.FELL_BACK for job in state.jobs.values())


def test_changes_with_time_cases() -> None:
    state = QueueState()
    state.apply([queued("j1", "AAPL")])
    assert not state.changes_with_time(NOW, show_finished=False)
    state.apply(
        [JobStarted(at=NOW, job_id="j1", provider="fmp", endpoint="quote", attempt=1)]
    )
    assert state.changes_with_time(NOW, show_finished=False)
    state.apply([JobSucceeded(at=NOW, job_id="j1", provider="fmp", resolved=("AAPL",))])
    assert state.changes_with_time(at(5), show_finished=False)
    assert not state.changes_with_time(at(5), show_finished=True)
    assert not state.changes_with_time(at(11), show_finished=False)


def test_cancel_marks_unfinished_only() -> None:
    state = QueueState()
    state.apply(
        [
            queued("j1"),
            queued("j2", "MSFT"),
            JobSucceeded(at=NOW, job_id="j2", provider="fmp", resolved=("MSFT",)),
        ]
    )
    changed = state.cancel_unfinished(NOW)
    assert changed == {"j1"}
    assert state.jobs["j1"].state is JobState.CANCELLED
    assert state.jobs["j2"].state is JobState.DONE


def test_event_for_unknown_job_ignored() -> None:
    state = QueueState()
    changed = state.apply(
        [JobStarted(at=NOW, job_id="nope", provider="fmp", endpoint="q", attempt=1)]
    )
    assert changed == set()
    assert state.jobs == {}
