"""The emulator's quotas, request log, fault scripting and start-up."""

from __future__ import annotations

import datetime as dt
import io
import threading
from collections.abc import Callable, Iterator

import httpx
import pytest
from provider_support import FMP_FREE_KEY, FMP_KEY, POLYGON_FREE_KEY, POLYGON_KEY, Clock

from providers.emulator import Emulator, Fault, FaultAction, serve
from providers.emulator.faults import fault_from_json
from providers.emulator.quotas import QuotaBook
from providers.plans import Plan


@pytest.fixture
def http(emulator: Emulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=emulator.base_url, timeout=5) as client:
        yield client


def prev(
    http: httpx.Client, key: str = POLYGON_KEY, ticker: str = "AAPL"
) -> httpx.Response:
    return http.get(
        f"/v2/aggs/ticker/{ticker}/prev", headers={"Authorization": f"Bearer {key}"}
    )


def fmp_quote(
    http: httpx.Client, key: str = FMP_KEY, symbol: str = "AAPL"
) -> httpx.Response:
    return http.get("/stable/quote", params={"symbol": symbol, "apikey": key})


# Quotas


def test_polygon_free_sixth_request_429(http: httpx.Client) -> None:
    statuses = [prev(http, POLYGON_FREE_KEY).status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]


def test_polygon_429_body(http: httpx.Client) -> None:
    for _ in range(5):
        prev(http, POLYGON_FREE_KEY)
    body = prev(http, POLYGON_FREE_KEY).json()
    assert body["status"] == "ERROR"
    assert body["error"].startswith("You've exceeded the maximum requests per minute")


def test_polygon_429_has_no_retry_after(http: httpx.Client) -> None:
    for _ in range(5):
        prev(http, POLYGON_FREE_KEY)
    assert "retry-after" not in prev(http, POLYGON_FREE_KEY).headers


def test_polygon_window_slides(http: httpx.Client, clock: Clock) -> None:
    for _ in range(5):
        prev(http, POLYGON_FREE_KEY)
    clock.advance(60)
    assert prev(http, POLYGON_FREE_KEY).status_code == 200


def test_quota_is_per_key(http: httpx.Client) -> None:
    for _ in range(5):
        prev(http, POLYGON_FREE_KEY)
    assert prev(http, POLYGON_KEY).status_code == 200


def test_fmp_free_daily_limit(http: httpx.Client) -> None:
    statuses = [fmp_quote(http, FMP_FREE_KEY).status_code for _ in range(251)]
    last = fmp_quote(http, FMP_FREE_KEY)
    assert statuses.count(200) == 250
    assert statuses[-1] == 429
    assert last.json()["Error Message"].startswith("Limit Reach .")
    assert "retry-after" not in last.headers


def test_fmp_daily_limit_resets_next_day(http: httpx.Client, clock: Clock) -> None:
    for _ in range(250):
        fmp_quote(http, FMP_FREE_KEY)
    clock.advance(24 * 3600)
    assert fmp_quote(http, FMP_FREE_KEY).status_code == 200


def test_quota_book_per_minute() -> None:
    clock = Clock()
    book = QuotaBook(clock)
    plan = Plan("fmp", "test", 2, None, True, False, 10, None)
    results = [book.admit("k", plan) for _ in range(3)]
    assert results[:2] == [None, None]
    assert results[2] is not None
    assert results[2].per_day is False
    assert results[2].seconds_left == 60


# Request log


def test_log_record_fields(emulator: Emulator, http: httpx.Client) -> None:
    fmp_quote(http)
    record = emulator.requests()[0]
    assert record.provider == "fmp"
    assert record.endpoint == "quote"
    assert record.method == "GET"
    assert record.path == "/stable/quote?symbol=AAPL&apikey=***"
    assert record.status == 200
    assert record.plan == "starter"
    assert record.time == "2024-05-29T22:00:00+00:00"


def test_log_endpoint_json(http: httpx.Client) -> None:
    prev(http)
    fmp_quote(http)
    rows = http.get("/_emulator/requests").json()
    assert [row["endpoint"] for row in rows] == ["prev", "quote"]
    assert rows[0]["monotonic"] <= rows[1]["monotonic"]


