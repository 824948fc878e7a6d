"""Past-tense facts the fetch engine and the importer emit as they work.

The command line's progress output and the TUI's fetch queue and error log
are both views of this one stream. Times are aware UTC datetimes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal


def utc_now() -> dt.datetime:
    """Return the current time as an aware UTC datetime."""
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """Base of every event: when it happened."""

    at: dt.datetime = field(default_factory=utc_now)


@dataclass(frozen=True, slots=True, kw_only=True)
class JobQueued(Event):
    """A fetch job (one symbol or a batch) joined the queue."""

    job_id: str
    symbols: tuple[str, ...]
    provider: str
    endpoint: str


@dataclass(frozen=True, slots=True, kw_only=True)
class JobWaitingForQuota(Event):
    """A job is held by the provider's limiter until `until`."""

    job_id: str
    provider: str
    until: dt.datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class JobStarted(Event):
    """A job's request was sent."""

    job_id: str
    provider: str
    endpoint: str
    attempt: int


@dataclass(frozen=True, slots=True, kw_only=True)
class RetryScheduled(Event):
    """A job failed transiently and will be sent again after `delay` seconds."""

    job_id: str
    provider: str
    attempt: int
    delay: float
    cause: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ProviderPaused(Event):
    """No request goes to `provider` until `until` (after a 429)."""

    provider: str
    until: dt.datetime
    cause: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ProviderResumed(Event):
    """A paused provider accepts requests again."""

    provider: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ProviderDisabled(Event):
    """A provider, or one of its endpoints, is out of use for this run."""

    provider: str
    reason: str
    endpoint: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class QuotaUsed(Event):
    """A request was counted against a provider's plan."""

    provider: str
    used_today: int
    daily_limit: int | None
    used_this_minute: int
    minute_limit: int | None


@dataclass(frozen=True, slots=True, kw_only=True)
class JobSucceeded(Event):
    """A job's request returned; `resolved` symbols got a quote from it."""

    job_id: str
    provider: str
    resolved: tuple[str, ...]
    missing: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class JobFailed(Event):
    """A job ended without a result from its provider."""

    job_id: str
    provider: str
    kind: str
    message: str


@dataclass(frozen=True, slots=True, kw_only=True)
class PriceResolved(Event):
    """A symbol's price was chosen; `source` names the step that supplied it."""

    symbol: str
    source: str | None
    price: Decimal | None
    session: dt.date | None
    stale: bool
    age_sessions: int | None
    reason: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class FellBack(Event):
    """A symbol moved past `from_step` to the next step of the chain."""

    symbol: str
    from_step: str
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ErrorLogged(Event):
    """An error cause was recorded; repeats raise `count`, not new entries."""

    provider: str
    kind: str
    message: str
    symbols: tuple[str, ...]
    count: int


@dataclass(frozen=True, slots=True, kw_only=True)
class RefreshFinished(Event):
    """A refresh ended; `by_source` counts symbols per price source."""

    by_source: dict[str, int]
    unresolved: tuple[str, ...]
    unquoted: tuple[str, ...] = ()
    """Unresolved symbols that no configured provider quotes. Every provider
    whose plan serves them returned no quote, so asking again does not help."""
    cancelled: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class ImportProgressed(Event):
    """An import read `done` of `total` rows."""

    path: str
    done: int
    total: int


@dataclass(frozen=True, slots=True, kw_only=True)
class ImportFinished(Event):
    """An import wrote `written` rows and rejected `rejected`."""

    path: str
    portfolio: str
    kind: str
    written: int
    unchanged: int
    rejected: int
    warnings: int
