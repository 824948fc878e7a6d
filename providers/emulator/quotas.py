"""Per-key request limits the emulator enforces, from each key's plan.

The per-minute limit is a sliding 60-second window. The per-day limit counts
requests per UTC calendar day. Rejected requests do not count against either.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from providers.plans import Plan

WINDOW = dt.timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class QuotaRejection:
    """Reason a request exceeded its key's limit.

    Attributes:
        per_day: True for the daily limit, False for the per-minute one.
        seconds_left: Seconds until the limit admits a request again.
    """

    per_day: bool
    seconds_left: float


class QuotaBook:
    """Counts accepted requests per key and rejects those over the plan."""

    def __init__(self, now: Callable[[], dt.datetime]) -> None:
        self._now = now
        self._lock = threading.Lock()
        self._recent: dict[str, deque[dt.datetime]] = {}
        self._daily: dict[str, tuple[dt.date, int]] = {}

    def admit(self, key: str, plan: Plan) -> QuotaRejection | None:
        """Count one request for `key`, or return why the plan rejects it."""
        now = self._now()
        with self._lock:
            if plan.per_day is not None:
                today = now.astimezone(dt.UTC).date()
                day, used = self._daily.get(key, (today, 0))
                if day != today:
                    used = 0
                if used >= plan.per_day:
                    midnight = dt.datetime.combine(
                        today + dt.timedelta(days=1), dt.time(0), tzinfo=dt.UTC
                    )
                    return QuotaRejection(True, (midnight - now).total_seconds())
            if plan.per_minute is not None:
                recent = self._recent.setdefault(key, deque())
                while recent and now - recent[0] >= WINDOW:
                    recent.popleft()
                if len(recent) >= plan.per_minute:
                    wait = (recent[0] + WINDOW - now).total_seconds()
                    return QuotaRejection(False, max(wait, 0.0))
                recent.append(now)
            if plan.per_day is not None:
                self._daily[key] = (today, used + 1)
        return None

    def used_today(self, key: str) -> int:
        """Return the requests counted today for `key`."""
        today = self._now().astimezone(dt.UTC).date()
        with self._lock:
            day, used = self._daily.get(key, (today, 0))
        return used if day == today else 0

    def clear(self) -> None:
        """Forget every count."""
        with self._lock:
            self._recent.clear()
            self._daily.clear()
