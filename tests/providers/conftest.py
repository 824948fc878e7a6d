"""Fixtures for provider tests: an emulator on 127.0.0.1 and clients bound to it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest
from provider_support import FMP_KEY, KEYS, POLYGON_KEY, Clock

from providers.emulator import Emulator, Universe, load_universe
from providers.fmp import FmpClient
from providers.polygon import PolygonClient


@pytest.fixture(scope="session")
def universe() -> Universe:
    return load_universe()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def emulator(universe: Universe, clock: Clock) -> Iterator[Emulator]:
    with Emulator(keys=KEYS, now=clock, universe=universe) as running:
        yield running


@pytest.fixture
def make_emulator(universe: Universe) -> Iterator[Callable[..., Emulator]]:
    """Start extra emulators with their own clock or keys; all stop at teardown."""
    started: list[Emulator] = []

    def start(**options: Any) -> Emulator:
        options.setdefault("keys", KEYS)
        options.setdefault("universe", universe)
        running = Emulator(**options).start()
        started.append(running)
        return running

    yield start
    for running in started:
        running.stop()


@pytest.fixture
async def fmp(emulator: Emulator) -> AsyncIterator[FmpClient]:
    client = FmpClient(FMP_KEY, emulator.base_url)
    yield client
    await client.aclose()


@pytest.fixture
async def polygon(emulator: Emulator) -> AsyncIterator[PolygonClient]:
    client = PolygonClient(POLYGON_KEY, emulator.base_url)
    yield client
    await client.aclose()
