"""Provider status (ready, paused, disabled, quota) reduced from engine events."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from domain.events import (
    Event,
    ProviderDisabled,
    ProviderPaused,
    ProviderResumed,
    QuotaUsed,
)
from providers.plans import Plan
from tui.state.format import format_seconds
from tui.state.jobs import Job, JobState


@dataclass(frozen=True, slots=True)
class ProviderStatus:
    """State of one provider now, and how much of its plan is used."""

    name: str
    paused_until: dt.datetime | None = None
    pause_cause: str | None = None
    disabled_reason: str | None = None
    disabled_endpoints: tuple[str, ...] = ()
    used_today: int | None = None
    daily_limit: int | None = None
    minute_limit: int | None = None

    def is_paused(self, now: dt.datetime) -> bool:
        """Whether a pause is in force at `now`."""
        return self.paused_until is not None and self.paused_until > now

    def text(self, now: dt.datetime) -> str:
        """Describe the status in words, such as `fmp paused 12s, 40/250 today`."""
        if self.disabled_reason is not None:
            return f"{self.name} disabled: {self.disabled_reason}"
        if self.paused_until is not None and self.is_paused(now):
            wait = format_seconds((self.paused_until - now).total_seconds())
            state = f"paused {wait}"
        else:
            state = "ready"
        parts = [f"{self.name} {state}"]
        if self.used_today is not None:
            limit = "" if self.daily_limit is None else f"/{self.daily_limit}"
            parts.append(f"{self.used_today}{limit} today")
        if self.disabled_endpoints:
            parts.append("off: " + " ".join(self.disabled_endpoints))
        return ", ".join(parts)


@dataclass(slots=True)
class ProviderBoard:
    """Status of every configured provider, then of any other an event names."""

    providers: dict[str, ProviderStatus] = field(default_factory=dict)

    def add_plan(self, plan: Plan, used_today: int | None = None) -> None:
        """List a configured provider with its plan's limits, before any event.

        `used_today` is the day's request count so far; None leaves it out of
        the status text until a request is counted. A count that a QuotaUsed
        event already set is kept, because it is newer.
        """
        current = self._status(plan.provider)
        if current.used_today is not None:
            used_today = current.used_today
        self.providers[plan.provider] = replace(
            current,
            used_today=used_today,
            daily_limit=plan.per_day,
            minute_limit=plan.per_minute,
        )

    def apply(self, events: Iterable[Event]) -> bool:
        """Apply events in order; return whether any status changed."""
        changed = False
        for event in events:
            changed = self._apply_one(event) or changed
        return changed

    def _status(self, name: str) -> ProviderStatus:
        return self.providers.get(name) or ProviderStatus(name)

    def _apply_one(self, event: Event) -> bool:
        if isinstance(event, ProviderPaused):
            status = replace(
                self._status(event.provider),
                paused_until=event.until,
                pause_cause=event.cause,
            )
        elif isinstance(event, ProviderResumed):
            status = replace(
                self._status(event.provider), paused_until=None, pause_cause=None
            )
        elif isinstance(event, ProviderDisabled):
            current = self._status(event.provider)
            if event.endpoint is None:
                status = replace(current, disabled_reason=event.reason)
            else:
                endpoints = (*current.disabled_endpoints, event.endpoint)
                status = replace(
                    current, disabled_endpoints=tuple(dict.fromkeys(endpoints))
                )
        elif isinstance(event, QuotaUsed):
            status = replace(
                self._status(event.provider),
                used_today=event.used_today,
                daily_limit=event.daily_limit,
                minute_limit=event.minute_limit,
            )
        else:
            return False
        self.providers[status.name] = status
        return True

    def any_paused(self, now: dt.datetime) -> bool:
        """Whether a provider's pause is in force at `now`."""
        return any(status.is_paused(now) for status in self.providers.values())

    def lines(self, now: dt.datetime) -> list[str]:
        """One status text per provider."""
        return [status.text(now) for status in self.providers.values()]


def estimate_remaining(
    pending: list[Job],
    finished: list[Job],
    board: ProviderBoard,
    now: dt.datetime,
) -> float | None:
    """Estimate the seconds until every pending job has finished.

    The estimate is the larger of two bounds. In the first, the pending jobs
    run one after another at the mean duration of the finished ones. In the
    second, each provider's pending jobs wait for its pause to end and then go
    at its per-minute limit. Returns None when neither bound can be computed.
    """
    if not pending:
        return 0.0
    durations = [
        (job.finished_at - job.started_at).total_seconds()
        for job in finished
        if job.state is JobState.DONE and job.finished_at and job.started_at
    ]
    bounds: list[float] = []
    if durations:
        bounds.append(len(pending) * sum(durations) / len(durations))
    for name, status in board.providers.items():
        count = sum(1 for job in pending if job.provider == name)
        if not count:
            continue
        wait = 0.0
        if status.paused_until is not None and status.is_paused(now):
            wait = (status.paused_until - now).total_seconds()
        if status.minute_limit:
            wait += count * 60.0 / status.minute_limit
        if wait:
            bounds.append(wait)
    for job in pending:
        if job.until is not None and job.until > now:
            bounds.append((job.until - now).total_seconds())
    return max(bounds) if bounds else None
