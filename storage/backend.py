"""The storage side of the fetch engine, over one Store."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from domain.models import ResolvedPrice
from domain.quotes import Quote
from storage import market
from storage.portfolios import record_resolutions
from storage.store import Store


class StoreBackend:
    """Cache, usage and error log for the engine; each call is one transaction."""

    def __init__(self, store: Store) -> None:
        self.store = store

    async def latest_quotes(self, symbols: Sequence[str]) -> dict[str, Quote]:
        """Return the newest cached quote of each symbol."""
        async with self.store.sessions() as session:
            return await market.latest_quotes(session, symbols)

    async def save_quotes(self, quotes: Sequence[Quote]) -> None:
        """Store quotes in the cache."""
        async with self.store.sessions.begin() as session:
            await market.save_quotes(session, quotes)

    async def usage(self, provider: str, day: dt.date) -> int:
        """Return requests sent to `provider` on `day`."""
        async with self.store.sessions() as session:
            return await market.usage(session, provider, day)

    async def add_usage(self, provider: str, day: dt.date, count: int) -> int:
        """Add `count` requests to the day's usage and return the new total."""
        async with self.store.sessions.begin() as session:
            return await market.add_usage(session, provider, day, count)

    async def log_error(
        self,
        *,
        run_id: str,
        provider: str,
        kind: str,
        message: str,
        symbols: Sequence[str],
        at: dt.datetime,
    ) -> int:
        """Record an error cause; return how often it occurred in this run."""
        async with self.store.sessions.begin() as session:
            entry = await market.log_error(
                session,
                run_id=run_id,
                provider=provider,
                kind=kind,
                message=message,
                symbols=symbols,
                at=at,
            )
        return entry.count

    async def record_resolutions(
        self, resolutions: Mapping[str, ResolvedPrice]
    ) -> None:
        """Store each symbol's resolved price on its targets."""
        async with self.store.sessions.begin() as session:
            await record_resolutions(session, dict(resolutions))
