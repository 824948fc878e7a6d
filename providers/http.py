"""Shared HTTP handling for the provider clients.

ProviderClient sends GET requests and turns transport failures and error
statuses into ProviderError. Bodies are read by the functions of
providers.wire.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Sequence
from types import TracebackType
from typing import Any, ClassVar, Final, Self

import httpx

from domain.errors import ErrorKind, ProviderError
from providers.redact import install_log_redaction, redact_text
from providers.wire import (
    NotJson,
    describe_body,
    load_json,
    retry_after_seconds,
    short_message,
)

TIMEOUT: Final = httpx.Timeout(10.0, connect=5.0)

BeforeRequest = Callable[[str], Awaitable[None]]
"""Awaited with the endpoint name before every HTTP request a client sends."""

QueryParams = Sequence[tuple[str, str]]


class ProviderClient:
    """Base of the provider clients: one reused httpx.AsyncClient per provider.

    Subclasses set `provider`, `display` and `invalid_key_detail`, and override
    auth_headers when the key travels in a header. Clients do not retry and do
    not pace requests. `before_request` lets the caller do
    both, since it is awaited before every request. `on_unsent` is awaited
    when a request's connection failed, so the caller can take back the
    count of a request the server never received.
    """

    provider: ClassVar[str]
    display: ClassVar[str]
    invalid_key_detail: ClassVar[str]

    def __init__(
        self,
        api_key: str,
        base_url: str,
        *,
        before_request: BeforeRequest | None = None,
        on_unsent: BeforeRequest | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: httpx.Timeout = TIMEOUT,
    ) -> None:
        self._api_key = api_key
        self._secrets: tuple[str, ...] = (api_key,) if api_key else ()
        self._before_request = before_request
        self._on_unsent = on_unsent
        self._timeout = timeout
        install_log_redaction(self._secrets)
        self._http = httpx.AsyncClient(
            base_url=base_url,
            timeout=timeout,
            transport=transport,
            headers=self.auth_headers(),
            follow_redirects=False,
        )

    def auth_headers(self) -> dict[str, str]:
        """Return the headers that carry the key; none unless overridden."""
        return {}

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    def error(
        self,
        kind: ErrorKind,
        detail: str,
        endpoint: str,
        *,
        status: int | None = None,
        symbols: Sequence[str] = (),
        retry_after: float | None = None,
        sent: bool = True,
    ) -> ProviderError:
        """Build a ProviderError for this provider with a redacted detail."""
        reset_at = None
        if retry_after is not None:
            reset_at = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=retry_after)
        return ProviderError(
            self.provider,
            kind,
            redact_text(detail, self._secrets),
            endpoint=endpoint,
            status=status,
            retry_after=retry_after,
            symbols=tuple(symbols),
            reset_at=reset_at,
            sent=sent,
        )

    async def send_get(
        self,
        endpoint: str,
        path: str,
        *,
        params: QueryParams | None = None,
        symbols: Sequence[str] = (),
    ) -> httpx.Response:
        """Await before_request, then GET `path` under the base URL.

        Raises:
            ProviderError: TRANSIENT for timeouts, refused connections and
                resets (with `sent` False when no connection was made);
                BAD_REQUEST when the base URL cannot be used.
        """
        if self._before_request is not None:
            await self._before_request(endpoint)
        failure: ProviderError | None = None
        try:
            response = await self._http.get(path, params=tuple(params or ()))
        except httpx.TimeoutException as exc:
            failure = self._timeout_error(exc, endpoint, symbols)
        except httpx.ConnectError:
            failure = self.error(
                ErrorKind.TRANSIENT,
                f"{self.display} could not be reached for {endpoint} at "
                f"{self._http.base_url.host}: the connection failed. Retry later, "
                "or check the network and the base URL.",
                endpoint,
                symbols=symbols,
                sent=False,
            )
        except (httpx.NetworkError, httpx.RemoteProtocolError):
            failure = self.error(
                ErrorKind.TRANSIENT,
                f"{self.display} closed the connection for {endpoint} "
                f"at {self._http.base_url.host}. Retry later, or check the "
                "network and the base URL.",
                endpoint,
                symbols=symbols,
            )
        except (httpx.TransportError, httpx.InvalidURL) as exc:
            failure = self.error(
                ErrorKind.BAD_REQUEST,
                f"{self.display} request for {endpoint} could not be sent "
                f"({type(exc).__name__}): check the base URL.",
                endpoint,
                symbols=symbols,
            )
        # Raised outside the except blocks so that the httpx exception, whose
        # text contains the URL and so the FMP key, is not kept as __context__.
        if failure is not None:
            if not failure.sent and self._on_unsent is not None:
                await self._on_unsent(endpoint)
            raise failure
        return response

    def _timeout_error(
        self, exc: httpx.TimeoutException, endpoint: str, symbols: Sequence[str]
    ) -> ProviderError:
        connecting = isinstance(exc, httpx.ConnectTimeout)
        if connecting:
            seconds = self._timeout.connect
            summary = f"connecting to {self.display} timed out after {seconds} s"
        else:
            summary = f"{self.display} did not respond within {self._timeout.read} s"
        return self.error(
            ErrorKind.TRANSIENT,
            f"{summary} for {endpoint}. Retry later.",
            endpoint,
            symbols=symbols,
            sent=not connecting,
        )

    def status_error(
        self,
        response: httpx.Response,
        endpoint: str,
        symbols: Sequence[str],
        message: str | None,
    ) -> ProviderError | None:
        """Classify a response by HTTP status alone, returning None for 200.

        `message` is the provider's error text from a JSON body, if any.
        """
        status = response.status_code
        if status == 200:
            return None
        quoted = ""
        if message:
            # The servers' own texts often end in a full stop; one is enough.
            quoted = f": {short_message(message, self._secrets).rstrip('.')}"
        http = f"HTTP {status} from {self.display} ({describe_body(response)})"
        where = f"{endpoint} for {', '.join(symbols)}" if symbols else endpoint
        wait = None
        if status == 401:
            kind, detail = ErrorKind.INVALID_KEY, self.invalid_key_detail
        elif status in (402, 403):
            kind = ErrorKind.NOT_ENTITLED
            detail = (
                f"{self.display} plan does not include {where} (HTTP {status})"
                f"{quoted}. Use an endpoint the plan includes or upgrade the plan."
            )
        elif status == 429:
            wait = retry_after_seconds(response.headers, dt.datetime.now(dt.UTC))
            advice = f"retry in {wait:.0f} s" if wait is not None else "retry later"
            kind = ErrorKind.RATE_LIMITED
            detail = (
                f"{self.display} rate limit reached on {endpoint} (HTTP 429)"
                f"{quoted}. Slow down and {advice}."
            )
        elif 500 <= status <= 599 and status != 501:
            kind = ErrorKind.TRANSIENT
            detail = f"{http} for {endpoint}{quoted}. Retry later."
        elif 400 <= status <= 599:
            kind = ErrorKind.BAD_REQUEST
            detail = (
                f"{http} for {where}{quoted}. The request is invalid, so it is "
                "not retried."
            )
        else:
            kind = ErrorKind.MALFORMED
            detail = f"{http} for {endpoint}: expected HTTP 200."
        return self.error(
            kind, detail, endpoint, status=status, symbols=symbols, retry_after=wait
        )

    def not_json_error(
        self,
        response: httpx.Response,
        marker: NotJson,
        endpoint: str,
        symbols: Sequence[str],
    ) -> ProviderError:
        """Build the MALFORMED error for a 200 whose body is not JSON."""
        return self.error(
            ErrorKind.MALFORMED,
            f"HTTP {response.status_code} from {self.display} "
            f"({describe_body(response)}) for {endpoint} has {marker.reason}.",
            endpoint,
            status=response.status_code,
            symbols=symbols,
        )

    async def get_json(
        self,
        endpoint: str,
        path: str,
        *,
        params: QueryParams | None = None,
        symbols: Sequence[str] = (),
    ) -> Any:
        """Send a GET and return its parsed JSON body.

        Raises:
            ProviderError: for transport failures, error statuses, error
                bodies and 200 responses whose body is not JSON.
        """
        response = await self.send_get(endpoint, path, params=params, symbols=symbols)
        payload = load_json(response)
        failure = self.classify(response, payload, endpoint, symbols)
        if failure is not None:
            if not failure.sent and self._on_unsent is not None:
                await self._on_unsent(endpoint)
            raise failure
        if isinstance(payload, NotJson):
            raise self.not_json_error(response, payload, endpoint, symbols)
        return payload

    def classify(
        self,
        response: httpx.Response,
        payload: Any,
        endpoint: str,
        symbols: Sequence[str],
    ) -> ProviderError | None:
        """Return the error a response stands for, or None if it is a success.

        Subclasses read the provider's error bodies here and defer to
        status_error for the rest.
        """
        return self.status_error(response, endpoint, symbols, None)

    def shape_error(
        self, endpoint: str, expected: str, symbols: Sequence[str] = ()
    ) -> ProviderError:
        """Build the MALFORMED error for JSON of an unexpected shape."""
        return self.error(
            ErrorKind.MALFORMED,
            f"{self.display} sent an unexpected response for {endpoint}: "
            f"expected {expected}.",
            endpoint,
            status=200,
            symbols=symbols,
        )
