"""NYSE trading sessions in America/New_York.

Exchange holidays come from the `holidays` package's NYSE calendar, read from
the table in domain.nyse_closures for the years it covers. Early
closes (13:00 on some half days) are not in it, so a session counts as
completed at 16:00 New York time on every trading day. On a half day a close
is therefore reported complete three hours later than the exchange would.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

from domain.nyse_closures import closures_of

NEW_YORK = ZoneInfo("America/New_York")
SESSION_CLOSE = dt.time(16, 0)


@lru_cache(maxsize=64)
def _holidays_of(year: int) -> frozenset[dt.date]:
    table = closures_of(year)
    if table is not None:
        return table
    import holidays

    return frozenset(holidays.financial_holidays("NYSE", years=year))


def is_session(day: dt.date) -> bool:
    """Whether NYSE has a regular trading session on `day`."""
    return day.weekday() < 5 and day not in _holidays_of(day.year)


def previous_session(day: dt.date) -> dt.date:
    """Return the last trading session strictly before `day`."""
    candidate = day - dt.timedelta(days=1)
    while not is_session(candidate):
        candidate -= dt.timedelta(days=1)
    return candidate


def session_of(moment: dt.datetime) -> dt.date:
    """Return the New York calendar date of an aware `moment`."""
    if moment.tzinfo is None:
        raise ValueError("session_of needs an aware datetime, not a naive one")
    return moment.astimezone(NEW_YORK).date()


@lru_cache(maxsize=64)
def last_completed_session(now: dt.datetime) -> dt.date:
    """Return the latest session whose close has passed at `now`.

    Cached because a refresh ages every symbol's quote against the same `now`.
    """
    local = now.astimezone(NEW_YORK)
    today = local.date()
    if is_session(today) and local.time() >= SESSION_CLOSE:
        return today
    return previous_session(today)


def sessions_between(earlier: dt.date, later: dt.date) -> int:
    """Count sessions after `earlier` up to and including `later`.

    Returns 0 when `later` is not after `earlier`.
    """
    count = 0
    day = earlier + dt.timedelta(days=1)
    while day <= later:
        if is_session(day):
            count += 1
        day += dt.timedelta(days=1)
    return count


def session_age(session: dt.date, now: dt.datetime) -> int:
    """Return how many completed sessions have closed since `session`."""
    return sessions_between(session, last_completed_session(now))
