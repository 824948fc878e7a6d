"""PolygonClient against the emulator: parsing, sessions and error classes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import httpx
import pytest
from provider_support import POLYGON_FREE_KEY, POLYGON_KEY, Clock

from domain.calendar import NEW_YORK
from domain.errors import ErrorKind, ProviderError
from providers.emulator import Emulator, Fault, FaultAction
from providers.plans import Endpoint
from providers.polygon import PolygonClient

SHORT = httpx.Timeout(0.3, connect=1.0)


async def test_previous_close_session(polygon: PolygonClient) -> None:
    quote = await polygon.previous_close("AAPL")
    assert quote is not None
    assert quote.session == dt.date(2024, 5, 29)
    assert quote.as_of == dt.datetime(2024, 5, 29, 16, 0, tzinfo=NEW_YORK)
    assert quote.source == "polygon"


async def test_previous_close_price_decimal(polygon: PolygonClient) -> None:
    quote = await polygon.previous_close("ZM")
    assert quote is not None
    assert isinstance(quote.price, Decimal)
    assert Decimal(75) < quote.price < Decimal(85)


async def test_previous_close_unknown_none(polygon: PolygonClient) -> None:
    assert await polygon.previous_close("NOSUCH") is None


async def test_previous_close_share_class(polygon: PolygonClient) -> None:
    quote = await polygon.previous_close("BRK.B")
    assert quote is not None
    assert quote.symbol == "BRK.B"


@pytest.mark.parametrize("price", ["zero", "null", "nan"])
async def test_previous_close_bad_price_none(
    emulator: Emulator, polygon: PolygonClient, price: str
) -> None:
    emulator.script(Fault(FaultAction.BAD_PRICE, symbol="AAPL", price=price))
    assert await polygon.previous_close("AAPL") is None


async def test_daily_bars_skip_holiday(polygon: PolygonClient) -> None:
    bars = await polygon.daily_bars("AAPL", dt.date(2024, 5, 23), dt.date(2024, 5, 28))
    sessions = [bar.session for bar in bars]
    assert sessions == [
        dt.date(2024, 5, 23),
        dt.date(2024, 5, 24),
        dt.date(2024, 5, 28),
    ]


async def test_daily_bars_skip_null_close(
    emulator: Emulator, polygon: PolygonClient
) -> None:
    emulator.script(
        Fault(
            FaultAction.BAD_PRICE,
            symbol="AAPL",
            price="null",
            session=dt.date(2024, 5, 24),
        )
    )
    bars = await polygon.daily_bars("AAPL", dt.date(2024, 5, 23), dt.date(2024, 5, 28))
    assert [bar.session.day for bar in bars] == [23, 28]


async def test_daily_bars_follow_next_url(emulator: Emulator) -> None:
    first_page = {
        "ticker": "AAPL",
        "status": "OK",
        "resultsCount": 1,
        "results": [{"c": 190.0, "t": 1716436800000}],
        "next_url": "http://127.0.0.2:9/v2/aggs/ticker/AAPL/range/1/day/2024-05-24/"
        "2024-05-24?cursor=abc&apiKey=leaked",
    }
    emulator.script(
        Fault(
            FaultAction.STATUS,
            endpoint=Endpoint.POLYGON_RANGE,
            status=200,
            body=first_page,
        )
    )
    seen: list[str] = []

    async def before(endpoint: str) -> None:
        seen.append(endpoint)

    async with PolygonClient(
        POLYGON_KEY, emulator.base_url, before_request=before
    ) as client:
        bars = await client.daily_bars(
            "AAPL", dt.date(2024, 5, 23), dt.date(2024, 5, 24)
        )
    second_path = emulator.requests()[-1].path
    assert [bar.session for bar in bars] == [dt.date(2024, 5, 23), dt.date(2024, 5, 24)]
    assert seen == ["range", "range"]
    assert "apiKey" not in second_path
    assert "cursor=abc" in second_path


async def test_grouped_daily_quotes(polygon: PolygonClient) -> None:
    quotes = await polygon.grouped_daily(dt.date(2024, 5, 24))
    assert quotes["BRK.B"].session == dt.date(2024, 5, 24)
    assert len(quotes) > 5000


@pytest.mark.parametrize(
    "day", [dt.date(2024, 3, 16), dt.date(2024, 3, 29), dt.date(2024, 5, 27)]
)
async def test_grouped_daily_closed_empty(polygon: PolygonClient, day: dt.date) -> None:
    assert await polygon.grouped_daily(day) == {}


async def test_grouped_daily_zero_price_left_out(
    emulator: Emulator, polygon: PolygonClient
) -> None:
    emulator.script(Fault(FaultAction.BAD_PRICE, symbol="MSFT", price="zero"))
    quotes = await polygon.grouped_daily(dt.date(2024, 5, 24))
    assert "MSFT" not in quotes
    assert "AAPL" in quotes


async def test_snapshot_after_close(polygon: PolygonClient) -> None:
    quotes = await polygon.snapshot(["AAPL", "BRK.B", "NOSUCH"])
    assert sorted(quotes) == ["AAPL", "BRK.B"]
    assert quotes["AAPL"].session == dt.date(2024, 5, 29)


async def test_snapshot_premarket_uses_prev_day(
    make_emulator: Callable[..., Emulator],
) -> None:
    clock = Clock(dt.datetime(2024, 5, 28, 8, 0, tzinfo=NEW_YORK))
    emulator = make_emulator(now=clock)
    async with PolygonClient(POLYGON_KEY, emulator.base_url) as client:
        quotes = await client.snapshot(["AAPL"])
        previous = await client.previous_close("AAPL")
    assert quotes["AAPL"].session == dt.date(2024, 5, 24)
    assert previous is not None
    assert quotes["AAPL"].price == previous.price


async def test_snapshot_during_session_is_today(
    make_emulator: Callable[..., Emulator],
) -> None:
    clock = Clock(dt.datetime(2024, 5, 29, 12, 0, tzinfo=NEW_YORK))
    emulator = make_emulator(now=clock)
    async with PolygonClient(POLYGON_KEY, emulator.base_url) as client:
        quotes = await client.snapshot(["AAPL"])
    assert quotes["AAPL"].session == dt.date(2024, 5, 29)
    assert quotes["AAPL"].as_of == dt.datetime(2024, 5, 29, 12, 0, tzinfo=NEW_YORK)


async def test_snapshot_free_plan_not_entitled(emulator: Emulator) -> None:
    async with PolygonClient(POLYGON_FREE_KEY, emulator.base_url) as client:
        with pytest.raises(ProviderError) as caught:
            await client.snapshot(["AAPL"])
    assert caught.value.kind is ErrorKind.NOT_ENTITLED
    assert caught.value.endpoint == "snapshot"


async def test_free_plan_timeframe_not_entitled(emulator: Emulator) -> None:
    async with PolygonClient(POLYGON_FREE_KEY, emulator.base_url) as client:
        with pytest.raises(ProviderError) as caught:
            await client.daily_bars("AAPL", dt.date(2020, 1, 2), dt.date(2020, 1, 10))
    assert caught.value.kind is ErrorKind.NOT_ENTITLED
    assert "reach back" in caught.value.detail


async def test_ticker_details_found(polygon: PolygonClient) -> None:
    info = await polygon.ticker_details("FB")
    assert info is not None
    assert info.active is False
    assert info.currency == "USD"


async def test_ticker_details_unknown_none(polygon: PolygonClient) -> None:
    assert await polygon.ticker_details("NOSUCH") is None


async def test_search_tickers_pages(emulator: Emulator) -> None:
    seen: list[str] = []

    async def before(endpoint: str) -> None:
        seen.append(endpoint)

    async with PolygonClient(
        POLYGON_KEY, emulator.base_url, before_request=before
    ) as client:
        found = await client.search_tickers("XA", limit=1500)
    assert len(found) == 1500
    assert found[-1].symbol == "XA1500"
    assert seen == ["tickers", "tickers"]


async def test_search_tickers_active_only(polygon: PolygonClient) -> None:
    found = await polygon.search_tickers("zoom", limit=10)
    assert [info.symbol for info in found] == ["ZM"]


async def test_unknown_key_invalid(emulator: Emulator) -> None:
    async with PolygonClient("not-a-key", emulator.base_url) as client:
        with pytest.raises(ProviderError) as caught:
            await client.previous_close("AAPL")
    assert caught.value.kind is ErrorKind.INVALID_KEY
    assert caught.value.detail == (
        "Polygon key rejected (401): set POLYGON_API_KEY or run targetdesk doctor"
    )


async def test_missing_key_on_400_invalid(
    emulator: Emulator, polygon: PolygonClient
) -> None:
    emulator.script(
        Fault(
            FaultAction.STATUS,
            provider="polygon",
            status=400,
            body={
                "status": "ERROR",
                "request_id": "x",
                "error": "API Key was not provided",
            },
        )
    )
    with pytest.raises(ProviderError) as caught:
        await polygon.previous_close("AAPL")
    assert caught.value.kind is ErrorKind.INVALID_KEY


@pytest.mark.parametrize("status", [400, 404, 501])
async def test_permanent_status_bad_request(
    emulator: Emulator, polygon: PolygonClient, status: int
) -> None:
    emulator.script(Fault(FaultAction.STATUS, provider="polygon", status=status))
    with pytest.raises(ProviderError) as caught:
        await polygon.previous_close("MSFT")
    assert caught.value.kind is ErrorKind.BAD_REQUEST
    assert caught.value.kind.retryable is False


@pytest.mark.parametrize("status", [500, 502, 503, 504])
async def test_server_error_transient(
    emulator: Emulator, polygon: PolygonClient, status: int
) -> None:
    emulator.script(Fault(FaultAction.HTML_ERROR, provider="polygon", status=status))
    with pytest.raises(ProviderError) as caught:
        await polygon.previous_close("MSFT")
    assert caught.value.kind is ErrorKind.TRANSIENT
    assert caught.value.status == status


async def test_empty_502_transient(emulator: Emulator, polygon: PolygonClient) -> None:
    emulator.script(Fault(FaultAction.EMPTY_ERROR, provider="polygon"))
    with pytest.raises(ProviderError) as caught:
        await polygon.previous_close("MSFT")
    assert caught.value.kind is ErrorKind.TRANSIENT
    assert "(no content type, 0 bytes)" in caught.value.detail


async def test_reset_transient(emulator: Emulator, polygon: PolygonClient) -> None:
    emulator.script(Fault(FaultAction.RESET, provider="polygon"))
    with pytest.raises(ProviderError) as caught:
        await polygon.previous_close("MSFT")
    assert caught.value.kind is ErrorKind.TRANSIENT


async def test_read_timeout_transient(emulator: Emulator) -> None:
    emulator.script(Fault(FaultAction.SLOW, provider="polygon", delay=1.0))
    async with PolygonClient(POLYGON_KEY, emulator.base_url, timeout=SHORT) as client:
        with pytest.raises(ProviderError) as caught:
            await client.previous_close("MSFT")
    assert caught.value.kind is ErrorKind.TRANSIENT
    assert "did not respond within 0.3 s" in caught.value.detail


async def test_slow_within_timeout_succeeds(
    emulator: Emulator, polygon: PolygonClient
) -> None:
    emulator.script(Fault(FaultAction.SLOW, provider="polygon", delay=0.1))
    assert await polygon.previous_close("MSFT") is not None


async def test_connection_refused_transient(
    make_emulator: Callable[..., Emulator],
) -> None:
    emulator = make_emulator()
    base_url = emulator.base_url
    emulator.stop()
    async with PolygonClient(POLYGON_KEY, base_url) as client:
        with pytest.raises(ProviderError) as caught:
            await client.previous_close("MSFT")
    assert caught.value.kind is ErrorKind.TRANSIENT


async def test_malformed_json_malformed(
    emulator: Emulator, polygon: PolygonClient
) -> None:
    emulator.script(Fault(FaultAction.MALFORMED_JSON, provider="polygon"))
    with pytest.raises(ProviderError) as caught:
        await polygon.previous_close("AAPL")
    assert caught.value.kind is ErrorKind.MALFORMED
    assert "invalid JSON" in caught.value.detail


async def test_html_200_malformed(emulator: Emulator, polygon: PolygonClient) -> None:
    emulator.script(
        Fault(
            FaultAction.STATUS,
            provider="polygon",
            status=200,
            body="<html><body>maintenance</body></html>",
            content_type="text/html",
        )
    )
    with pytest.raises(ProviderError) as caught:
        await polygon.previous_close("AAPL")
    assert caught.value.kind is ErrorKind.MALFORMED
    assert "(text/html, 37 bytes)" in caught.value.detail


async def test_unexpected_shape_malformed(
    emulator: Emulator, polygon: PolygonClient
) -> None:
    emulator.script(
        Fault(
            FaultAction.STATUS, provider="polygon", status=200, body={"results": "none"}
        )
    )
    with pytest.raises(ProviderError) as caught:
        await polygon.previous_close("AAPL")
    assert caught.value.kind is ErrorKind.MALFORMED


async def test_error_status_in_200(emulator: Emulator, polygon: PolygonClient) -> None:
    emulator.script(Fault(FaultAction.ERROR_IN_200, provider="polygon", message="boom"))
    with pytest.raises(ProviderError) as caught:
        await polygon.previous_close("AAPL")
    assert caught.value.kind is ErrorKind.BAD_REQUEST


async def test_delayed_status_is_success(
    emulator: Emulator, polygon: PolygonClient
) -> None:
    body = {
        "ticker": "AAPL",
        "status": "DELAYED",
        "resultsCount": 1,
        "results": [{"T": "AAPL", "c": 190.5, "t": 1716955200000}],
    }
    emulator.script(
        Fault(FaultAction.STATUS, provider="polygon", status=200, body=body)
    )
    quote = await polygon.previous_close("AAPL")
    assert quote is not None
    assert quote.price == Decimal("190.5")


async def test_key_sent_as_bearer_only(
    emulator: Emulator, polygon: PolygonClient
) -> None:
    await polygon.previous_close("AAPL")
    record = emulator.requests()[-1]
    assert record.status == 200
    assert POLYGON_KEY not in record.path


async def test_grouped_closes_only_requested(polygon: PolygonClient) -> None:
    quotes = await polygon.grouped_closes(dt.date(2024, 5, 24), ["AAPL", "BRK.B"])
    assert quotes is not None
    assert sorted(quotes) == ["AAPL", "BRK.B"]
    assert quotes["BRK.B"].session == dt.date(2024, 5, 24)


async def test_grouped_closes_none_on_holiday(polygon: PolygonClient) -> None:
    assert await polygon.grouped_closes(dt.date(2024, 5, 27), ["AAPL"]) is None


async def test_grouped_closes_unknown_symbols_empty(polygon: PolygonClient) -> None:
    # A published session without the requested symbols is not a missing one.
    quotes = await polygon.grouped_closes(dt.date(2024, 5, 24), ["FXNAX", "NOSUCH"])
    assert quotes == {}


async def test_grouped_closes_share_session_times(polygon: PolygonClient) -> None:
    quotes = await polygon.grouped_closes(dt.date(2024, 5, 24), ["AAPL", "MSFT"])
    assert quotes is not None
    assert quotes["AAPL"].as_of == quotes["MSFT"].as_of
    assert quotes["AAPL"].as_of.hour == 16
