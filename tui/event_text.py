"""One-line descriptions of engine events, for progress output and logs."""

from __future__ import annotations

import datetime as dt

from domain.events import (
    ErrorLogged,
    Event,
    FellBack,
    JobFailed,
    JobQueued,
    JobWaitingForQuota,
    ProviderDisabled,
    ProviderPaused,
    ProviderResumed,
    RetryScheduled,
)


def _seconds_until(moment: dt.datetime, now: dt.datetime) -> float:
    return max(0.0, (moment - now).total_seconds())


def describe(event: Event) -> str | None:
    """Describe an event worth a line of progress output, or return None."""
    match event:
        case JobQueued(job_id=job, symbols=symbols, provider=provider, endpoint=ep):
            return f"queued {job}: {provider} {ep}, {len(symbols)} symbols"
        case JobWaitingForQuota(job_id=job, provider=provider, until=until):
            wait = _seconds_until(until, event.at)
            return f"waiting {wait:.0f}s for {provider} quota ({job})"
        case RetryScheduled(job_id=job, attempt=attempt, delay=delay, cause=cause):
            return f"retry {job} (attempt {attempt}) in {delay:.1f}s: {cause}"
        case ProviderPaused(provider=provider, until=until, cause=cause):
            wait = _seconds_until(until, event.at)
            return f"{provider} paused for {wait:.0f}s: {cause}"
        case ProviderResumed(provider=provider):
            return f"{provider} resumed"
        case ProviderDisabled(provider=provider, reason=reason, endpoint=endpoint):
            what = f"{provider} {endpoint}" if endpoint else provider
            return f"{what} disabled for this run: {reason}"
        case JobFailed(job_id=job, provider=provider, kind=kind, message=message):
            return f"failed {job} ({provider}, {kind}): {message}"
        case FellBack(symbol=symbol, from_step=step, reason=reason):
            return f"{symbol}: fell back from {step} ({reason})"
        case ErrorLogged(count=count) if count > 1:
            return None
        case _:
            return None
