"""API keys stay out of URLs, messages, tracebacks, logs and the emulator's log."""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable

import httpx
import pytest
from provider_support import CANARIES, FMP_KEY, POLYGON_KEY, load_case

from domain.errors import ProviderError
from providers.emulator import Emulator, Fault, FaultAction
from providers.fmp import FmpClient
from providers.polygon import PolygonClient
from providers.redact import (
    HTTP_LOGGERS,
    RedactingFilter,
    install_log_redaction,
    redact_text,
    redact_url,
)


def rendered(error: BaseException) -> str:
    """Everything a log file or a console would print for an exception."""
    printed = "".join(traceback.format_exception(error))
    return f"{error}\n{error!r}\n{printed}"


def test_case_config_uses_canaries() -> None:
    config = load_case("key_redaction.json")["config"]
    assert config["FMP_API_KEY"] == FMP_KEY
    assert config["POLYGON_API_KEY"] == POLYGON_KEY


@pytest.mark.parametrize("name", ["apikey", "apiKey", "api_key", "token", "APIKEY"])
def test_redact_url_params(name: str) -> None:
    url = f"https://example.test/stable/quote?symbol=AAPL&{name}=SECRET&x=1"
    assert (
        redact_url(url)
        == f"https://example.test/stable/quote?symbol=AAPL&{name}=***&x=1"
    )


def test_redact_url_first_param() -> None:
    assert redact_url("/q?apikey=SECRET") == "/q?apikey=***"


def test_redact_url_keeps_similar_names() -> None:
    url = "/q?apikeys=1&my_token=2"
    assert redact_url(url) == url


def test_redact_text_secrets() -> None:
    text = "key SECRET in 'GET /x?token=abc' with Bearer SECRET2"
    assert (
        redact_text(text, ["SECRET"]) == "key *** in 'GET /x?token=***' with Bearer ***"
    )


def test_filter_rewrites_args() -> None:
    record = logging.LogRecord(
        "httpx",
        logging.INFO,
        __file__,
        1,
        "HTTP Request: %s %s",
        ("GET", "/q?apikey=K"),
        None,
    )
    RedactingFilter().filter(record)
    assert record.getMessage() == "HTTP Request: GET /q?apikey=***"


def test_filter_rewrites_traceback() -> None:
    try:
        raise ValueError("failed for /q?apikey=CANARY_X")
    except ValueError:
        record = logging.LogRecord(
            "httpx",
            logging.ERROR,
            __file__,
            1,
            "boom",
            (),
            sys.exc_info(),
        )
    RedactingFilter().filter(record)
    assert record.exc_text is not None
    assert "CANARY_X" not in record.exc_text


def test_install_covers_httpcore_children() -> None:
    installed = install_log_redaction(["EXTRA_SECRET"])
    for name in HTTP_LOGGERS:
        assert installed in logging.getLogger(name).filters


async def test_fmp_error_has_no_key(emulator: Emulator, fmp: FmpClient) -> None:
    emulator.script(Fault(FaultAction.STATUS, provider="fmp", status=403))
    with pytest.raises(ProviderError) as caught:
        await fmp.quote("AAPL")
    assert FMP_KEY not in rendered(caught.value)
    assert caught.value.__context__ is None


async def test_fmp_connect_error_has_no_key(
    make_emulator: Callable[..., Emulator],
) -> None:
    emulator = make_emulator()
    base_url = emulator.base_url
    emulator.stop()
    async with FmpClient(FMP_KEY, base_url) as client:
        with pytest.raises(ProviderError) as caught:
            await client.quote("AAPL")
    assert FMP_KEY not in rendered(caught.value)
    assert caught.value.__context__ is None


async def test_fmp_timeout_has_no_key(emulator: Emulator) -> None:
    emulator.script(Fault(FaultAction.SLOW, provider="fmp", delay=1.0))
    timeout = httpx.Timeout(0.3, connect=1.0)
    async with FmpClient(FMP_KEY, emulator.base_url, timeout=timeout) as client:
        with pytest.raises(ProviderError) as caught:
            await client.quote("AAPL")
    assert FMP_KEY not in rendered(caught.value)


async def test_fmp_error_text_echoing_key(emulator: Emulator, fmp: FmpClient) -> None:
    emulator.script(
        Fault(
            FaultAction.ERROR_IN_200,
            provider="fmp",
            message=f"Unknown parameter for apikey={FMP_KEY}",
        )
    )
    with pytest.raises(ProviderError) as caught:
        await fmp.quote("AAPL")
    assert FMP_KEY not in rendered(caught.value)


async def test_polygon_error_has_no_key(
    emulator: Emulator, polygon: PolygonClient
) -> None:
    emulator.script(Fault(FaultAction.RESET, provider="polygon"))
    with pytest.raises(ProviderError) as caught:
        await polygon.previous_close("AAPL")
    assert POLYGON_KEY not in rendered(caught.value)


async def test_log_records_have_no_key(
    emulator: Emulator,
    fmp: FmpClient,
    polygon: PolygonClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    await fmp.quote("AAPL")
    await polygon.previous_close("AAPL")
    emulator.script(Fault(FaultAction.STATUS, provider="fmp", status=403))
    with pytest.raises(ProviderError):
        await fmp.quote("AAPL")
    http_lines = [record for record in caplog.records if record.name == "httpx"]
    assert len(http_lines) >= 3
    for canary in CANARIES:
        assert canary not in caplog.text


async def test_emulator_log_has_no_key(
    emulator: Emulator, fmp: FmpClient, polygon: PolygonClient
) -> None:
    await fmp.quote("AAPL")
    await polygon.previous_close("AAPL")
    async with httpx.AsyncClient(base_url=emulator.base_url) as http:
        text = (await http.get("/_emulator/requests")).text
    assert "apikey=***" in text
    for canary in CANARIES:
        assert canary not in text
