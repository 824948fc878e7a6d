"""The emulator's log of provider requests.

Records keep the path with credential parameters masked and never keep a
header, so no API key is stored.
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """One provider request the emulator received.

    Attributes:
        time: Emulator time of receipt (its `now`), UTC, ISO 8601.
        monotonic: time.monotonic() at receipt, for measuring real spacing.
        provider: "fmp" or "polygon", or None for a path of neither.
        endpoint: Endpoint name, or "unknown" for an unknown route.
        method: HTTP method.
        path: Path and query, with credential parameters replaced by ***.
        status: HTTP status sent, or None when the connection was reset.
        plan: Plan name of the key, or None when the key was not accepted.
        fault: Action of the scripted fault applied, or None.
    """

    time: str
    monotonic: float
    provider: str | None
    endpoint: str
    method: str
    path: str
    status: int | None
    plan: str | None
    fault: str | None

    def to_json(self) -> dict[str, Any]:
        """Return the record as a JSON object."""
        return asdict(self)


class RequestLog:
    """Thread-safe, append-only list of RequestRecord."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._records: list[RequestRecord] = []

    def append(self, record: RequestRecord) -> None:
        """Add a record at the end."""
        with self._lock:
            self._records.append(record)

    def records(self) -> list[RequestRecord]:
        """Return a copy of the records, oldest first."""
        with self._lock:
            return list(self._records)

    def clear(self) -> int:
        """Remove every record and return how many there were."""
        with self._lock:
            count = len(self._records)
            self._records.clear()
        return count
