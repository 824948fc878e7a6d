"""The fetch engine: resolves a price for every symbol within every quota.

For each symbol, in order: a fresh cached quote, the provider chain (bulk
requests first), a cached quote within the stale tolerance, the user's own
price. Every step is reported as an event; each error cause is logged once
per run with a count.
"""

from __future__ import annotations

import asyncio
import contextvars
import datetime as dt
import itertools
import logging
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping, Sequence
from decimal import Decimal
from typing import Protocol

import stamina

from domain.calendar import last_completed_session
from domain.errors import ProviderError
from domain.events import (
    Event,
    FellBack,
    JobFailed,
    JobQueued,
    JobStarted,
    JobSucceeded,
    PriceResolved,
    RefreshFinished,
)
from domain.models import PriceSource, ResolvedPrice
from domain.quotes import Quote
from domain.resolution import DEFAULT_STALE_SESSIONS, resolve_price
from providers.failures import ErrorSink, FailureHandler, ProviderDisabledError
from providers.limiter import UsageCounter
from providers.sharing import Claim, InFlight, others_quotes
from providers.slots import ProviderSlot, RefreshResult, RetryPolicy
from providers.strategies import (
    Job,
    Strategy,
    build_jobs,
    choose_strategy,
    eligible,
)

log = logging.getLogger(__name__)

NO_QUOTE = "no quote"
"""Reason for a symbol that a provider was requested for and returned no quote."""

NOT_IN_PLAN = "not in plan"
"""Reason for a symbol that the provider's plan does not serve (FMP free's sample)."""

_current_job: contextvars.ContextVar[str] = contextvars.ContextVar("job", default="")
"""Id of the job whose request a client is about to send."""


class QuoteBackend(UsageCounter, ErrorSink, Protocol):
    """Storage operations the engine uses."""

    async def latest_quotes(self, symbols: Sequence[str]) -> dict[str, Quote]:
        """Return the newest cached quote of each symbol."""
        ...

    async def save_quotes(self, quotes: Sequence[Quote]) -> None:
        """Store quotes in the cache."""
        ...

    async def record_resolutions(
        self, resolutions: Mapping[str, ResolvedPrice]
    ) -> None:
        """Store each symbol's resolved price on its targets."""
        ...