def test_log_endpoint_delete(emulator: Emulator, http: httpx.Client) -> None:
    prev(http)
    response = http.delete("/_emulator/requests")
    assert response.json() == {"cleared": 1}
    assert emulator.requests() == []


def test_log_skips_control_requests(emulator: Emulator, http: httpx.Client) -> None:
    http.get("/_emulator/requests")
    http.get("/_emulator/faults")
    assert emulator.requests() == []


def test_log_unknown_route(emulator: Emulator, http: httpx.Client) -> None:
    http.get("/stable/nothing")
    record = emulator.requests()[0]
    assert record.provider == "fmp"
    assert record.endpoint == "unknown"
    assert record.status == 404


def test_log_reset_status_none(emulator: Emulator, http: httpx.Client) -> None:
    emulator.script(Fault(FaultAction.RESET))
    with pytest.raises(httpx.TransportError):
        prev(http)
    record = emulator.requests()[0]
    assert record.status is None
    assert record.fault == "reset"


def test_log_rejected_key_has_no_plan(emulator: Emulator, http: httpx.Client) -> None:
    prev(http, key="wrong")
    assert emulator.requests()[0].plan is None


# Faults


def test_fault_times(emulator: Emulator, http: httpx.Client) -> None:
    emulator.script(Fault(FaultAction.STATUS, status=503, times=2))
    statuses = [prev(http).status_code for _ in range(3)]
    assert statuses == [503, 503, 200]


def test_fault_times_none_stays(emulator: Emulator, http: httpx.Client) -> None:
    emulator.script(Fault(FaultAction.STATUS, status=503, times=None))
    statuses = [prev(http).status_code for _ in range(3)]
    assert statuses == [503, 503, 503]
    assert len(emulator.faults()) == 1


def test_fault_matches_symbol(emulator: Emulator, http: httpx.Client) -> None:
    emulator.script(Fault(FaultAction.STATUS, status=500, symbol="MSFT"))
    assert prev(http, ticker="AAPL").status_code == 200
    assert prev(http, ticker="MSFT").status_code == 500


def test_fault_matches_provider(emulator: Emulator, http: httpx.Client) -> None:
    emulator.script(Fault(FaultAction.STATUS, status=500, provider="fmp"))
    assert prev(http).status_code == 200
    assert fmp_quote(http).status_code == 500


def test_fault_matches_fmp_share_class(emulator: Emulator, http: httpx.Client) -> None:
    emulator.script(Fault(FaultAction.STATUS, status=500, symbol="BRK.B"))
    assert fmp_quote(http, symbol="BRK-B").status_code == 500


def test_fault_retry_after_header(emulator: Emulator, http: httpx.Client) -> None:
    emulator.script(Fault(FaultAction.STATUS, status=429, retry_after="12"))
    assert prev(http).headers["retry-after"] == "12"


def test_fault_html_error_body(emulator: Emulator, http: httpx.Client) -> None:
    emulator.script(Fault(FaultAction.HTML_ERROR))
    response = prev(http)
    assert response.status_code == 504
    assert response.headers["content-type"] == "text/html"
    assert "<center>nginx</center>" in response.text


def test_fault_empty_error(emulator: Emulator, http: httpx.Client) -> None:
    emulator.script(Fault(FaultAction.EMPTY_ERROR))
    response = prev(http)
    assert response.status_code == 502
    assert response.content == b""
    assert "content-type" not in response.headers


def test_fault_error_in_200_fmp(emulator: Emulator, http: httpx.Client) -> None:
    emulator.script(Fault(FaultAction.ERROR_IN_200, provider="fmp"))
    response = fmp_quote(http)
    assert response.status_code == 200
    assert response.json()["Error Message"].startswith("Limit Reach .")


def test_fault_bad_price_nan(emulator: Emulator, http: httpx.Client) -> None:
    emulator.script(Fault(FaultAction.BAD_PRICE, symbol="AAPL", price="nan"))
    assert '"price":NaN' in fmp_quote(http).text


