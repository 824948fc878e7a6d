"""The engine when a provider cannot be reached, and when its quota runs out.

A connection that fails never reaches the provider, so it must not count
against the daily quota. A run stops asking a provider after a few transient
failures in a row (failed connections, timeouts, gateway errors) instead of
retrying every symbol.
"""

from __future__ import annotations

import socket

import pytest
from engine_support import (
    Recorder,
    RunningClock,
    import_35,
    make_engine,
    refresh,
    requests_to,
)

from domain.events import ErrorLogged, JobFailed, ProviderDisabled
from providers.emulator import Emulator, Fault, FaultAction
from providers.failures import STOP_AFTER_FAILURES
from providers.limiter import quota_day
from providers.setup import close_engine
from storage.backend import StoreBackend
from storage.store import Store


@pytest.fixture
def closed_url() -> str:
    """A URL on 127.0.0.1 whose port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


async def test_unreachable_provider_spends_no_quota(
    store: Store, clock: RunningClock, closed_url: str
) -> None:
    prices = await import_35(store)
    backend = StoreBackend(store)
    engine = make_engine(
        store,
        closed_url,
        clock,
        fmp=("demo-fmp", "free"),
        polygon=("demo-polygon", "free"),
    )
    recorder = Recorder()
    result = await refresh(engine, prices, recorder)
    await close_engine(engine)

    day = quota_day(clock())
    assert await backend.usage("fmp", day) == 0
    assert await backend.usage("polygon", day) == 0
    assert result.by_source == {"user": 35}

    disabled = [
        e for e in recorder.of(ProviderDisabled) if isinstance(e, ProviderDisabled)
    ]
    assert {e.provider for e in disabled} == {"fmp", "polygon"}
    for event in disabled:
        assert "requests in a row failed" in event.reason

    failed = [e for e in recorder.of(JobFailed) if isinstance(e, JobFailed)]
    assert {e.kind for e in failed} == {"transient"}
    logged = [e for e in recorder.of(ErrorLogged) if isinstance(e, ErrorLogged)]
    fmp_jobs = {e.job_id for e in failed if e.provider == "fmp"}
    fmp_attempts = max(e.count for e in logged if e.provider == "fmp")
    # One attempt per job at most, plus the failures that tripped the stop:
    # no job retried after the run stopped asking FMP.
    assert fmp_attempts <= len(fmp_jobs) + STOP_AFTER_FAILURES


async def test_used_up_quota_is_reported_as_quota(
    store: Store, emulator: Emulator, clock: RunningClock
) -> None:
    prices = await import_35(store)
    backend = StoreBackend(store)
    day = quota_day(clock())
    await backend.add_usage("fmp", day, 249)
    engine = make_engine(store, emulator, clock, fmp=("demo-fmp", "free"))
    recorder = Recorder()
    await refresh(engine, prices, recorder)
    await close_engine(engine)
    assert await backend.usage("fmp", day) == 250
    failed = [e for e in recorder.of(JobFailed) if isinstance(e, JobFailed)]
    assert failed, "no job failed although one request was left"
    assert {e.kind for e in failed} == {"quota_exhausted"}


async def test_failing_provider_is_not_asked_per_symbol(
    store: Store, emulator: Emulator, clock: RunningClock
) -> None:
    """Gateway errors that reach the server stop the run's requests early."""
    prices = await import_35(store)
    emulator.script(
        Fault(FaultAction.HTML_ERROR, provider="fmp", status=503, times=None)
    )
    backend = StoreBackend(store)
    engine = make_engine(store, emulator, clock, fmp=("demo-fmp", "free"))
    recorder = Recorder()
    await refresh(engine, prices, recorder)
    await close_engine(engine)

    failed = [e for e in recorder.of(JobFailed) if isinstance(e, JobFailed)]
    jobs = {e.job_id for e in failed}
    sent = len(requests_to(emulator, "fmp"))
    # Every job may have sent its first attempt before the third failure came
    # back, but no job retried after that.
    assert sent <= len(jobs) + STOP_AFTER_FAILURES
    assert await backend.usage("fmp", quota_day(clock())) == sent


async def test_failures_below_limit_keep_provider(
    store: Store, emulator: Emulator, clock: RunningClock
) -> None:
    """Gateway errors fewer than the limit are retried, and the retry succeeds."""
    prices = await import_35(store)
    emulator.script(
        Fault(
            FaultAction.HTML_ERROR,
            provider="polygon",
            status=503,
            times=STOP_AFTER_FAILURES - 1,
        )
    )
    engine = make_engine(store, emulator, clock, polygon=("demo-polygon", "free"))
    recorder = Recorder()
    result = await refresh(engine, prices, recorder)
    await close_engine(engine)

    assert recorder.of(ProviderDisabled) == []
    assert result.by_source == {"polygon": 31, "user": 4}
    assert len(requests_to(emulator, "polygon")) == STOP_AFTER_FAILURES
