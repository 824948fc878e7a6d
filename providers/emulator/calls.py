"""Routed requests and the context a handler uses to build its reply."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from domain.calendar import last_completed_session
from providers.emulator.faults import Fault, FaultAction
from providers.emulator.universe import Listing, Universe
from providers.plans import Plan


class QueryError(ValueError):
    """A request parameter that the provider rejects with 400."""


@dataclass(frozen=True, slots=True)
class Call:
    """A request matched to a provider endpoint.

    Attributes:
        provider: "fmp" or "polygon".
        endpoint: Endpoint name.
        symbols: Canonical symbols the request names, for fault matching.
        path_params: Values taken from the path, such as the ticker.
        query: First value of each query parameter.
    """

    provider: str
    endpoint: str
    symbols: tuple[str, ...] = ()
    path_params: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Context:
    """Inputs of a handler besides the request.

    Attributes:
        universe: The listings served.
        plan: The plan of the request's key.
        now: The emulator's current time, aware.
        base_url: Origin for next_url links, such as http://127.0.0.1:8123.
        fault: A matched fault that changes the data (empty_results,
            bad_price), or None.
    """

    universe: Universe
    plan: Plan
    now: dt.datetime
    base_url: str
    fault: Fault | None = None

    @property
    def last_session(self) -> dt.date:
        """The last session completed at `now`."""
        return last_completed_session(self.now)

    @property
    def empty(self) -> bool:
        """Whether an empty_results fault applies."""
        return self.fault is not None and self.fault.action is FaultAction.EMPTY_RESULTS

    def history_start(self) -> dt.date | None:
        """Oldest date the plan serves, or None for no limit."""
        if self.plan.history_days is None:
            return None
        return self.now.date() - dt.timedelta(days=self.plan.history_days)

    def bad_price(self, symbol: str, session: dt.date | None = None) -> Any:
        """Return the replacement price for `symbol`, or ... when none applies.

        The Ellipsis marks "no change" because None is itself a replacement
        (JSON null).
        """
        fault = self.fault
        if fault is None or fault.action is not FaultAction.BAD_PRICE:
            return ...
        if fault.symbol != symbol:
            return ...
        if (
            fault.session is not None
            and session is not None
            and fault.session != session
        ):
            return ...
        return {"zero": 0, "null": None, "nan": float("nan")}[fault.price]


def parse_limit(query: dict[str, str], name: str, default: int, maximum: int) -> int:
    """Read a positive integer parameter, capped at `maximum`.

    Raises:
        QueryError: if the value is not a positive integer.
    """
    text = query.get(name)
    if text is None:
        return default
    try:
        value = int(text)
    except ValueError:
        raise QueryError(f"invalid {name} {text!r}") from None
    if value < 1:
        raise QueryError(f"{name} must be at least 1")
    return min(value, maximum)


def polygon_listing(context: Context, ticker: str) -> Listing | None:
    """Return the listing Polygon serves under `ticker`, or None.

    Polygon spells share classes with a dot, so BRK-B finds nothing.
    """
    listing = context.universe.get(ticker)
    if listing is None or not listing.on_polygon:
        return None
    return listing