def test_faults_posted_as_json(emulator: Emulator, http: httpx.Client) -> None:
    response = http.post(
        "/_emulator/faults",
        json=[
            {
                "provider": "polygon",
                "endpoint": "prev",
                "action": "status",
                "status": 429,
                "retry_after": 3,
            },
            {"provider": "fmp", "action": "reset", "times": 2},
        ],
    )
    assert response.status_code == 201
    assert response.json() == {"added": 2}
    assert prev(http).headers["retry-after"] == "3"


def test_faults_listed_as_json(emulator: Emulator, http: httpx.Client) -> None:
    emulator.script({"action": "slow", "delay": 0.5, "symbol": "BRK-B"})
    listed = http.get("/_emulator/faults").json()
    assert listed[0]["action"] == "slow"
    assert listed[0]["symbol"] == "BRK.B"


def test_faults_deleted(emulator: Emulator, http: httpx.Client) -> None:
    emulator.script(Fault(FaultAction.RESET))
    assert http.delete("/_emulator/faults").json() == {"cleared": 1}
    assert emulator.faults() == []


@pytest.mark.parametrize(
    "fault",
    [
        {"action": "explode"},
        {"action": "status"},
        {"action": "status", "status": 429, "colour": "red"},
        {"action": "reset", "endpoint": "nowhere"},
        {"action": "reset", "times": 0},
        {"action": "bad_price", "price": "nan"},
        {"status": 500},
    ],
)
def test_invalid_fault_rejected(http: httpx.Client, fault: dict[str, object]) -> None:
    response = http.post("/_emulator/faults", json=fault)
    assert response.status_code == 400
    assert response.json()["error"].startswith("invalid fault:")


def test_fault_json_round_trip() -> None:
    fault = Fault(
        FaultAction.BAD_PRICE, symbol="AAPL", price="null", session=dt.date(2024, 5, 27)
    )
    assert fault_from_json(fault.to_json()) == fault


def test_reset_clears_everything(emulator: Emulator, http: httpx.Client) -> None:
    for _ in range(5):
        prev(http, POLYGON_FREE_KEY)
    emulator.script(Fault(FaultAction.RESET))
    http.post("/_emulator/reset")
    assert emulator.requests() == []
    assert emulator.faults() == []
    assert prev(http, POLYGON_FREE_KEY).status_code == 200


def test_unknown_control_path(http: httpx.Client) -> None:
    assert http.get("/_emulator/nothing").status_code == 404


# Start-up


def test_stop_closes_open_connections(
    make_emulator: Callable[..., Emulator],
) -> None:
    emulator = make_emulator()
    with httpx.Client(base_url=emulator.base_url, timeout=5) as client:
        assert prev(client).status_code == 200
        emulator.stop()
        with pytest.raises(httpx.TransportError):
            prev(client)


def test_log_masks_polygon_query_key(emulator: Emulator, http: httpx.Client) -> None:
    http.get("/v2/aggs/ticker/AAPL/prev", params={"apiKey": POLYGON_KEY})
    record = emulator.requests()[0]
    assert record.status == 200
    assert record.path == "/v2/aggs/ticker/AAPL/prev?apiKey=***"


def test_non_loopback_host_rejected() -> None:
    with pytest.raises(ValueError, match="loopback"):
        Emulator(host="0.0.0.0")


def test_naive_clock_rejected() -> None:
    with pytest.raises(ValueError, match="aware"):
        Emulator(now=lambda: dt.datetime(2024, 5, 29, 18, 0))


def test_unknown_plan_rejected() -> None:
    with pytest.raises(ValueError, match="unknown plan"):
        Emulator(keys={"k": ("polygon", "platinum")})


def test_base_url_before_start() -> None:
    with pytest.raises(RuntimeError, match="start"):
        _ = Emulator().base_url


def test_serve_prints_keys_and_stops() -> None:
    stop = threading.Event()
    out = io.StringIO()
    thread = threading.Thread(
        target=serve, args=(0,), kwargs={"stop": stop, "out": out}
    )
    thread.start()
    stop.set()
    thread.join(timeout=5)
    printed = out.getvalue()
    assert thread.is_alive() is False
    assert "http://127.0.0.1:" in printed
    assert "demo-polygon" in printed
    assert "demo-fmp" in printed
