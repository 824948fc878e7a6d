"""Wire formats the emulator sends, read with plain httpx over 127.0.0.1."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import httpx
import pytest
from provider_support import FMP_FREE_KEY, FMP_KEY, POLYGON_FREE_KEY, POLYGON_KEY

from domain.calendar import NEW_YORK
from providers.emulator import Emulator


@pytest.fixture
def http(emulator: Emulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=emulator.base_url, timeout=5) as client:
        yield client


def polygon_get(
    http: httpx.Client, path: str, key: str = POLYGON_KEY
) -> httpx.Response:
    return http.get(path, headers={"Authorization": f"Bearer {key}"})


def fmp_get(
    http: httpx.Client, path: str, key: str = FMP_KEY, **params: str
) -> httpx.Response:
    return http.get(path, params={**params, "apikey": key})


def test_prev_envelope(http: httpx.Client) -> None:
    body = polygon_get(http, "/v2/aggs/ticker/AAPL/prev").json()
    bar = body["results"][0]
    assert body["status"] == "OK"
    assert body["resultsCount"] == 1
    assert bar["T"] == "AAPL"
    assert set(bar) == {"T", "v", "vw", "o", "c", "h", "l", "t", "n"}


def test_prev_t_is_new_york_midnight(http: httpx.Client) -> None:
    bar = polygon_get(http, "/v2/aggs/ticker/AAPL/prev").json()["results"][0]
    start = dt.datetime.fromtimestamp(bar["t"] / 1000, NEW_YORK)
    assert start.date() == dt.date(2024, 5, 29)
    assert start.time() == dt.time(0, 0)


def test_prev_unknown_ticker_has_no_results(http: httpx.Client) -> None:
    response = polygon_get(http, "/v2/aggs/ticker/NOSUCH/prev")
    body = response.json()
    assert response.status_code == 200
    assert body["resultsCount"] == 0
    assert "results" not in body


def test_polygon_hyphen_share_class_empty(http: httpx.Client) -> None:
    body = polygon_get(http, "/v2/aggs/ticker/BRK-B/prev").json()
    assert body["resultsCount"] == 0


def test_polygon_dot_share_class_found(http: httpx.Client) -> None:
    body = polygon_get(http, "/v2/aggs/ticker/BRK.B/prev").json()
    assert body["results"][0]["T"] == "BRK.B"


def test_fmp_hyphen_share_class_found(http: httpx.Client) -> None:
    body = fmp_get(http, "/stable/quote", symbol="BRK-B").json()
    assert body[0]["symbol"] == "BRK-B"


def test_fmp_dot_share_class_empty(http: httpx.Client) -> None:
    assert fmp_get(http, "/stable/quote", symbol="BRK.B").json() == []


def test_fmp_unknown_symbol_empty_list(http: httpx.Client) -> None:
    response = fmp_get(http, "/stable/quote", symbol="NOSUCH")
    assert response.status_code == 200
    assert response.json() == []


def test_fmp_quote_timestamp_is_close(http: httpx.Client) -> None:
    quote = fmp_get(http, "/stable/quote", symbol="ZM").json()[0]
    close = dt.datetime.fromtimestamp(quote["timestamp"], NEW_YORK)
    assert close == dt.datetime(2024, 5, 29, 16, 0, tzinfo=NEW_YORK)


def test_fmp_and_polygon_close_agree(http: httpx.Client) -> None:
    fmp_price = fmp_get(http, "/stable/quote", symbol="ZM").json()[0]["price"]
    polygon_close = polygon_get(http, "/v2/aggs/ticker/ZM/prev").json()["results"][0][
        "c"
    ]
    assert fmp_price == polygon_close


def test_zm_price_near_reference(http: httpx.Client) -> None:
    price = fmp_get(http, "/stable/quote", symbol="ZM").json()[0]["price"]
    assert 75 < price < 85


def test_zoom_is_inactive_penny_stock(http: httpx.Client) -> None:
    details = polygon_get(http, "/v3/reference/tickers/ZOOM").json()["results"]
    assert details["active"] is False
    assert details["name"].startswith("Zoom Technologies")


def test_fb_has_no_current_bar(http: httpx.Client) -> None:
    body = polygon_get(http, "/v2/aggs/ticker/FB/prev").json()
    assert body["resultsCount"] == 0


def test_fb_last_bar_before_rename(http: httpx.Client) -> None:
    rows = fmp_get(
        http,
        "/stable/historical-price-eod/full",
        symbol="FB",
        **{"from": "2022-06-06", "to": "2022-06-10"},
    ).json()
    assert [row["date"] for row in rows] == ["2022-06-08", "2022-06-07", "2022-06-06"]


def test_unknown_route_plain_text(http: httpx.Client) -> None:
    response = http.get("/v2/nothing/here")
    assert response.status_code == 404
    assert response.text == "404 page not found"
    assert response.headers["content-type"].startswith("text/plain")


def test_polygon_missing_key(http: httpx.Client) -> None:
    response = http.get("/v2/aggs/ticker/AAPL/prev")
    assert response.status_code == 401
    assert response.json()["error"] == "API Key was not provided"


def test_polygon_unknown_key(http: httpx.Client) -> None:
    response = polygon_get(http, "/v2/aggs/ticker/AAPL/prev", key="wrong")
    assert response.status_code == 401
    assert response.json()["error"] == "Unknown API Key"


def test_polygon_fmp_key_rejected(http: httpx.Client) -> None:
    response = polygon_get(http, "/v2/aggs/ticker/AAPL/prev", key=FMP_KEY)
    assert response.status_code == 401


def test_fmp_invalid_key(http: httpx.Client) -> None:
    response = fmp_get(http, "/stable/quote", key="wrong", symbol="AAPL")
    assert response.status_code == 401
    assert response.json()["Error Message"].startswith("Invalid API KEY.")


def test_fmp_legacy_quote_403(http: httpx.Client) -> None:
    response = fmp_get(http, "/api/v3/quote/AAPL")
    assert response.status_code == 403
    assert response.json()["Error Message"].startswith("Legacy Endpoint :")


def test_free_snapshot_not_entitled(http: httpx.Client) -> None:
    response = polygon_get(
        http, "/v2/snapshot/locale/us/markets/stocks/tickers/AAPL", key=POLYGON_FREE_KEY
    )
    body = response.json()
    assert response.status_code == 403
    assert body["status"] == "NOT_AUTHORIZED"
    assert body["message"].startswith("You are not entitled to this data.")


def test_free_old_range_timeframe(http: httpx.Client) -> None:
    response = polygon_get(
        http,
        "/v2/aggs/ticker/AAPL/range/1/day/2020-01-02/2020-01-10",
        key=POLYGON_FREE_KEY,
    )
    assert response.status_code == 403
    assert "doesn't include this data timeframe" in response.json()["message"]


def test_fmp_free_premium_symbol(http: httpx.Client) -> None:
    response = fmp_get(http, "/stable/quote", key=FMP_FREE_KEY, symbol="VTI")
    assert response.status_code == 402
    assert response.json()["Error Message"].startswith("Premium Query Parameter:")


def test_fmp_free_sample_symbol(http: httpx.Client) -> None:
    response = fmp_get(http, "/stable/quote", key=FMP_FREE_KEY, symbol="AAPL")
    assert response.status_code == 200


def test_fmp_free_batch_special_endpoint(http: httpx.Client) -> None:
    response = fmp_get(
        http, "/stable/batch-quote", key=FMP_FREE_KEY, symbols="AAPL,MSFT"
    )
    assert response.status_code == 402
    assert response.json()["Error Message"].startswith("Special Endpoint :")


def test_fmp_batch_quote_skips_unknown(http: httpx.Client) -> None:
    rows = fmp_get(http, "/stable/batch-quote", symbols="AAPL,NOSUCH,BRK-B").json()
    assert [row["symbol"] for row in rows] == ["AAPL", "BRK-B"]


@pytest.mark.parametrize(
    "day", ["2024-03-16", "2024-03-29", "2024-05-27", "2024-05-30"]
)
def test_grouped_closed_day_empty(http: httpx.Client, day: str) -> None:
    body = polygon_get(http, f"/v2/aggs/grouped/locale/us/market/stocks/{day}").json()
    assert body["resultsCount"] == 0
    assert "results" not in body


def test_grouped_session_covers_universe(http: httpx.Client) -> None:
    body = polygon_get(
        http, "/v2/aggs/grouped/locale/us/market/stocks/2024-05-24"
    ).json()
    tickers = {row["T"] for row in body["results"]}
    assert {"AAPL", "BRK.B", "XA5000"} <= tickers
    assert "FCNTX" not in tickers


def test_range_skips_holiday(http: httpx.Client) -> None:
    body = polygon_get(
        http, "/v2/aggs/ticker/AAPL/range/1/day/2024-05-23/2024-05-28"
    ).json()
    sessions = [
        dt.datetime.fromtimestamp(row["t"] / 1000, NEW_YORK).date().isoformat()
        for row in body["results"]
    ]
    assert sessions == ["2024-05-23", "2024-05-24", "2024-05-28"]


def test_range_pages_by_next_url(http: httpx.Client) -> None:
    first = polygon_get(
        http, "/v2/aggs/ticker/AAPL/range/1/day/2024-05-01/2024-05-10?limit=3"
    ).json()
    following = httpx.URL(first["next_url"])
    second = polygon_get(http, following.raw_path.decode()).json()
    assert first["resultsCount"] == 3
    assert second["resultsCount"] == 3
    assert second["results"][0]["t"] > first["results"][-1]["t"]


def test_ticker_search_pages(http: httpx.Client) -> None:
    first = polygon_get(http, "/v3/reference/tickers?search=XA&limit=1000").json()
    path = httpx.URL(first["next_url"]).raw_path.decode()
    second = polygon_get(http, path).json()
    assert first["count"] == 1000
    assert second["results"][0]["ticker"] == "XA1001"


def test_ticker_search_next_url_has_no_key(http: httpx.Client) -> None:
    first = polygon_get(http, "/v3/reference/tickers?search=XA&limit=10").json()
    assert POLYGON_KEY not in first["next_url"]


def test_ticker_details_not_found(http: httpx.Client) -> None:
    response = polygon_get(http, "/v3/reference/tickers/NOSUCH")
    assert response.status_code == 404
    assert response.json() == {
        "status": "NOT_FOUND",
        "request_id": response.json()["request_id"],
        "message": "Ticker not found.",
    }


def test_fmp_search_fields(http: httpx.Client) -> None:
    rows = fmp_get(http, "/stable/search-symbol", query="Vanguard Total").json()
    assert {"VTI", "VTIAX"} <= {row["symbol"] for row in rows}
    assert set(rows[0]) == {
        "symbol",
        "name",
        "currency",
        "exchangeFullName",
        "exchange",
    }


def test_fmp_history_newest_first(http: httpx.Client) -> None:
    rows = fmp_get(
        http,
        "/stable/historical-price-eod/full",
        symbol="AAPL",
        **{"from": "2024-05-20", "to": "2024-05-24"},
    ).json()
    assert rows[0]["date"] == "2024-05-24"
    assert rows[-1]["date"] == "2024-05-20"
