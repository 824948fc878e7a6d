"""Reading provider responses without trusting the server.

An HTML or empty body never reaches the JSON parser. Prices are read as
Decimal exactly as written, and 0, null or NaN is not a price. Wait times
come from Retry-After or the rate-limit reset headers, and error texts are
redacted and cut to one line before they are shown or logged.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from email.utils import parsedate_to_datetime
from functools import lru_cache
from typing import Any

import httpx

from domain.calendar import NEW_YORK, SESSION_CLOSE
from domain.gc_pause import gc_paused
from providers.redact import redact_text

_MAX_MESSAGE = 200
# Servers that send an epoch time in ratelimit-reset send values above this,
# while a number of seconds to wait is far smaller.
_EPOCH_THRESHOLD = 1_000_000_000


class NotJson:
    """Marker for a body that is empty, HTML or not valid JSON."""

    def __init__(self, reason: str) -> None:
        self.reason = reason


def content_type(response: httpx.Response) -> str:
    """Return the media type of a response in lower case, without parameters."""
    raw = response.headers.get("content-type", "")
    return str(raw).split(";", 1)[0].strip().lower()


def describe_body(response: httpx.Response) -> str:
    """Describe a body by media type and size, such as "text/html, 162 bytes"."""
    media = content_type(response) or "no content type"
    return f"{media}, {len(response.content)} bytes"


def load_json(response: httpx.Response) -> Any | NotJson:
    """Parse a JSON body, or return a NotJson marker with the reason it was not.

    Only a body whose first non-blank byte is `{` or `[` and whose media type
    is not HTML is parsed. Floats become Decimal, and NaN and Infinity become
    the Decimal values of those names.
    """
    body = response.content.lstrip()
    if not body:
        return NotJson("an empty body")
    if "html" in content_type(response) or body[:1] not in (b"{", b"["):
        return NotJson("a body that is not JSON")
    try:
        # A grouped-daily body decodes to about 50,000 objects that all stay
        # referenced until the decoder returns, so collections during it
        # free nothing.
        with gc_paused():
            return json.loads(body, parse_float=Decimal, parse_constant=Decimal)
    except (ValueError, RecursionError):
        return NotJson("invalid JSON")


def to_amount(value: object) -> Decimal | None:
    """Read a JSON number as a finite Decimal, or None for null and non-numbers."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            return None
        number = Decimal(repr(value))
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            return None
    else:
        return None
    return number if number.is_finite() else None


def to_price(value: object) -> Decimal | None:
    """Read a price: None for null, NaN, zero, negative and non-numeric values."""
    number = to_amount(value)
    if number is None or number <= 0:
        return None
    return number


@lru_cache(maxsize=256)
def session_close(session: dt.date) -> dt.datetime:
    """Return the aware time of a session's 16:00 New York close."""
    return dt.datetime.combine(session, SESSION_CLOSE, tzinfo=NEW_YORK)


def retry_after_seconds(headers: httpx.Headers, now: dt.datetime) -> float | None:
    """Read how long a server asked the client to wait, in seconds.

    Reads Retry-After (delta-seconds or an HTTP date), then ratelimit-reset
    and x-ratelimit-reset (seconds to wait, or an epoch time in seconds).
    Returns None when no header gives a usable value.
    """
    raw = headers.get("retry-after")
    if raw:
        seconds = _parse_number(raw)
        if seconds is not None:
            return max(seconds, 0.0)
        when = _parse_http_date(raw)
        if when is not None:
            return max((when - now).total_seconds(), 0.0)
    for name in ("ratelimit-reset", "x-ratelimit-reset"):
        raw = headers.get(name)
        seconds = _parse_number(raw) if raw else None
        if seconds is None:
            continue
        if seconds > _EPOCH_THRESHOLD:
            seconds -= now.timestamp()
        return max(seconds, 0.0)
    return None


def _parse_number(raw: str) -> float | None:
    try:
        number = float(raw.strip())
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _parse_http_date(raw: str) -> dt.datetime | None:
    try:
        when = parsedate_to_datetime(raw.strip())
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when


def short_message(text: str, secrets: Sequence[str]) -> str:
    """Return a provider's error text, redacted and cut to one short line."""
    line = " ".join(redact_text(text, secrets).split())
    if len(line) > _MAX_MESSAGE:
        line = line[: _MAX_MESSAGE - 1] + "…"
    return line
