"""FmpClient against the emulator: parsing, sessions and error classes."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from provider_support import FMP_FREE_KEY, FMP_KEY

from domain.calendar import NEW_YORK
from domain.errors import ErrorKind, ProviderError
from providers.emulator import Emulator, Fault, FaultAction
from providers.fmp import FmpClient
from providers.plans import Endpoint
from providers.polygon import PolygonClient


async def test_quote_session_and_time(fmp: FmpClient) -> None:
    quote = await fmp.quote("AAPL")
    assert quote is not None
    assert quote.session == dt.date(2024, 5, 29)
    assert quote.as_of == dt.datetime(2024, 5, 29, 16, 0, tzinfo=NEW_YORK)
    assert quote.source == "fmp"


async def test_quote_matches_polygon_close(
    fmp: FmpClient, polygon: PolygonClient
) -> None:
    quote = await fmp.quote("ZM")
    other = await polygon.previous_close("ZM")
    assert quote is not None
    assert other is not None
    assert quote.price == other.price


async def test_quote_unknown_none(fmp: FmpClient) -> None:
    assert await fmp.quote("NOSUCH") is None


async def test_quote_share_class_hyphen(emulator: Emulator, fmp: FmpClient) -> None:
    quote = await fmp.quote("BRK.B")
    assert quote is not None
    assert quote.symbol == "BRK.B"
    assert "symbol=BRK-B" in emulator.requests()[-1].path


async def test_quote_mutual_fund(fmp: FmpClient) -> None:
    quote = await fmp.quote("FCNTX")
    assert quote is not None
    assert quote.symbol == "FCNTX"


@pytest.mark.parametrize("price", ["zero", "null", "nan"])
async def test_quote_bad_price_none(
    emulator: Emulator, fmp: FmpClient, price: str
) -> None:
    emulator.script(Fault(FaultAction.BAD_PRICE, symbol="AAPL", price=price))
    assert await fmp.quote("AAPL") is None


async def test_batch_quote_keys(fmp: FmpClient) -> None:
    quotes = await fmp.batch_quote(["AAPL", "BRK.B", "NOSUCH", "FB"])
    assert sorted(quotes) == ["AAPL", "BRK.B"]


async def test_batch_quote_zero_left_out(emulator: Emulator, fmp: FmpClient) -> None:
    emulator.script(Fault(FaultAction.BAD_PRICE, symbol="MSFT", price="zero"))
    quotes = await fmp.batch_quote(["AAPL", "MSFT"])
    assert sorted(quotes) == ["AAPL"]


async def test_batch_quote_empty_no_request(emulator: Emulator, fmp: FmpClient) -> None:
    assert await fmp.batch_quote([]) == {}
    assert emulator.requests() == []


async def test_batch_quote_before_request(emulator: Emulator) -> None:
    seen: list[str] = []

    async def before(endpoint: str) -> None:
        seen.append(endpoint)

    async with FmpClient(FMP_KEY, emulator.base_url, before_request=before) as client:
        await client.batch_quote(["AAPL"])
        await client.quote("AAPL")
    assert seen == ["batch_quote", "quote"]


async def test_daily_bars_oldest_first(fmp: FmpClient) -> None:
    bars = await fmp.daily_bars("AAPL", dt.date(2024, 5, 20), dt.date(2024, 5, 24))
    assert [bar.session.day for bar in bars] == [20, 21, 22, 23, 24]


async def test_daily_bars_skip_null_holiday(emulator: Emulator, fmp: FmpClient) -> None:
    emulator.script(
        Fault(
            FaultAction.BAD_PRICE,
            symbol="AAPL",
            price="null",
            session=dt.date(2024, 5, 27),
        )
    )
    bars = await fmp.daily_bars("AAPL", dt.date(2024, 5, 23), dt.date(2024, 5, 27))
    raw = emulator.requests()[-1]
    assert raw.fault == "bad_price"
    assert [bar.session.day for bar in bars] == [23, 24]


async def test_search_symbols(fmp: FmpClient) -> None:
    found = await fmp.search("Berkshire")
    assert "BRK.B" in {info.symbol for info in found}


async def test_search_empty_query_no_request(
    emulator: Emulator, fmp: FmpClient
) -> None:
    assert await fmp.search("  ") == []
    assert emulator.requests() == []


async def test_free_batch_not_entitled(emulator: Emulator) -> None:
    async with FmpClient(FMP_FREE_KEY, emulator.base_url) as client:
        with pytest.raises(ProviderError) as caught:
            await client.batch_quote(["AAPL", "MSFT"])
    assert caught.value.kind is ErrorKind.NOT_ENTITLED
    assert caught.value.status == 402
    assert caught.value.endpoint == "batch_quote"


async def test_free_premium_symbol_not_entitled(emulator: Emulator) -> None:
    async with FmpClient(FMP_FREE_KEY, emulator.base_url) as client:
        with pytest.raises(ProviderError) as caught:
            await client.quote("VTI")
    assert caught.value.kind is ErrorKind.NOT_ENTITLED
    assert caught.value.symbols == ("VTI",)


async def test_special_endpoint_in_200(emulator: Emulator, fmp: FmpClient) -> None:
    emulator.script(
        Fault(
            FaultAction.ERROR_IN_200,
            provider="fmp",
            message="Special Endpoint : This endpoint is not available under your "
            "current subscription",
        )
    )
    with pytest.raises(ProviderError) as caught:
        await fmp.batch_quote(["AAPL"])
    assert caught.value.kind is ErrorKind.NOT_ENTITLED


async def test_limit_reach_429_quota(emulator: Emulator, fmp: FmpClient) -> None:
    emulator.script(Fault(FaultAction.STATUS, provider="fmp", status=429))
    with pytest.raises(ProviderError) as caught:
        await fmp.quote("AAPL")
    assert caught.value.kind is ErrorKind.QUOTA_EXHAUSTED
    assert caught.value.kind.retryable is False


async def test_limit_reach_200_quota(emulator: Emulator, fmp: FmpClient) -> None:
    emulator.script(Fault(FaultAction.ERROR_IN_200, provider="fmp"))
    with pytest.raises(ProviderError) as caught:
        await fmp.batch_quote(["AAPL"])
    assert caught.value.kind is ErrorKind.QUOTA_EXHAUSTED


async def test_per_minute_429_rate_limited(emulator: Emulator, fmp: FmpClient) -> None:
    emulator.script(
        Fault(
            FaultAction.STATUS,
            provider="fmp",
            status=429,
            body={"message": "slow down"},
        )
    )
    with pytest.raises(ProviderError) as caught:
        await fmp.quote("AAPL")
    assert caught.value.kind is ErrorKind.RATE_LIMITED


async def test_invalid_key_in_200(emulator: Emulator, fmp: FmpClient) -> None:
    emulator.script(
        Fault(
            FaultAction.ERROR_IN_200, provider="fmp", message="Invalid API KEY. Get one"
        )
    )
    with pytest.raises(ProviderError) as caught:
        await fmp.quote("AAPL")
    assert caught.value.kind is ErrorKind.INVALID_KEY


async def test_other_error_in_200_bad_request(
    emulator: Emulator, fmp: FmpClient
) -> None:
    emulator.script(
        Fault(FaultAction.ERROR_IN_200, provider="fmp", message="Invalid date format")
    )
    with pytest.raises(ProviderError) as caught:
        await fmp.daily_bars("AAPL", dt.date(2024, 5, 1), dt.date(2024, 5, 2))
    assert caught.value.kind is ErrorKind.BAD_REQUEST


async def test_object_body_malformed(emulator: Emulator, fmp: FmpClient) -> None:
    emulator.script(
        Fault(FaultAction.STATUS, provider="fmp", status=200, body={"symbol": "AAPL"})
    )
    with pytest.raises(ProviderError) as caught:
        await fmp.quote("AAPL")
    assert caught.value.kind is ErrorKind.MALFORMED


async def test_empty_results_fault(emulator: Emulator, fmp: FmpClient) -> None:
    emulator.script(Fault(FaultAction.EMPTY_RESULTS, endpoint=Endpoint.FMP_QUOTE))
    assert await fmp.quote("AAPL") is None


async def test_reset_transient(emulator: Emulator, fmp: FmpClient) -> None:
    emulator.script(Fault(FaultAction.RESET, provider="fmp"))
    with pytest.raises(ProviderError) as caught:
        await fmp.quote("AAPL")
    assert caught.value.kind is ErrorKind.TRANSIENT


async def test_read_timeout_transient(emulator: Emulator) -> None:
    emulator.script(Fault(FaultAction.SLOW, provider="fmp", delay=1.0))
    timeout = httpx.Timeout(0.3, connect=1.0)
    async with FmpClient(FMP_KEY, emulator.base_url, timeout=timeout) as client:
        with pytest.raises(ProviderError) as caught:
            await client.quote("AAPL")
    assert caught.value.kind is ErrorKind.TRANSIENT


async def test_quote_inactive_none(fmp: FmpClient) -> None:
    assert await fmp.quote("ZOOM") is None


async def test_search_skips_inactive(fmp: FmpClient) -> None:
    assert await fmp.search("Zoom Technologies") == []
