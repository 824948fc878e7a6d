"""Fetch-queue state: one row per fetch job, reduced from engine events."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum

from domain.events import (
    Event,
    JobFailed,
    JobQueued,
    JobStarted,
    JobSucceeded,
    JobWaitingForQuota,
    PriceResolved,
    RetryScheduled,
)
from tui.state.format import format_seconds

FOLD_AFTER = dt.timedelta(seconds=10)
"""How long a job that finished with a result stays visible."""

FAILED_FOLD_AFTER = dt.timedelta(seconds=30)
"""How long a failed or cancelled job stays visible; the error log keeps the cause."""


class JobState(StrEnum):
    """Stage of a fetch job's life."""

    QUEUED = "queued"
    WAITING = "waiting for quota"
    IN_FLIGHT = "in flight"
    RETRY = "retry"
    DONE = "done"
    FELL_BACK = "fell back"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        """Whether the job will change no more in this refresh."""
        return self in _FINISHED


_FINISHED = frozenset(
    {JobState.DONE, JobState.FELL_BACK, JobState.FAILED, JobState.CANCELLED}
)
_TIMED = frozenset({JobState.WAITING, JobState.RETRY, JobState.IN_FLIGHT})
"""States whose row shows a countdown or a running elapsed time."""

SOURCE_LABELS = {
    "fresh_cache": "cache",
    "stale_cache": "cache",
    "fmp": "fmp",
    "polygon": "polygon",
    "user": "user",
}
"""Short names of price sources, as the fetch queue and target table show them."""


@dataclass(frozen=True, slots=True)
class Job:
    """One fetch job as the queue pane shows it."""

    job_id: str
    symbols: tuple[str, ...]
    provider: str
    state: JobState
    queued_at: dt.datetime
    attempt: int = 0
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    until: dt.datetime | None = None
    """When a wait for quota or a scheduled retry ends."""
    reason: str | None = None
    """The failure kind, or the cause of a scheduled retry."""
    missing: tuple[str, ...] = ()
    fallback_sources: tuple[str, ...] = ()
    """Sources that supplied a price for this job's symbols after it failed."""

    @property
    def label(self) -> str:
        """The job's symbol, or the first symbol and how many more in a batch."""
        if len(self.symbols) == 1:
            return self.symbols[0]
        if not self.symbols:
            return self.job_id
        return f"{self.symbols[0]}+{len(self.symbols) - 1}"

    def state_text(self, now: dt.datetime) -> str:
        """Describe the state in words, with a countdown where one applies."""
        if self.state is JobState.RETRY and self.until is not None:
            return f"retry in {format_seconds((self.until - now).total_seconds())}"
        if self.state is JobState.WAITING and self.until is not None:
            wait = format_seconds((self.until - now).total_seconds())
            return f"waiting for quota {wait}"
        if self.state is JobState.DONE:
            text = f"done via {self.provider}"
            if self.missing:
                text += f", {len(self.missing)} missing"
            return text
        if self.state is JobState.FELL_BACK:
            return "fell back to " + "+".join(self.fallback_sources)
        if self.state is JobState.FAILED:
            return f"failed: {self.reason}" if self.reason else "failed"
        return self.state.value

    def elapsed_text(self, now: dt.datetime) -> str:
        """Time since the first request was sent, frozen once the job finished."""
        if self.started_at is None:
            return ""
        end = self.finished_at or now
        return format_seconds((end - self.started_at).total_seconds())

    @property
    def has_countdown(self) -> bool:
        """Whether the row's text changes as time passes: a wait, retry or request."""
        return self.state in _TIMED

    def folds_at(self) -> dt.datetime | None:
        """When the finished job stops being listed; None while it runs."""
        if self.finished_at is None or not self.state.finished:
            return None
        if self.state in (JobState.DONE, JobState.FELL_BACK):
            return self.finished_at + FOLD_AFTER
        return self.finished_at + FAILED_FOLD_AFTER

    def is_folded(self, now: dt.datetime) -> bool:
        """Whether the job finished long enough ago to hide it.

        Done jobs fold after FOLD_AFTER, failed and cancelled ones after the
        longer FAILED_FOLD_AFTER.
        """
        folds_at = self.folds_at()
        return folds_at is not None and now >= folds_at


