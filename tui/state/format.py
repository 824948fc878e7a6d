"""Short text forms of durations, ages and percentages for narrow panes."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

MISSING = "—"


def format_seconds(seconds: float) -> str:
    """Format a non-negative duration as `42s`, `3m05s` or `2h10m`.

    Seconds are rounded up, so a countdown shows `1s` until it reaches zero.
    """
    total = max(0, math.ceil(seconds))
    if total < 60:
        return f"{total}s"
    minutes, secs = divmod(total, 60)
    if minutes < 60:
        return f"{minutes}m{secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


def format_age(as_of: dt.datetime | None, now: dt.datetime) -> str:
    """Format the time since `as_of` in at most 3 characters: `5m`, `3h`, `2d`, `3y`.

    A missing time is an em dash.
    """
    if as_of is None:
        return MISSING
    seconds = max(0.0, (now - as_of).total_seconds())
    if seconds < 3600:
        return f"{int(seconds // 60)}m"
    if seconds < 86400:
        return f"{int(seconds // 3600)}h"
    days = int(seconds // 86400)
    if days < 100:
        return f"{days}d"
    if days < 700:
        return f"{days // 7}w"
    return f"{days // 365}y"


def format_percent_short(value: Decimal | None) -> str:
    """Format a percentage with a sign, such as `+20.8%`.

    Values of 100 or more in size drop the decimal place (`-150%`), so any
    value under 10,000 in size fits in 6 characters.
    """
    if value is None:
        return MISSING
    if abs(value) >= 100:
        return f"{value:+.0f}%"
    return f"{value:+.1f}%"


def format_price(value: Decimal | None) -> str:
    """Format a price with two decimal places and thousands separators."""
    if value is None:
        return MISSING
    return f"{value:,.2f}"
