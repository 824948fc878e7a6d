"""Polygon's reference endpoints: ticker search and ticker details.

Search results page through `next_url` links whose `cursor` parameter
encodes the query and the offset, as Polygon's cursors do. A cursor never
contains a key.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from providers.emulator.calls import (
    Call,
    Context,
    QueryError,
    parse_limit,
    polygon_listing,
)
from providers.emulator.universe import POLYGON_EXCHANGE, Listing
from providers.emulator.wire import (
    POLYGON_TICKER_NOT_FOUND,
    Reply,
    json_reply,
    polygon_empty,
    polygon_error,
    request_id,
)

MAX_TICKERS_LIMIT = 1_000
DEFAULT_TICKERS_LIMIT = 100


def _reference(listing: Listing) -> dict[str, Any]:
    item: dict[str, Any] = {
        "ticker": listing.symbol,
        "name": listing.name,
        "market": "otc" if listing.exchange == "OTC" else "stocks",
        "locale": "us",
        "primary_exchange": POLYGON_EXCHANGE.get(listing.exchange, listing.exchange),
        "type": listing.kind,
        "active": listing.active,
        "currency_name": "usd",
        "list_date": listing.first_session.isoformat(),
    }
    if listing.last_session is not None:
        item["delisted_utc"] = f"{listing.last_session.isoformat()}T00:00:00Z"
    return item


def _encode_cursor(state: dict[str, Any]) -> str:
    raw = json.dumps(state, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str) -> dict[str, Any]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        state = json.loads(raw)
    except (binascii.Error, ValueError):
        raise QueryError("invalid cursor") from None
    if not isinstance(state, dict):
        raise QueryError("invalid cursor")
    return state


def tickers(call: Call, context: Context) -> Reply:
    query = call.query
    if "cursor" in query:
        state = _decode_cursor(query["cursor"])
    else:
        limit = parse_limit(query, "limit", DEFAULT_TICKERS_LIMIT, MAX_TICKERS_LIMIT)
        state = {
            "search": query.get("search", ""),
            "ticker": query.get("ticker", ""),
            "active": query.get("active", "true"),
            "market": query.get("market", ""),
            "offset": 0,
            "limit": limit,
        }
    if context.empty:
        return json_reply(polygon_empty(call.endpoint, None))
    listings = _filter_tickers(context, state)
    offset, limit = int(state["offset"]), int(state["limit"])
    page = [_reference(listing) for listing in listings[offset : offset + limit]]
    body: dict[str, Any] = {
        "results": page,
        "status": "OK",
        "request_id": request_id(),
        "count": len(page),
    }
    if offset + limit < len(listings):
        cursor = _encode_cursor({**state, "offset": offset + limit})
        body["next_url"] = f"{context.base_url}/v3/reference/tickers?cursor={cursor}"
    return json_reply(body)


def _filter_tickers(context: Context, state: dict[str, Any]) -> list[Listing]:
    search = str(state.get("search", ""))
    listings = context.universe.search(search) if search else list(context.universe)
    chosen: list[Listing] = []
    for listing in listings:
        if not listing.on_polygon:
            continue
        if state.get("ticker") and listing.symbol != state["ticker"]:
            continue
        requested_active = state.get("active")
        if requested_active in ("true", "false") and listing.active != (
            requested_active == "true"
        ):
            continue
        market = _reference(listing)["market"]
        if state.get("market") and market != state["market"]:
            continue
        chosen.append(listing)
    return chosen


def ticker_details(call: Call, context: Context) -> Reply:
    listing = polygon_listing(context, call.path_params["ticker"])
    if listing is None or context.empty:
        return polygon_error(404, POLYGON_TICKER_NOT_FOUND, state="NOT_FOUND")
    return json_reply(
        {"request_id": request_id(), "results": _reference(listing), "status": "OK"}
    )
