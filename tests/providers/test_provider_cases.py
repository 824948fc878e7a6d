"""Recorded provider failures from tests/data/http, replayed through the emulator."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import httpx
import pytest
from provider_support import FMP_KEY, POLYGON_FREE_KEY, POLYGON_KEY, Clock, load_case

from domain.calendar import NEW_YORK
from domain.errors import ErrorKind, ProviderError
from providers.emulator import Emulator, Fault, FaultAction
from providers.fmp import FmpClient
from providers.plans import Endpoint
from providers.polygon import PolygonClient

StartEmulator = Callable[..., Emulator]


def case_named(data: dict[str, Any], name: str) -> dict[str, Any]:
    return next(case for case in data["cases"] if case["name"] == name)


async def failure(call: Any) -> ProviderError:
    with pytest.raises(ProviderError) as caught:
        await call
    return caught.value


# rate_limit_429.json


async def test_rate_limit_sequence(emulator: Emulator, polygon: PolygonClient) -> None:
    case = load_case("rate_limit_429.json")
    for response in case["responses_in_order"]:
        headers = response["headers"]
        emulator.script(
            Fault(
                FaultAction.STATUS,
                endpoint=Endpoint.POLYGON_RANGE,
                status=response["status"],
                body=response["body"],
                retry_after=headers.get("Retry-After"),
            )
        )
    day = dt.date(2023, 1, 9)
    first = await failure(polygon.daily_bars("AAPL", day, day))
    second = await failure(polygon.daily_bars("AAPL", day, day))
    bars = await polygon.daily_bars("AAPL", day, day)
    assert first.kind is ErrorKind.RATE_LIMITED
    assert first.retry_after is None
    assert second.kind is ErrorKind.RATE_LIMITED
    assert second.retry_after == 12
    assert bars[0].close == Decimal("130.15")
    assert bars[0].session == day


async def test_rate_limit_http_date(emulator: Emulator, polygon: PolygonClient) -> None:
    when = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=30)
    emulator.script(
        Fault(
            FaultAction.STATUS,
            provider="polygon",
            status=429,
            retry_after=when.strftime("%a, %d %b %Y %H:%M:%S GMT"),
        )
    )
    error = await failure(polygon.previous_close("AAPL"))
    assert error.kind is ErrorKind.RATE_LIMITED
    assert error.retry_after is not None
    assert 25 <= error.retry_after <= 31


async def test_rate_limit_reset_header(
    emulator: Emulator, polygon: PolygonClient
) -> None:
    emulator.script(
        Fault(
            FaultAction.STATUS,
            provider="polygon",
            status=429,
            headers={"X-RateLimit-Reset": "7"},
        )
    )
    error = await failure(polygon.previous_close("AAPL"))
    assert error.retry_after == 7


@pytest.mark.parametrize("status", [429, 200])
async def test_fmp_limit_reach_variants(
    emulator: Emulator, fmp: FmpClient, status: int
) -> None:
    case = load_case("rate_limit_429.json")
    variant = next(item for item in case["fmp_variants"] if item["status"] == status)
    emulator.script(
        Fault(FaultAction.STATUS, provider="fmp", status=status, body=variant["body"])
    )
    error = await failure(fmp.quote("AAPL"))
    assert error.kind is ErrorKind.QUOTA_EXHAUSTED
    assert error.retry_after is None


async def test_polygon_free_sixth_request_429(emulator: Emulator) -> None:
    async with PolygonClient(POLYGON_FREE_KEY, emulator.base_url) as client:
        for _ in range(5):
            await client.previous_close("AAPL")
        error = await failure(client.previous_close("AAPL"))
    assert error.kind is ErrorKind.RATE_LIMITED


# transient_5xx_html.json


async def test_transient_sequence(emulator: Emulator) -> None:
    case = load_case("transient_5xx_html.json")
    html, empty, _, success = case["responses_in_order"]

    emulator.script(
        Fault(
            FaultAction.STATUS,
            endpoint=Endpoint.POLYGON_PREV,
            status=html["status"],
            body=html["body"],
            content_type=html["headers"]["Content-Type"],
        )
    )
    emulator.script(
        Fault(
            FaultAction.EMPTY_ERROR,
            endpoint=Endpoint.POLYGON_PREV,
            status=empty["status"],
        )
    )
    emulator.script(Fault(FaultAction.SLOW, endpoint=Endpoint.POLYGON_PREV, delay=1.0))
    emulator.script(
        Fault(
            FaultAction.STATUS,
            endpoint=Endpoint.POLYGON_PREV,
            status=200,
            body=success["body"],
        )
    )

    timeout = httpx.Timeout(0.3, connect=1.0)
    async with PolygonClient(POLYGON_KEY, emulator.base_url, timeout=timeout) as client:
        errors = [await failure(client.previous_close("MSFT")) for _ in range(3)]
        quote = await client.previous_close("MSFT")

    assert [error.kind for error in errors] == [ErrorKind.TRANSIENT] * 3
    size = len(html["body"].encode())
    assert errors[0].detail.startswith(
        f"HTTP 504 from Polygon (text/html, {size} bytes)"
    )
    assert errors[1].status == 502
    assert quote is not None
    assert quote.price == Decimal("415.28")


@pytest.mark.parametrize("status", [400, 404, 501])
async def test_transient_case_not_retried(
    emulator: Emulator, polygon: PolygonClient, status: int
) -> None:
    emulator.script(Fault(FaultAction.STATUS, provider="polygon", status=status))
    error = await failure(polygon.previous_close("MSFT"))
    assert error.kind.retryable is False


# auth_401_403.json


async def test_polygon_plan_403(emulator: Emulator) -> None:
    expected = case_named(load_case("auth_401_403.json"), "polygon_plan_403")
    async with PolygonClient(POLYGON_FREE_KEY, emulator.base_url) as client:
        error = await failure(client.snapshot(["AAPL"]))
    assert error.kind is ErrorKind.NOT_ENTITLED
    assert error.status == expected["status"]
    assert expected["body"]["message"] in error.detail


async def test_polygon_bad_key_401(emulator: Emulator) -> None:
    expected = case_named(load_case("auth_401_403.json"), "polygon_bad_key_401")
    async with PolygonClient("wrong-key", emulator.base_url) as client:
        error = await failure(client.previous_close("AAPL"))
    assert error.kind is ErrorKind.INVALID_KEY
    assert error.status == expected["status"]
    assert "POLYGON_API_KEY" in error.detail


async def test_fmp_legacy_403(emulator: Emulator, fmp: FmpClient) -> None:
    expected = case_named(load_case("auth_401_403.json"), "fmp_legacy_403")
    emulator.script(
        Fault(FaultAction.STATUS, provider="fmp", status=403, body=expected["body"])
    )
    error = await failure(fmp.quote("AAPL"))
    assert error.kind is ErrorKind.NOT_ENTITLED
    assert "/stable/" in error.detail


async def test_fmp_bad_key_401(emulator: Emulator) -> None:
    async with FmpClient("wrong-key", emulator.base_url) as client:
        error = await failure(client.quote("AAPL"))
    assert error.kind is ErrorKind.INVALID_KEY
    assert error.detail == (
        "FMP rejected the API key (401): set FMP_API_KEY or run targetdesk doctor"
    )


async def test_auth_failures_send_one_request(emulator: Emulator) -> None:
    async with PolygonClient("wrong-key", emulator.base_url) as client:
        await failure(client.previous_close("AAPL"))
    assert len(emulator.requests()) == 1


# weekend_holiday.json


@pytest.mark.parametrize(
    ("now", "session"),
    [
        ("2024-03-16T10:00:00-04:00", dt.date(2024, 3, 15)),
        ("2024-03-29T12:00:00-04:00", dt.date(2024, 3, 28)),
        ("2024-05-28T08:00:00-04:00", dt.date(2024, 5, 24)),
    ],
)
async def test_closed_day_previous_close(
    make_emulator: StartEmulator, now: str, session: dt.date
) -> None:
    emulator = make_emulator(now=Clock(dt.datetime.fromisoformat(now)))
    async with PolygonClient(POLYGON_KEY, emulator.base_url) as client:
        quote = await client.previous_close("AAPL")
    assert quote is not None
    assert quote.session == session


async def test_weekend_range_empty(make_emulator: StartEmulator) -> None:
    saturday = dt.datetime(2024, 3, 16, 10, 0, tzinfo=NEW_YORK)
    emulator = make_emulator(now=Clock(saturday))
    async with PolygonClient(POLYGON_KEY, emulator.base_url) as client:
        bars = await client.daily_bars("AAPL", saturday.date(), saturday.date())
    assert bars == []


def test_weekend_empty_body_matches_case(make_emulator: StartEmulator) -> None:
    expected = load_case("weekend_holiday.json")["empty_response"]["body"]
    emulator = make_emulator(
        now=Clock(dt.datetime(2024, 3, 16, 10, 0, tzinfo=NEW_YORK))
    )
    with httpx.Client(base_url=emulator.base_url) as http:
        response = http.get(
            "/v2/aggs/ticker/AAPL/range/1/day/2024-03-16/2024-03-16",
            headers={"Authorization": f"Bearer {POLYGON_KEY}"},
        )
    body = response.json()
    body["request_id"] = expected["request_id"]
    assert body == expected


async def test_lookback_null_close_skipped(
    make_emulator: StartEmulator,
) -> None:
    emulator = make_emulator(now=Clock(dt.datetime(2024, 5, 28, 8, 0, tzinfo=NEW_YORK)))
    emulator.script(
        Fault(
            FaultAction.BAD_PRICE,
            symbol="AAPL",
            price="null",
            session=dt.date(2024, 5, 27),
        )
    )
    async with PolygonClient(POLYGON_KEY, emulator.base_url) as client:
        bars = await client.daily_bars(
            "AAPL", dt.date(2024, 5, 23), dt.date(2024, 5, 27)
        )
    assert [bar.session for bar in bars] == [dt.date(2024, 5, 23), dt.date(2024, 5, 24)]


async def test_fmp_lookback_null_close_skipped(
    make_emulator: StartEmulator,
) -> None:
    emulator = make_emulator(now=Clock(dt.datetime(2024, 5, 28, 8, 0, tzinfo=NEW_YORK)))
    emulator.script(
        Fault(
            FaultAction.BAD_PRICE,
            symbol="AAPL",
            price="null",
            session=dt.date(2024, 5, 27),
        )
    )
    async with FmpClient(FMP_KEY, emulator.base_url) as client:
        bars = await client.daily_bars(
            "AAPL", dt.date(2024, 5, 23), dt.date(2024, 5, 27)
        )
    assert bars[-1].session == dt.date(2024, 5, 24)