class Engine:
    """Resolves prices through the providers, the cache and the user's price.

    Args:
        backend: Storage for the cache, daily usage and the error log.
        slots: Providers in the configured order of preference.
        clock: Aware wall clock.
        tolerance: Sessions a cached quote may lag and still be shown.
        retry: Retry bounds for every job.
    """

    def __init__(
        self,
        backend: QuoteBackend,
        slots: Sequence[ProviderSlot],
        *,
        clock: Callable[[], dt.datetime],
        tolerance: int = DEFAULT_STALE_SESSIONS,
        retry: RetryPolicy | None = None,
    ) -> None:
        self.backend = backend
        self.slots = list(slots)
        self.clock = clock
        self.tolerance = tolerance
        self.retry = retry or RetryPolicy()
        self.failures = FailureHandler(backend, self.retry, self.emit, clock)
        self._ids = itertools.count(1)
        self._in_flight = InFlight()
        self._listeners: list[Callable[[Event], None]] = []

    def emit(self, event: Event) -> None:
        """Pass an event to the listener of every refresh in progress."""
        for listener in list(self._listeners):
            listener(event)

    def reset(self) -> None:
        """Re-enable disabled providers and forget missing symbols."""
        for slot in self.slots:
            slot.disabled = None
            slot.consecutive_failures = 0
            slot.disabled_endpoints.clear()
            slot.missing.clear()

    async def before_request(self, provider: str, endpoint: str) -> None:
        """Admit a request through the provider's limiter (clients await this)."""
        slot = self._slot(provider)
        job_id = _current_job.get()
        _raise_if_disabled(slot)
        await slot.limiter.acquire(job_id, endpoint)
        try:
            _raise_if_disabled(slot)
        except ProviderDisabledError:
            # Disabled while this job waited: the counted request is not sent.
            await slot.limiter.refund()
            raise
        self.emit(
            JobStarted(job_id=job_id, provider=provider, endpoint=endpoint, attempt=0)
        )

    async def request_unsent(self, provider: str, _endpoint: str) -> None:
        """Take back the quota count of a request whose connection failed."""
        await self._slot(provider).limiter.refund()

    async def call(
        self,
        provider: str,
        endpoint: str,
        symbols: tuple[str, ...],
        call: Callable[[], Awaitable[dict[str, Quote]]],
    ) -> dict[str, Quote]:
        """Run one request outside a refresh, with the same limits and retries.

        Raises:
            ProviderError: when the request fails for good.
        """
        slot = self._slot(provider)
        job = Job(f"{provider}-{next(self._ids)}", provider, endpoint, symbols, call)
        token = _current_job.set(job.job_id)
        try:
            return await self._with_retries(slot, job)
        finally:
            _current_job.reset(token)

    def _slot(self, provider: str) -> ProviderSlot:
        for slot in self.slots:
            if slot.name == provider:
                return slot
        raise KeyError(provider)

    async def refresh(
        self,
        symbols: Sequence[str],
        user_prices: Mapping[str, Decimal | None],
        emit: Callable[[Event], None],
    ) -> RefreshResult:
        """Resolve every symbol, emitting events as each step happens."""
        self._listeners.append(emit)
        try:
            return await self._refresh(symbols, user_prices, emit)
        finally:
            self._listeners.remove(emit)

    async def _refresh(
        self,
        symbols: Sequence[str],
        user_prices: Mapping[str, Decimal | None],
        emit: Callable[[Event], None],
    ) -> RefreshResult:
        self.failures.run_id = uuid.uuid4().hex
        now = self.clock()
        wanted = list(dict.fromkeys(symbols))
        latest = last_completed_session(now)
        resolved: dict[str, ResolvedPrice] = {}
        live_needed = []
        # Reading the cache and claiming symbols under the lock keeps an
        # overlapping refresh from sending a second request (see InFlight).
        async with self._in_flight.lock:
            cached = await self.backend.latest_quotes(wanted)
            for symbol in wanted:
                quote = cached.get(symbol)
                if quote is not None and quote.session >= latest:
                    resolved[symbol] = resolve_price(
                        now=now, user_price=user_prices.get(symbol), cached=quote
                    )
                else:
                    live_needed.append(symbol)
            claim = self._in_flight.claim(live_needed)
        reasons: dict[str, str] = {}
        try:
            live = await self._ask_shared(claim, reasons)
            if live:
                await self.backend.save_quotes(list(live.values()))
        finally:
            async with self._in_flight.lock:
                self._in_flight.release(claim)
        for symbol in live_needed:
            resolved[symbol] = resolve_price(
                now=now,
                user_price=user_prices.get(symbol),
                live=live.get(symbol),
                cached=cached.get(symbol),
                tolerance=self.tolerance,
                reason=reasons.get(symbol),
            )
            source = resolved[symbol].source
            if symbol not in live and source is not None:
                emit(
                    FellBack(symbol=symbol, from_step="providers", reason=source.value)
                )
        for symbol in wanted:
            item = resolved[symbol]
            emit(
                PriceResolved(
                    symbol=symbol,
                    source=None if item.source is None else item.source.value,
                    price=item.price,
                    session=item.session,
                    stale=item.stale,
                    age_sessions=item.age_sessions,
                    reason=item.reason,
                )
            )
        await self.backend.record_resolutions(resolved)
        by_source = Counter(
            "unresolved" if r.source is None else r.source.value
            for r in resolved.values()
        )
        good = (PriceSource.FMP, PriceSource.POLYGON, PriceSource.FRESH_CACHE)
        unresolved = tuple(s for s, r in resolved.items() if r.source not in good)
        unquoted = tuple(
            s
            for s in unresolved
            if reasons.get(s, "").endswith((NO_QUOTE, NOT_IN_PLAN))
        )
        emit(
            RefreshFinished(
                by_source=dict(by_source), unresolved=unresolved, unquoted=unquoted
            )
        )
        return RefreshResult(resolved, dict(by_source), unresolved, unquoted)

    async def _ask_shared(
        self, claim: Claim, reasons: dict[str, str]
    ) -> dict[str, Quote]:
        """Ask the chain for this refresh's symbols, then wait for the others'.

        Two refreshes that overlap share one request per symbol: the second
        waits for the first one's result instead of sending its own.
        """
        live: dict[str, Quote] = {}
        try:
            live = await self._ask_chain(claim.mine, reasons)
        finally:
            claim.finish(live)
        live.update(await others_quotes(claim, reasons))
        return live

    async def _ask_chain(
        self, symbols: list[str], reasons: dict[str, str]
    ) -> dict[str, Quote]:
        """Ask providers in turn until every symbol has a quote or none is left."""
        found: dict[str, Quote] = {}
        pending = list(symbols)
        order = {slot.name: index for index, slot in enumerate(self.slots)}
        queue = list(self.slots)
        while pending and queue:
            queue.sort(key=lambda s: (self._is_per_symbol(s), order[s.name]))
            slot = queue.pop(0)
            strategy = self._strategy(slot)
            if strategy is None:
                continue
            served = set(eligible(slot.limiter.plan, pending))
            for symbol in pending:
                if symbol not in served:
                    reasons.setdefault(symbol, f"{slot.name}: {NOT_IN_PLAN}")
                elif symbol in slot.missing:
                    reasons.setdefault(symbol, f"{slot.name}: {NO_QUOTE}")
            requested = [s for s in pending if s in served and s not in slot.missing]
            if not requested:
                continue
            answers, endpoint_failed = await self._ask(
                slot, strategy, requested, reasons
            )
            found.update(answers)
            left = [s for s in pending if s not in answers]
            for symbol in left:
                if symbol in requested:
                    self.emit(
                        FellBack(
                            symbol=symbol,
                            from_step=slot.name,
                            reason=reasons.get(symbol, "no quote"),
                        )
                    )
            pending = left
            if endpoint_failed and slot.disabled is None:
                queue.append(slot)
        return found

    def _strategy(self, slot: ProviderSlot) -> Strategy | None:
        if slot.disabled is not None:
            return None
        return choose_strategy(slot.limiter.plan, slot.disabled_endpoints)

    def _is_per_symbol(self, slot: ProviderSlot) -> bool:
        strategy = self._strategy(slot)
        return strategy is None or strategy.per_symbol

    async def _ask(
        self,
        slot: ProviderSlot,
        strategy: Strategy,
        symbols: list[str],
        reasons: dict[str, str],
    ) -> tuple[dict[str, Quote], bool]:
        now = self.clock()
        jobs = build_jobs(
            strategy,
            slot.limiter.plan,
            slot.client,
            symbols,
            now,
            lambda: f"{slot.name}-{next(self._ids)}",
        )
        for job in jobs:
            self.emit(
                JobQueued(
                    job_id=job.job_id,
                    symbols=job.symbols,
                    provider=job.provider,
                    endpoint=job.endpoint,
                )
            )
        results = await asyncio.gather(*(self._run(slot, job, reasons) for job in jobs))
        answers: dict[str, Quote] = {}
        endpoint_failed = False
        for job, result in zip(jobs, results, strict=True):
            if result is None:
                endpoint_failed = (
                    endpoint_failed or job.endpoint in slot.disabled_endpoints
                )
                continue
            answers.update(result)
            slot.missing.update(s for s in job.symbols if s not in result)
        return answers, endpoint_failed

    async def _run(
        self, slot: ProviderSlot, job: Job, reasons: dict[str, str]
    ) -> dict[str, Quote] | None:
        """Run one job with retries; return its quotes, or None if it failed."""
        token = _current_job.set(job.job_id)
        try:
            result = await self._with_retries(slot, job)
        except ProviderError as error:
            for symbol in job.symbols:
                reasons[symbol] = f"{slot.name}: {error.kind.value}"
            self.emit(
                JobFailed(
                    job_id=job.job_id,
                    provider=slot.name,
                    kind=error.kind.value,
                    message=error.detail,
                )
            )
            return None
        finally:
            _current_job.reset(token)
        missing = tuple(s for s in job.symbols if s not in result)
        for symbol in missing:
            reasons.setdefault(symbol, f"{slot.name}: {NO_QUOTE}")
        self.emit(
            JobSucceeded(
                job_id=job.job_id,
                provider=slot.name,
                resolved=tuple(result),
                missing=missing,
            )
        )
        return result

    async def _with_retries(self, slot: ProviderSlot, job: Job) -> dict[str, Quote]:
        policy = self.retry
        retrying = stamina.retry_context(
            on=lambda error: self.failures.backoff(slot, error),
            attempts=policy.attempts,
            timeout=policy.timeout,
            wait_initial=policy.wait_initial,
            wait_max=policy.wait_max,
            wait_jitter=policy.wait_jitter,
        )
        async for attempt in retrying:
            with attempt:
                try:
                    result = await job.call()
                except ProviderError as error:
                    await self.failures.record(slot, job, error, attempt)
                    raise
                slot.consecutive_429 = 0
                slot.consecutive_failures = 0
                return result
        raise AssertionError("stamina ended without a result or an error")


def _raise_if_disabled(slot: ProviderSlot) -> None:
    """Raise ProviderDisabledError if this run sends no more requests to `slot`."""
    if slot.disabled is not None:
        raise ProviderDisabledError(slot.name, slot.disabled_kind, slot.disabled)
