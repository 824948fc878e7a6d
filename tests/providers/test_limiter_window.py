"""The limiter's minute window, on a clock the test moves."""

from __future__ import annotations

import datetime as dt

from domain.events import Event
from providers.limiter import WINDOW_MARGIN_SECONDS, WINDOW_SECONDS, Limiter
from providers.plans import plan_for


class Counter:
    async def usage(self, provider: str, day: dt.date) -> int:
        return 0

    async def add_usage(self, provider: str, day: dt.date, count: int) -> int:
        return count


async def test_sixth_request_waits_window_and_margin() -> None:
    now = [1000.0]
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    events: list[Event] = []
    limiter = Limiter(
        plan_for("polygon", "free"),
        Counter(),
        events.append,
        clock=lambda: dt.datetime(2024, 5, 29, 18, tzinfo=dt.UTC),
        monotonic=lambda: now[0],
        sleep=sleep,
    )
    for _ in range(5):
        await limiter.acquire("job", "grouped")
        now[0] += 0.1
    assert slept == []
    await limiter.acquire("job", "grouped")
    assert len(slept) == 1
    assert abs(slept[0] - (WINDOW_SECONDS + WINDOW_MARGIN_SECONDS - 0.5)) < 1e-9
