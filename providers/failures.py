"""Failure handling for provider requests: pause, disable, retry and log."""

from __future__ import annotations

import datetime as dt
import logging
import random
from collections.abc import Callable, Sequence
from typing import Protocol

import stamina

from domain.errors import ErrorKind, ProviderError
from domain.events import (
    ErrorLogged,
    Event,
    ProviderDisabled,
    ProviderPaused,
    RetryScheduled,
)
from providers.slots import ProviderSlot, RetryPolicy
from providers.strategies import Job

log = logging.getLogger(__name__)

_DISABLING = (ErrorKind.INVALID_KEY, ErrorKind.QUOTA_EXHAUSTED)
"""Errors after which no request of this run goes to the provider."""

STOP_AFTER_FAILURES = 3
"""Transient failures in a row after which a run stops asking the provider.

Refused, reset or timed-out connections and gateway errors one after another
mean that the provider or the network is down. Retrying each of 35 symbols
four times would only delay the fallback and, when requests reach the
server, spend the daily quota."""


class ErrorSink(Protocol):
    """Storage for error causes, grouped per run."""

    async def log_error(
        self,
        *,
        run_id: str,
        provider: str,
        kind: str,
        message: str,
        symbols: Sequence[str],
        at: dt.datetime,
    ) -> int:
        """Record an error cause; return how often it occurred in this run."""
        ...


class ProviderDisabledError(ProviderError):
    """A job was not sent because its provider was disabled while it waited."""


class FailureHandler:
    """Turns each failed attempt into a pause, a disabled provider or a retry.

    Args:
        backend: Where error causes are logged, grouped per run.
        retry: Retry bounds shared with the engine.
        emit: Receives the events each failure causes.
        clock: Aware wall clock.
    """

    def __init__(
        self,
        backend: ErrorSink,
        retry: RetryPolicy,
        emit: Callable[[Event], None],
        clock: Callable[[], dt.datetime],
    ) -> None:
        self.backend = backend
        self.retry = retry
        self.emit = emit
        self.clock = clock
        self.run_id = ""

    def backoff(self, slot: ProviderSlot, error: Exception) -> bool | float:
        """Decide whether stamina retries; a 429 waits in the limiter instead."""
        if not isinstance(error, ProviderError) or not error.kind.retryable:
            return False
        if isinstance(error, ProviderDisabledError) or slot.disabled is not None:
            return False
        if error.kind == ErrorKind.RATE_LIMITED:
            if slot.limiter.paused_for() > self.retry.max_pause:
                return False
            return 0.0
        return True

    def pause_for_429(self, slot: ProviderSlot, error: ProviderError) -> float:
        slot.consecutive_429 += 1
        if error.retry_after is not None:
            wait = error.retry_after
        else:
            # Without Retry-After, start from the spacing the plan allows (12 s
            # at 5 per minute), since the server's window has not moved yet.
            per_minute = slot.limiter.plan.per_minute
            base = self.retry.wait_initial
            if per_minute:
                base = max(base, 60.0 / per_minute)
            exponent = slot.consecutive_429 - 1
            wait = min(self.retry.wait_max, base * 2**exponent)
            wait += random.uniform(0, self.retry.wait_jitter)
        return slot.limiter.pause(wait)

    async def record(
        self,
        slot: ProviderSlot,
        job: Job,
        error: ProviderError,
        attempt: stamina.Attempt,
    ) -> None:
        if isinstance(error, ProviderDisabledError):
            return
        now = self.clock()
        last_attempt = attempt.num >= self.retry.attempts
        if error.kind == ErrorKind.TRANSIENT:
            slot.consecutive_failures += 1
            if (
                slot.consecutive_failures >= STOP_AFTER_FAILURES
                and slot.disabled is None
            ):
                self._disable(slot, ErrorKind.TRANSIENT, _stop_reason(slot, error))
                last_attempt = True
        if error.kind == ErrorKind.RATE_LIMITED:
            wait = self.pause_for_429(slot, error)
            self.emit(
                ProviderPaused(
                    provider=slot.name,
                    until=now + dt.timedelta(seconds=wait),
                    cause=error.detail,
                )
            )
            if not last_attempt and wait <= self.retry.max_pause:
                self.emit(self._retry_event(job, attempt.num, wait, error))
        elif error.kind == ErrorKind.TRANSIENT and not last_attempt:
            self.emit(self._retry_event(job, attempt.num, attempt.next_wait, error))
        elif error.kind in _DISABLING and slot.disabled is None:
            self._disable(slot, error.kind, error.detail)
        elif error.kind == ErrorKind.NOT_ENTITLED:
            slot.disabled_endpoints.add(job.endpoint)
            self.emit(
                ProviderDisabled(
                    provider=slot.name, reason=error.detail, endpoint=job.endpoint
                )
            )
        log.warning(
            "%s %s failed on attempt %d (job %s, %d symbols): %s",
            slot.name,
            job.endpoint,
            attempt.num,
            job.job_id,
            len(job.symbols),
            error.detail,
        )
        count = await self.backend.log_error(
            run_id=self.run_id,
            provider=slot.name,
            kind=error.kind.value,
            message=error.detail,
            symbols=job.symbols,
            at=now,
        )
        self.emit(
            ErrorLogged(
                provider=slot.name,
                kind=error.kind.value,
                message=error.detail,
                symbols=job.symbols,
                count=count,
            )
        )

    def _disable(self, slot: ProviderSlot, kind: ErrorKind, reason: str) -> None:
        slot.disable(kind, reason)
        self.emit(ProviderDisabled(provider=slot.name, reason=reason))

    @staticmethod
    def _retry_event(
        job: Job, attempt: int, delay: float, error: ProviderError
    ) -> RetryScheduled:
        return RetryScheduled(
            job_id=job.job_id,
            provider=job.provider,
            attempt=attempt + 1,
            delay=delay,
            cause=error.detail,
        )


def _stop_reason(slot: ProviderSlot, error: ProviderError) -> str:
    """Return why a run stopped asking a provider after repeated failures."""
    return (
        f"{error.detail.rstrip('.')}. {STOP_AFTER_FAILURES} requests in a row "
        f"failed, so this refresh sends no more requests to {slot.name}."
    )
