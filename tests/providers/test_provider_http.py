"""Body, price and Retry-After parsing shared by the clients."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import httpx
import pytest

from providers.wire import NotJson, load_json, retry_after_seconds, to_price

NOW = dt.datetime(2024, 5, 29, 12, 0, tzinfo=dt.UTC)


def response(
    body: bytes, content_type: str | None = "application/json"
) -> httpx.Response:
    headers = {"content-type": content_type} if content_type else {}
    return httpx.Response(200, content=body, headers=headers)


def test_json_floats_are_decimal() -> None:
    assert load_json(response(b'{"c": 130.15}')) == {"c": Decimal("130.15")}


def test_json_nan_is_decimal_nan() -> None:
    value = load_json(response(b'[{"price": NaN}]'))
    assert isinstance(value, list)
    assert value[0]["price"].is_nan()


@pytest.mark.parametrize(
    ("body", "content_type", "reason"),
    [
        (b"", "application/json", "an empty body"),
        (b"   ", None, "an empty body"),
        (b"<html>504</html>", "text/html", "a body that is not JSON"),
        (b'{"a": 1}', "text/html; charset=utf-8", "a body that is not JSON"),
        (b"404 page not found", "text/plain", "a body that is not JSON"),
        (b'{"a": ', "application/json", "invalid JSON"),
    ],
)
def test_not_json_reasons(body: bytes, content_type: str | None, reason: str) -> None:
    result = load_json(response(body, content_type))
    assert isinstance(result, NotJson)
    assert result.reason == reason


@pytest.mark.parametrize(
    "value", [None, 0, 0.0, Decimal(0), Decimal("NaN"), Decimal("-1.5"), True, "x", [1]]
)
def test_no_price(value: object) -> None:
    assert to_price(value) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("189.98"), Decimal("189.98")),
        (5, Decimal(5)),
        ("0.4957", Decimal("0.4957")),
    ],
)
def test_price(value: object, expected: Decimal) -> None:
    assert to_price(value) == expected


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Retry-After": "12"}, 12.0),
        ({"Retry-After": "Wed, 29 May 2024 12:00:30 GMT"}, 30.0),
        ({"Retry-After": "Wed, 29 May 2024 11:00:00 GMT"}, 0.0),
        ({"ratelimit-reset": "9"}, 9.0),
        ({"x-ratelimit-reset": str(int(NOW.timestamp()) + 45)}, 45.0),
        ({"Retry-After": "soon", "x-ratelimit-reset": "5"}, 5.0),
        ({}, None),
    ],
)
def test_retry_after(headers: dict[str, str], expected: float | None) -> None:
    assert retry_after_seconds(httpx.Headers(headers), NOW) == expected
