"""The emulator's HTTP server: Polygon and FMP wire formats on one local port.

A stdlib ThreadingHTTPServer runs in a background thread, so the emulator
works the same under any event loop or none. It binds only to loopback.
Requests under /_emulator/ control the emulator and are not logged.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import logging
import threading
import time
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from providers.emulator import fmp_api, polygon_api
from providers.emulator.calls import Call, Context
from providers.emulator.faults import (
    REPLACING_ACTIONS,
    Fault,
    FaultBook,
    fault_from_json,
    fault_reply,
)
from providers.emulator.handler import CONTROL_PREFIX, EmulatorHandler, EmulatorServer
from providers.emulator.quotas import QuotaBook
from providers.emulator.requestlog import RequestLog, RequestRecord
from providers.emulator.universe import Universe, load_universe
from providers.emulator.wire import (
    FMP_INVALID_KEY,
    FMP_LIMIT_REACH,
    FMP_PER_MINUTE,
    POLYGON_NO_KEY,
    POLYGON_NOT_ENTITLED,
    POLYGON_RATE_LIMIT,
    POLYGON_UNKNOWN_KEY,
    Reply,
    fmp_error,
    json_reply,
    polygon_error,
    route_not_found,
)
from providers.plans import Plan, plan_for
from providers.redact import redact_url

logger = logging.getLogger(__name__)

DEFAULT_KEYS: dict[str, tuple[str, str]] = {
    "demo-fmp": ("fmp", "free"),
    "demo-fmp-starter": ("fmp", "starter"),
    "demo-fmp-premium": ("fmp", "premium"),
    "demo-polygon": ("polygon", "free"),
    "demo-polygon-starter": ("polygon", "starter"),
    "demo-polygon-developer": ("polygon", "developer"),
}


def _provider_of_path(path: str) -> str | None:
    if path.startswith(("/v1/", "/v2/", "/v3/")):
        return "polygon"
    if path.startswith(("/stable/", "/api/")):
        return "fmp"
    return None


def _check_loopback(host: str) -> None:
    if host == "localhost":
        return
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise ValueError(f"the emulator binds only to loopback, not {host!r}")


class Emulator:
    """A local Polygon and FMP server with plans, quotas and scripted faults.

    Args:
        keys: API key → (provider, plan name), or DEFAULT_KEYS when None.
        now: Clock for sessions and quotas. It must return aware datetimes.
        universe: Listings to serve; the bundled universe when None.
        host: Loopback address to bind.
        port: TCP port; 0 picks a free one.
    """

    def __init__(
        self,
        *,
        keys: Mapping[str, tuple[str, str]] | None = None,
        now: Callable[[], dt.datetime] | None = None,
        universe: Universe | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        _check_loopback(host)
        self._keys: dict[str, Plan] = {
            key: plan_for(provider, name)
            for key, (provider, name) in (keys or DEFAULT_KEYS).items()
        }
        self._now = now or (lambda: dt.datetime.now(dt.UTC))
        if self._now().tzinfo is None:
            raise ValueError("the emulator clock must return aware datetimes")
        self._universe = universe or load_universe()
        self._host, self._port = host, port
        self._faults = FaultBook()
        self._quotas = QuotaBook(self._now)
        self._log = RequestLog()
        self._stopping = threading.Event()
        self._server: EmulatorServer | None = None
        self._thread: threading.Thread | None = None

    # Lifecycle

    def start(self) -> Emulator:
        """Bind the port, serve in a background thread and return self."""
        if self._server is not None:
            raise RuntimeError("the emulator is already running")
        self._stopping.clear()
        server = EmulatorServer((self._host, self._port), EmulatorHandler)
        server.emulator = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="provider-emulator",
            daemon=True,
        )
        self._thread.start()
        logger.info("provider emulator listening on %s", self.base_url)
        return self

    def stop(self) -> None:
        """Stop serving and close the port. Slow replies still waiting end at once."""
        server, thread = self._server, self._thread
        if server is None:
            return
        self._stopping.set()
        server.shutdown()
        server.server_close()
        server.close_connections()
        if thread is not None:
            thread.join(timeout=5)
        self._server = self._thread = None
        logger.info("provider emulator on %s:%s stopped", self._host, self._port)

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The bound TCP port."""
        if self._server is None:
            raise RuntimeError("the emulator is not running: call start() first")
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        """Origin to pass to the clients, such as http://127.0.0.1:8123."""
        return f"http://{self._host}:{self.port}"

    @property
    def keys(self) -> dict[str, tuple[str, str]]:
        """The accepted API keys with their (provider, plan name)."""
        return {key: (plan.provider, plan.name) for key, plan in self._keys.items()}

    # Scripting and inspection

    def script(self, fault: Fault | Mapping[str, Any]) -> Fault:
        """Queue a fault, given as a Fault or as its JSON object, and return it."""
        if not isinstance(fault, Fault):
            fault = fault_from_json(fault)
        self._faults.add(fault)
        return fault

    def faults(self) -> list[Fault]:
        """Return the faults still pending."""
        return self._faults.pending()

    def requests(self) -> list[RequestRecord]:
        """Return the provider requests received so far, oldest first."""
        return self._log.records()

    def clear_requests(self) -> int:
        """Empty the request log and return how many records it held."""
        return self._log.clear()

    def reset(self) -> None:
        """Clear the request log, pending faults and quota counts."""
        self.clear_requests()
        self._faults.clear()
        self._quotas.clear()

    # Serving

    def serve_request(
        self, method: str, target: str, headers: Mapping[str, str]
    ) -> Reply:
        """Build the reply to one provider request and log it."""
        split = urlsplit(target)
        query = dict(parse_qsl(split.query, keep_blank_values=True))
        call = None
        if method == "GET":
            call = polygon_api.match(split.path, query) or fmp_api.match(
                split.path, query
            )
        plan: Plan | None = None
        fault: Fault | None = None
        if call is None:
            reply = route_not_found()
        else:
            fault = self._faults.take(call.provider, call.endpoint, call.symbols)
            if fault is not None and fault.action in REPLACING_ACTIONS:
                reply = fault_reply(fault, call.provider)
            else:
                key_or_reply = self._authenticate(call, headers, query)
                if isinstance(key_or_reply, Reply):
                    reply = key_or_reply
                else:
                    plan = self._keys[key_or_reply]
                    reply = self._answer(call, key_or_reply, plan, fault)
        if fault is not None and fault.delay > 0:
            self._stopping.wait(fault.delay)
        self._record(method, target, split.path, call, reply, plan, fault)
        return reply

    def _authenticate(
        self, call: Call, headers: Mapping[str, str], query: dict[str, str]
    ) -> str | Reply:
        """Return the request's accepted key, or the provider's 401 reply."""
        if call.provider == "polygon":
            scheme, _, token = headers.get("authorization", "").partition(" ")
            key = token.strip() if scheme.lower() == "bearer" else ""
            key = key or query.get("apiKey", "")
            if not key:
                return polygon_error(401, POLYGON_NO_KEY)
            if key not in self._keys or self._keys[key].provider != "polygon":
                return polygon_error(401, POLYGON_UNKNOWN_KEY)
            return key
        key = query.get("apikey", "")
        if key not in self._keys or self._keys[key].provider != "fmp":
            return fmp_error(401, FMP_INVALID_KEY)
        return key

    def _answer(self, call: Call, key: str, plan: Plan, fault: Fault | None) -> Reply:
        rejection = self._quotas.admit(key, plan)
        if rejection is not None:
            if call.provider == "polygon":
                return polygon_error(429, POLYGON_RATE_LIMIT)
            return fmp_error(
                429, FMP_LIMIT_REACH if rejection.per_day else FMP_PER_MINUTE
            )
        if not plan.allows(call.endpoint):
            if call.provider == "polygon":
                return polygon_error(403, POLYGON_NOT_ENTITLED, state="NOT_AUTHORIZED")
            return fmp_api.entitlement_reply(call.endpoint)
        context = Context(
            self._universe, plan, self._now(), self._base_url_or_empty(), fault
        )
        if call.provider == "polygon":
            return polygon_api.handle(call, context)
        return fmp_api.handle(call, context)

    def _base_url_or_empty(self) -> str:
        return self.base_url if self._server is not None else ""

    def _record(
        self,
        method: str,
        target: str,
        path: str,
        call: Call | None,
        reply: Reply,
        plan: Plan | None,
        fault: Fault | None,
    ) -> None:
        record = RequestRecord(
            time=self._now().astimezone(dt.UTC).isoformat(),
            monotonic=time.monotonic(),
            provider=call.provider if call else _provider_of_path(path),
            endpoint=call.endpoint if call else "unknown",
            method=method,
            path=redact_url(target),
            status=None if reply.reset else reply.status,
            plan=plan.name if plan else None,
            fault=fault.action.value if fault else None,
        )
        self._log.append(record)
        logger.debug("%s %s -> %s", method, record.path, record.status)

    def control(self, method: str, path: str, body: bytes) -> Reply:
        """Build the reply to a control request under /_emulator/."""
        name = path.removeprefix(CONTROL_PREFIX).rstrip("/")
        if name == "requests" and method == "GET":
            return json_reply([record.to_json() for record in self.requests()])
        if name == "requests" and method == "DELETE":
            return json_reply({"cleared": self.clear_requests()})
        if name == "faults" and method == "GET":
            return json_reply([fault.to_json() for fault in self.faults()])
        if name == "faults" and method == "POST":
            return self._post_faults(body)
        if name == "faults" and method == "DELETE":
            count = len(self.faults())
            self._faults.clear()
            return json_reply({"cleared": count})
        if name == "reset" and method == "POST":
            self.reset()
            return json_reply({"reset": True})
        return json_reply(
            {
                "error": f"unknown emulator control {method} {path}: use requests, "
                "faults or reset"
            },
            404,
        )

    def _post_faults(self, body: bytes) -> Reply:
        try:
            data = json.loads(body or b"null")
            items = data if isinstance(data, list) else [data]
            if not all(isinstance(item, dict) for item in items):
                raise ValueError("send a fault object or a list of fault objects")
            faults = [fault_from_json(item) for item in items]
        except ValueError as exc:
            logger.warning("emulator rejected a scripted fault: %s", exc)
            return json_reply({"error": f"invalid fault: {exc}"}, 400)
        for fault in faults:
            self._faults.add(fault)
        return json_reply({"added": len(faults)}, 201)
