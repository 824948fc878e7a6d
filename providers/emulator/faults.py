"""Scripted faults: failures the emulator injects into matching requests.

A fault matches on provider, endpoint name and symbol (each optional) and
applies to the next `times` matching requests, or to all of them when
`times` is None. The first pending fault that matches a request wins.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from enum import StrEnum
from typing import Any

from domain.symbols import canonical_from_provider
from providers.emulator.wire import (
    FMP_INVALID_KEY,
    FMP_LEGACY,
    FMP_LIMIT_REACH,
    POLYGON_NOT_ENTITLED,
    POLYGON_RATE_LIMIT,
    POLYGON_UNKNOWN_KEY,
    Reply,
    fmp_error,
    fmp_premium_parameter,
    json_reply,
    nginx_error,
    polygon_empty,
    polygon_error,
    route_not_found,
    text_reply,
)
from providers.plans import Endpoint

PROVIDERS = ("fmp", "polygon")


class FaultAction(StrEnum):
    """Effect of a fault on the requests it matches."""

    STATUS = "status"
    """Reply with `status` and `body`. The body defaults to the provider's own
    text for that status (401 bad key, 402/403 plan, 429 limit, 5xx HTML)."""
    HTML_ERROR = "html_error"
    """Reply with an nginx HTML error page, status 504 unless given."""
    EMPTY_ERROR = "empty_error"
    """Reply with an empty body and no content type, status 502 unless given."""
    SLOW = "slow"
    """Wait `delay` seconds, then reply as usual."""
    RESET = "reset"
    """Close the connection without sending a response."""
    MALFORMED_JSON = "malformed_json"
    """Reply 200 with a JSON body cut off in the middle."""
    EMPTY_RESULTS = "empty_results"
    """Reply as usual but with no data: [] for FMP, resultsCount 0 for Polygon."""
    BAD_PRICE = "bad_price"
    """Reply as usual with the price of `symbol` set to `price` (zero, null, nan)."""
    ERROR_IN_200 = "error_in_200"
    """Reply 200 with an error object. `message` defaults to FMP's daily-limit
    text or Polygon's rate-limit text."""


# Actions whose reply replaces the provider's reply before any key check.
REPLACING_ACTIONS = frozenset(
    {
        FaultAction.STATUS,
        FaultAction.HTML_ERROR,
        FaultAction.EMPTY_ERROR,
        FaultAction.RESET,
        FaultAction.MALFORMED_JSON,
        FaultAction.ERROR_IN_200,
    }
)
BAD_PRICES = ("zero", "null", "nan")


@dataclass(slots=True)
class Fault:
    """One scripted fault.

    Attributes:
        action: What to do, see FaultAction.
        provider: "fmp" or "polygon", or None for both.
        endpoint: Endpoint name (providers.plans.Endpoint), or None for all.
        symbol: Canonical symbol the request must name, or None for any.
            A grouped daily request names no symbol, and only a bad_price
            fault with a symbol matches it.
        times: Number of matching requests to affect; None for all of them.
        status: HTTP status for status, html_error and empty_error.
        body: JSON value or text for the status action.
        content_type: Content-Type for a text body of the status action.
        retry_after: Retry-After header value, seconds or an HTTP date.
        headers: Further response headers.
        delay: Seconds to wait before replying, for any action.
        price: For bad_price: "zero", "null" or "nan".
        session: For bad_price on daily bars: only this date's row changes,
            and a row is added for the date when it has none.
        message: Error text for error_in_200.
    """

    action: FaultAction
    provider: str | None = None
    endpoint: str | None = None
    symbol: str | None = None
    times: int | None = 1
    status: int | None = None
    body: Any = None
    content_type: str | None = None
    retry_after: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    price: str = "zero"
    session: dt.date | None = None
    message: str | None = None

    def __post_init__(self) -> None:
        self.action = FaultAction(self.action)
        if self.provider is not None and self.provider not in PROVIDERS:
            raise ValueError(
                f"fault provider must be fmp or polygon, not {self.provider!r}"
            )
        if self.endpoint is not None and self.endpoint not in set(Endpoint):
            known = ", ".join(sorted(Endpoint))
            raise ValueError(
                f"unknown fault endpoint {self.endpoint!r}: use one of {known}"
            )
        if self.symbol is not None:
            self.symbol = canonical_from_provider(self.symbol)
        if self.times is not None and self.times < 1:
            raise ValueError(
                f"fault times must be at least 1 or null, not {self.times}"
            )
        if self.action is FaultAction.STATUS and self.status is None:
            raise ValueError("a status fault needs a status")
        if self.status is not None and not 100 <= self.status <= 599:
            raise ValueError(f"fault status must be 100 to 599, not {self.status}")
        if self.delay < 0:
            raise ValueError(f"fault delay must not be negative, not {self.delay}")
        if self.price not in BAD_PRICES:
            raise ValueError(
                f"fault price must be zero, null or nan, not {self.price!r}"
            )
        if self.action is FaultAction.BAD_PRICE and self.symbol is None:
            raise ValueError("a bad_price fault needs a symbol")

    def matches(self, provider: str, endpoint: str, symbols: Sequence[str]) -> bool:
        """Return True if this fault applies to a request."""
        if self.provider is not None and self.provider != provider:
            return False
        if self.endpoint is not None and self.endpoint != endpoint:
            return False
        if self.symbol is None:
            return True
        if self.symbol in symbols:
            return True
        return (
            self.action is FaultAction.BAD_PRICE
            and endpoint == Endpoint.POLYGON_GROUPED
        )

    def to_json(self) -> dict[str, Any]:
        """Return the fault as a JSON object, as POST /_emulator/faults takes it."""
        data = asdict(self)
        data["action"] = self.action.value
        data["session"] = self.session.isoformat() if self.session else None
        return data


