"""Short text forms of durations, ages and percentages for narrow panes."""

from __future__ import annotations

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


def format_sessions(sessions: int | None) -> str:
    """Format an age in trading sessions in at most 3 characters: `0d`, `2d`, `99+`.

    A missing age is an em dash.
    """
    if sessions is None:
        return MISSING
    if sessions < 100:
        return f"{sessions}d"
    return "99+"


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


def format_exact(value: Decimal | None) -> str:
    """Format a number with thousands separators and every digit it has."""
    if value is None:
        return MISSING
    return f"{value:,}"


def format_price(value: Decimal | None) -> str:
    """Format a price with two decimal places and thousands separators."""
    if value is None:
        return MISSING
    return f"{value:,.2f}"
