"""Per-provider pacing: a per-minute window, a persisted daily count and pauses.

Every request a provider is sent passes through its limiter first, so a 429
pause or an exhausted quota holds back every job at once.
"""

from __future__ import annotations

import asyncio
import collections
import datetime as dt
import time
from collections.abc import Awaitable, Callable
from typing import Protocol

from domain.calendar import NEW_YORK
from domain.errors import ErrorKind, ProviderError
from domain.events import Event, JobWaitingForQuota, ProviderResumed, QuotaUsed
from providers.plans import Plan

WINDOW_SECONDS = 60.0
WINDOW_MARGIN_SECONDS = 1.0
"""Extra wait before a request that a full minute window holds back.

A server counts the window from when it received each request, a transit
later than this limiter's count, so a request sent exactly 60 s after the
first could still be rejected. Polygon's 429 carries no Retry-After, and the
engine then pauses 12 s: in a benchmark run one such request made six
refreshes take 72 s instead of 60 s.
NOTE: 1 s is an estimate that covers transit and clock skew on a working link.
"""


class UsageCounter(Protocol):
    """Storage for daily request counts, so they survive a restart."""

    async def usage(self, provider: str, day: dt.date) -> int:
        """Return requests sent to `provider` on `day`."""
        ...

    async def add_usage(self, provider: str, day: dt.date, count: int) -> int:
        """Add `count` requests and return the day's new total."""
        ...


def quota_day(moment: dt.datetime) -> dt.date:
    """Return the day a request counts against.

    NOTE: neither provider documents the time zone of its daily reset;
    New York midnight is assumed.
    """
    return moment.astimezone(NEW_YORK).date()


class Limiter:
    """Admits one request at a time to a provider within its plan's limits.

    Args:
        plan: The plan whose per-minute and per-day quotas apply.
        counter: Persistent daily usage.
        emit: Receives QuotaUsed, JobWaitingForQuota and ProviderResumed.
        clock: Wall clock (aware) for the daily count and event times.
        monotonic: Clock for the minute window and pauses.
        sleep: Awaitable sleep, replaceable in tests.
    """

    def __init__(
        self,
        plan: Plan,
        counter: UsageCounter,
        emit: Callable[[Event], None],
        *,
        clock: Callable[[], dt.datetime],
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.plan = plan
        self._counter = counter
        self._emit = emit
        self._clock = clock
        self._monotonic = monotonic
        self._sleep = sleep
        self._sent: collections.deque[float] = collections.deque()
        self._lock = asyncio.Lock()
        self._paused_until = 0.0
        self._used_today: int | None = None
        self._day: dt.date | None = None

    @property
    def provider(self) -> str:
        """The provider this limiter paces."""
        return self.plan.provider

    def paused_for(self) -> float:
        """Return the seconds left in the current pause, or 0."""
        return max(0.0, self._paused_until - self._monotonic())

    def pause(self, seconds: float) -> float:
        """Hold every request for `seconds` (extending, never shortening, a pause).

        Returns:
            The seconds left in the pause after the call.
        """
        self._paused_until = max(self._paused_until, self._monotonic() + seconds)
        return self.paused_for()

    async def used_today(self) -> int:
        """Return requests counted today, loading the persisted count once a day."""
        day = quota_day(self._clock())
        if self._used_today is None or self._day != day:
            self._used_today = await self._counter.usage(self.provider, day)
            self._day = day
        return self._used_today

    def _window_wait(self) -> float:
        now = self._monotonic()
        window = WINDOW_SECONDS + WINDOW_MARGIN_SECONDS
        while self._sent and now - self._sent[0] >= window:
            self._sent.popleft()
        limit = self.plan.per_minute
        if limit is None or len(self._sent) < limit:
            return 0.0
        return self._sent[0] + window - now

    async def acquire(self, job_id: str, endpoint: str) -> None:
        """Wait until a request may be sent, then count it.

        Raises:
            ProviderError: QUOTA_EXHAUSTED when the daily quota is used up.
        """
        async with self._lock:
            while True:
                await self._check_daily(endpoint)
                wait = max(self.paused_for(), self._window_wait())
                if wait <= 0:
                    break
                until = self._clock() + dt.timedelta(seconds=wait)
                self._emit(
                    JobWaitingForQuota(
                        job_id=job_id, provider=self.provider, until=until
                    )
                )
                paused = self.paused_for() > 0
                await self._sleep(wait)
                if paused and self.paused_for() <= 0:
                    self._emit(ProviderResumed(provider=self.provider))
            self._sent.append(self._monotonic())
            day = quota_day(self._clock())
            self._used_today = await self._counter.add_usage(self.provider, day, 1)
            self._day = day
            self._emit_usage(self._used_today)

    def _emit_usage(self, used_today: int) -> None:
        self._emit(
            QuotaUsed(
                provider=self.provider,
                used_today=used_today,
                daily_limit=self.plan.per_day,
                used_this_minute=len(self._sent),
                minute_limit=self.plan.per_minute,
            )
        )

    async def refund(self) -> None:
        """Take back the count of a request that never reached the server.

        A connection that was refused, or timed out before it opened, delivers
        nothing, so the provider counts nothing against the quota.
        """
        if self._sent:
            self._sent.pop()
        # The day the request was counted on, even if midnight has passed.
        day = self._day or quota_day(self._clock())
        total = await self._counter.add_usage(self.provider, day, -1)
        if day == self._day:
            self._used_today = total
            self._emit_usage(total)

    async def _check_daily(self, endpoint: str) -> None:
        limit = self.plan.per_day
        if limit is None:
            return
        used = await self.used_today()
        if used >= limit:
            raise ProviderError(
                self.provider,
                ErrorKind.QUOTA_EXHAUSTED,
                f"{self.provider.upper()} daily quota of {limit} requests is used up "
                f"({used} sent today); it resets tomorrow, or upgrade the plan",
                endpoint=endpoint,
            )