@dataclass(slots=True)
class QueueState:
    """Jobs of the current refresh by id, in the order they were queued."""

    jobs: dict[str, Job] = field(default_factory=dict)
    _failed_by_symbol: dict[str, list[str]] = field(default_factory=dict)
    """Ids of failed and fallen-back jobs per symbol, so that a PriceResolved
    event looks only at the jobs it can change."""

    def apply(self, events: Iterable[Event]) -> set[str]:
        """Apply events in order and return the ids of the jobs they changed."""
        changed: set[str] = set()
        for event in events:
            changed.update(self._apply_one(event))
        return changed

    def _apply_one(self, event: Event) -> list[str]:
        if isinstance(event, JobQueued):
            self.jobs[event.job_id] = Job(
                job_id=event.job_id,
                symbols=event.symbols,
                provider=event.provider,
                state=JobState.QUEUED,
                queued_at=event.at,
            )
            return [event.job_id]
        if isinstance(event, PriceResolved):
            return self._apply_resolved(event)
        job_id = getattr(event, "job_id", None)
        job = self.jobs.get(job_id) if isinstance(job_id, str) else None
        if job is None:
            return []
        updated = _reduce_job(job, event)
        if updated is job:
            return []
        self.jobs[job.job_id] = updated
        if updated.state is JobState.FAILED and job.state is not JobState.FAILED:
            for symbol in updated.symbols:
                self._failed_by_symbol.setdefault(symbol, []).append(job.job_id)
        return [job.job_id]

    def _apply_resolved(self, event: PriceResolved) -> list[str]:
        """Mark failed jobs of this symbol as fallen back to the price's source."""
        if event.source is None:
            return []
        label = SOURCE_LABELS.get(event.source, event.source)
        changed = []
        for job_id in self._failed_by_symbol.get(event.symbol, ()):
            job = self.jobs[job_id]
            if job.state not in (JobState.FAILED, JobState.FELL_BACK):
                continue
            if label == job.provider or label in job.fallback_sources:
                continue
            self.jobs[job_id] = replace(
                job,
                state=JobState.FELL_BACK,
                fallback_sources=(*job.fallback_sources, label),
            )
            changed.append(job_id)
        return changed

    def cancel_unfinished(self, at: dt.datetime) -> set[str]:
        """Mark every job that has not finished as cancelled."""
        changed = set()
        for job in list(self.jobs.values()):
            if not job.state.finished:
                self.jobs[job.job_id] = replace(
                    job, state=JobState.CANCELLED, finished_at=at, until=None
                )
                changed.add(job.job_id)
        return changed

    def clear_finished(self) -> set[str]:
        """Drop every finished job, as a new refresh starts; return their ids."""
        removed = {key for key, job in self.jobs.items() if job.state.finished}
        for key in removed:
            del self.jobs[key]
        self._failed_by_symbol.clear()
        return removed

    def pending(self) -> list[Job]:
        """Jobs that have not finished."""
        return [job for job in self.jobs.values() if not job.state.finished]

    def failed_symbols(self) -> list[str]:
        """Symbols of failed and cancelled jobs that no other step answered for."""
        symbols: dict[str, None] = {}
        for job in self.jobs.values():
            if job.state in (JobState.FAILED, JobState.CANCELLED):
                symbols.update(dict.fromkeys(job.symbols))
            elif job.state is JobState.DONE:
                symbols.update(dict.fromkeys(job.missing))
        return list(symbols)

    def changes_with_time(self, now: dt.datetime, *, show_finished: bool) -> bool:
        """Whether a listed row changes as time passes: a countdown or a fold due."""
        for job in self.jobs.values():
            if job.has_countdown:
                return True
            if show_finished:
                continue
            folds_at = job.folds_at()
            if folds_at is not None and folds_at > now:
                return True
        return False

    def visible(self, now: dt.datetime, *, show_finished: bool) -> list[Job]:
        """Jobs to list, in queue order; finished ones fold unless asked for."""
        if show_finished:
            return list(self.jobs.values())
        return [job for job in self.jobs.values() if not job.is_folded(now)]


def _reduce_job(job: Job, event: Event) -> Job:
    """Return the job as `event` leaves it; the same object when unchanged."""
    if isinstance(event, JobWaitingForQuota):
        return replace(job, state=JobState.WAITING, until=event.until)
    if isinstance(event, JobStarted):
        return replace(
            job,
            state=JobState.IN_FLIGHT,
            attempt=event.attempt,
            started_at=job.started_at or event.at,
            until=None,
        )
    if isinstance(event, RetryScheduled):
        return replace(
            job,
            state=JobState.RETRY,
            attempt=event.attempt,
            until=event.at + dt.timedelta(seconds=event.delay),
            reason=event.cause,
        )
    if isinstance(event, JobSucceeded):
        return replace(
            job,
            state=JobState.DONE,
            finished_at=event.at,
            until=None,
            missing=event.missing,
        )
    if isinstance(event, JobFailed):
        return replace(
            job,
            state=JobState.FAILED,
            finished_at=event.at,
            until=None,
            reason=event.kind.replace("_", " "),
        )
    return job
