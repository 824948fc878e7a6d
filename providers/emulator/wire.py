"""Replies the emulator sends and the provider error bodies it copies.

The texts follow what Polygon and FMP send for each case. Polygon errors are
objects with `status`, `request_id` and `error` or `message`, and FMP errors
are objects with an "Error Message" key.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from providers.plans import Endpoint

POLYGON_NO_KEY = "API Key was not provided"
POLYGON_UNKNOWN_KEY = "Unknown API Key"
POLYGON_NOT_ENTITLED = (
    "You are not entitled to this data. Please upgrade your plan at "
    "https://polygon.io/pricing"
)
POLYGON_TIMEFRAME = (
    "Your plan doesn't include this data timeframe. Please upgrade your plan at "
    "https://polygon.io/pricing"
)
POLYGON_RATE_LIMIT = (
    "You've exceeded the maximum requests per minute, please wait or upgrade "
    "your subscription to continue."
)
POLYGON_TICKER_NOT_FOUND = "Ticker not found."

FMP_INVALID_KEY = (
    "Invalid API KEY. Feel free to create a Free API Key or visit "
    "https://site.financialmodelingprep.com/faqs?search=why-is-my-api-key-invalid "
    "for more information."
)
FMP_LIMIT_REACH = (
    "Limit Reach . Please upgrade your plan or visit our documentation for more "
    "details at https://site.financialmodelingprep.com/"
)
# NOTE: FMP documents no body for exceeding a paid plan's per-minute limit.
# The emulator sends this text with 429, and clients treat any FMP 429 that
# lacks "Limit Reach" as a per-minute rate limit.
FMP_PER_MINUTE = (
    "Too Many Requests: the per-minute limit of your plan was exceeded. Please "
    "wait or upgrade your plan."
)
FMP_LEGACY = (
    "Legacy Endpoint : Due to Legacy endpoints being no longer supported - This "
    "endpoint is only available for legacy users who have valid subscriptions "
    "prior August 31, 2025. Please visit our subscription page to upgrade your "
    "plan at https://site.financialmodelingprep.com/pricing-plans"
)
FMP_SPECIAL_ENDPOINT = (
    "Special Endpoint : This endpoint is not available under your current "
    "subscription please visit our subscription page to upgrade your plan at "
    "https://site.financialmodelingprep.com/pricing-plans"
)


def fmp_premium_parameter(parameter: str) -> str:
    """Return FMP's 402 text for a parameter value outside the plan."""
    return (
        f"Premium Query Parameter: This value set for '{parameter}' is not "
        "available under your current subscription please visit our subscription "
        "page to upgrade your plan at https://site.financialmodelingprep.com/"
        "pricing-plans"
    )


@dataclass(slots=True)
class Reply:
    """An HTTP response to send, or a connection to reset.

    Attributes:
        status: HTTP status code.
        body: Raw body bytes.
        content_type: Content-Type header, or None to send none.
        headers: Further headers, such as Retry-After.
        reset: Close the connection without sending anything.
    """

    status: int
    body: bytes = b""
    content_type: str | None = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    reset: bool = False


def request_id() -> str:
    """Return a new request id in Polygon's style (32 hex digits)."""
    return uuid.uuid4().hex


def json_reply(payload: Any, status: int = 200) -> Reply:
    """Encode `payload` as a JSON reply. A float NaN is written as the token NaN."""
    body = json.dumps(payload, separators=(",", ":")).encode()
    return Reply(status, body, "application/json")


def text_reply(text: str, status: int) -> Reply:
    """Build a plain-text reply."""
    return Reply(status, text.encode(), "text/plain; charset=utf-8")


def route_not_found() -> Reply:
    """Return the plain-text 404 both providers' routers send for unknown paths."""
    return text_reply("404 page not found", 404)


def polygon_error(status: int, error: str, *, state: str = "ERROR") -> Reply:
    """Build a Polygon error body.

    The ERROR state carries the text in `error`, and NOT_AUTHORIZED and
    NOT_FOUND carry it in `message`.
    """
    key = "error" if state == "ERROR" else "message"
    return json_reply({"status": state, "request_id": request_id(), key: error}, status)


def fmp_error(status: int, message: str) -> Reply:
    """Build an FMP error object with the "Error Message" key."""
    return json_reply({"Error Message": message}, status)


_REASONS = {
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Temporarily Unavailable",
    504: "Gateway Time-out",
}


def nginx_error(status: int) -> Reply:
    """Build the HTML error page that an nginx proxy sends for a 5xx status."""
    title = f"{status} {_REASONS.get(status, 'Error')}"
    html = (
        f"<html><head><title>{title}</title></head><body><center><h1>{title}"
        "</h1></center><hr><center>nginx</center></body></html>"
    )
    return Reply(status, html.encode(), "text/html")


def polygon_empty(endpoint: str, ticker: str | None) -> dict[str, Any]:
    """Return Polygon's body for no data: resultsCount 0 and no `results` key."""
    if endpoint in (Endpoint.POLYGON_SNAPSHOT, Endpoint.POLYGON_SNAPSHOT_TICKER):
        return {"status": "OK", "request_id": request_id(), "count": 0, "tickers": []}
    if endpoint == Endpoint.POLYGON_TICKERS:
        return {"status": "OK", "request_id": request_id(), "count": 0, "results": []}
    body: dict[str, Any] = {
        "queryCount": 0,
        "resultsCount": 0,
        "adjusted": True,
        "status": "OK",
        "request_id": request_id(),
    }
    if ticker is not None:
        body = {"ticker": ticker, **body}
    return body
