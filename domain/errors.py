"""Domain exceptions, each with a short title and a message naming the next step."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum


class TargetdeskError(Exception):
    """Base of every error shown to a user.

    Args:
        title: A few words naming what failed.
        detail: What happened, with the value involved and what to do next.
    """

    def __init__(self, title: str, detail: str) -> None:
        super().__init__(f"{title}: {detail}")
        self.title = title
        self.detail = detail


class SchemaError(TargetdeskError):
    """The database schema cannot be used by this version."""


class ErrorKind(StrEnum):
    """Class of a failed provider request, as the error log groups it."""

    RATE_LIMITED = "rate_limited"
    QUOTA_EXHAUSTED = "quota_exhausted"
    INVALID_KEY = "invalid_key"
    NOT_ENTITLED = "not_entitled"
    UNKNOWN_SYMBOL = "unknown_symbol"
    NO_QUOTE = "no_quote"
    TRANSIENT = "transient"
    MALFORMED = "malformed"
    BAD_REQUEST = "bad_request"

    @property
    def retryable(self) -> bool:
        """Whether the same request may succeed if sent again later."""
        return self in (ErrorKind.RATE_LIMITED, ErrorKind.TRANSIENT)


class ProviderError(TargetdeskError):
    """A provider request failed; `kind` tells how and whether to retry.

    Args:
        provider: Provider name, such as "fmp" or "polygon".
        kind: The class of failure.
        detail: User-facing message with what to do next.
        endpoint: The endpoint name (never a URL with a key in it).
        status: HTTP status, when the server answered.
        retry_after: Seconds the server asked us to wait, if it said.
        symbols: Symbols the failed request was for.
        sent: False when the request never reached the server (the
            connection was refused or timed out), so no quota was spent.
    """

    def __init__(
        self,
        provider: str,
        kind: ErrorKind,
        detail: str,
        *,
        endpoint: str | None = None,
        status: int | None = None,
        retry_after: float | None = None,
        symbols: tuple[str, ...] = (),
        reset_at: dt.datetime | None = None,
        sent: bool = True,
    ) -> None:
        super().__init__(f"{provider} {kind.value}", detail)
        self.provider = provider
        self.kind = kind
        self.endpoint = endpoint
        self.status = status
        self.retry_after = retry_after
        self.symbols = symbols
        self.reset_at = reset_at
        self.sent = sent
