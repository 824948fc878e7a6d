"""Fixtures for engine tests: one running clock shared by emulator and engine."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import stamina
from engine_support import RunningClock

from providers.emulator import Emulator


@pytest.fixture
def clock() -> RunningClock:
    """A fixed start date that advances in real time."""
    return RunningClock()


@pytest.fixture
def emulator(clock: RunningClock) -> Iterator[Emulator]:
    """An emulator on 127.0.0.1 whose sessions and quotas follow `clock`."""
    with Emulator(now=clock) as running:
        yield running


@pytest.fixture(autouse=True)
def _no_backoff_sleeps() -> Iterator[None]:
    """Retry transient errors four times without sleeping between attempts."""
    with stamina.set_testing(True, attempts=4, cap=True):
        yield
