"""Requests in flight, shared by refreshes that overlap.

A refresh claims the symbols it is about to fetch. A second refresh that
needs some of them while the first is still fetching or saving waits for the
first one's quotes instead of sending its own request.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from domain.quotes import Quote


@dataclass(frozen=True, slots=True)
class Claim:
    """The symbols one refresh fetches itself and those it waits for."""

    mine: list[str]
    theirs: dict[str, asyncio.Future[dict[str, Quote]]]
    batch: asyncio.Future[dict[str, Quote]]

    def finish(self, quotes: dict[str, Quote]) -> None:
        """Hand this refresh's quotes to the refreshes waiting for them."""
        if not self.batch.done():
            self.batch.set_result(dict(quotes))


class InFlight:
    """The symbols being fetched, each with the future of the refresh fetching it.

    `lock` is held while a refresh reads the cache and claims symbols, and
    while it releases them after saving its quotes. A refresh therefore either
    reads the saved quotes or finds the claim and waits. It never sends a
    second request for a symbol whose quotes are about to be saved.
    """

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self._futures: dict[str, asyncio.Future[dict[str, Quote]]] = {}

    def claim(self, symbols: Sequence[str]) -> Claim:
        """Register the symbols not yet being fetched under one new future."""
        theirs = {s: self._futures[s] for s in symbols if s in self._futures}
        mine = [s for s in symbols if s not in theirs]
        batch: asyncio.Future[dict[str, Quote]] = (
            asyncio.get_running_loop().create_future()
        )
        for symbol in mine:
            self._futures[symbol] = batch
        return Claim(mine, theirs, batch)

    def release(self, claim: Claim) -> None:
        """Drop a claim's registrations and end its future, empty if still open."""
        for symbol in claim.mine:
            if self._futures.get(symbol) is claim.batch:
                del self._futures[symbol]
        claim.finish({})


async def others_quotes(claim: Claim, reasons: dict[str, str]) -> dict[str, Quote]:
    """Wait for the quotes of the symbols other refreshes fetch.

    A symbol the other refresh got no quote for gets a reason in `reasons`.
    """
    answers: dict[asyncio.Future[dict[str, Quote]], dict[str, Quote]] = {}
    found: dict[str, Quote] = {}
    for symbol, future in claim.theirs.items():
        if future not in answers:
            # Shielded, so cancelling this refresh leaves the other one's
            # future for its other waiters.
            answers[future] = await asyncio.shield(future)
        quote = answers[future].get(symbol)
        if quote is not None:
            found[symbol] = quote
        else:
            reasons.setdefault(symbol, "no quote from the refresh already asking")
    return found