def fault_from_json(data: Mapping[str, Any]) -> Fault:
    """Build a Fault from a JSON object.

    Raises:
        ValueError: for unknown keys and invalid values. The message names them.
    """
    known = {item.name for item in fields(Fault)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ValueError(f"unknown fault keys {unknown}: use {sorted(known)}")
    if "action" not in data:
        raise ValueError("a fault needs an action")
    values = dict(data)
    try:
        values["action"] = FaultAction(values["action"])
    except ValueError:
        actions = ", ".join(action.value for action in FaultAction)
        raise ValueError(
            f"unknown fault action {data['action']!r}: use one of {actions}"
        ) from None
    if values.get("session") is not None:
        values["session"] = dt.date.fromisoformat(str(values["session"]))
    if values.get("retry_after") is not None:
        values["retry_after"] = str(values["retry_after"])
    try:
        return Fault(**values)
    except TypeError as exc:
        raise ValueError(f"invalid fault: {exc}") from None


class FaultBook:
    """Thread-safe list of pending faults."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> None:
        """Queue a fault after those already pending."""
        with self._lock:
            self._faults.append(fault)

    def take(
        self, provider: str, endpoint: str, symbols: Sequence[str]
    ) -> Fault | None:
        """Return the first fault matching a request and count one use of it."""
        with self._lock:
            for index, fault in enumerate(self._faults):
                if not fault.matches(provider, endpoint, symbols):
                    continue
                if fault.times is not None:
                    fault.times -= 1
                    if fault.times == 0:
                        del self._faults[index]
                return fault
        return None

    def pending(self) -> list[Fault]:
        """Return the faults still pending, first to match first."""
        with self._lock:
            return list(self._faults)

    def clear(self) -> None:
        """Drop every pending fault."""
        with self._lock:
            self._faults.clear()


def _default_reply(provider: str, status: int) -> Reply:
    """Return the provider's own reply for a status, as a status fault sends it."""
    polygon = provider == "polygon"
    if status == 200:
        return json_reply(polygon_empty("prev", None) if polygon else [])
    if status == 401:
        if polygon:
            return polygon_error(401, POLYGON_UNKNOWN_KEY)
        return fmp_error(401, FMP_INVALID_KEY)
    if status in (402, 403):
        if polygon:
            return polygon_error(status, POLYGON_NOT_ENTITLED, state="NOT_AUTHORIZED")
        if status == 402:
            return fmp_error(402, fmp_premium_parameter("symbol"))
        return fmp_error(403, FMP_LEGACY)
    if status == 429:
        if polygon:
            return polygon_error(429, POLYGON_RATE_LIMIT)
        return fmp_error(429, FMP_LIMIT_REACH)
    if status == 400:
        if polygon:
            return polygon_error(400, "Failed to parse query parameters from URL")
        return fmp_error(400, "Invalid or missing query parameter")
    if status == 404:
        return route_not_found()
    if status >= 500:
        return nginx_error(status)
    return text_reply(f"HTTP {status}", status)


# A JSON body cut off in the middle of a value, as a dropped proxy sends it.
_TRUNCATED = {
    "polygon": b'{"ticker":"AAPL","status":"OK","results":[{"T":"AAPL","c":',
    "fmp": b'[{"symbol":"AAPL","price":',
}


def fault_reply(fault: Fault, provider: str) -> Reply:
    """Build the reply of a fault whose action replaces the provider's reply."""
    action = fault.action
    if action is FaultAction.STATUS:
        status = fault.status if fault.status is not None else 500
        if fault.body is None:
            reply = _default_reply(provider, status)
        elif isinstance(fault.body, str):
            media = fault.content_type or "text/plain; charset=utf-8"
            reply = Reply(status, fault.body.encode(), media)
        else:
            reply = json_reply(fault.body, status)
            reply.content_type = fault.content_type or reply.content_type
    elif action is FaultAction.HTML_ERROR:
        reply = nginx_error(fault.status or 504)
    elif action is FaultAction.EMPTY_ERROR:
        reply = Reply(fault.status or 502, b"", None)
    elif action is FaultAction.RESET:
        reply = Reply(0, reset=True)
    elif action is FaultAction.MALFORMED_JSON:
        reply = Reply(200, _TRUNCATED[provider], "application/json")
    elif provider == "polygon":
        reply = polygon_error(200, fault.message or POLYGON_RATE_LIMIT)
    else:
        reply = fmp_error(200, fault.message or FMP_LIMIT_REACH)
    reply.headers.update(fault.headers)
    if fault.retry_after is not None:
        reply.headers["Retry-After"] = fault.retry_after
    return reply
