"""Keys, clock and recorded cases shared by the provider tests."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from domain.calendar import NEW_YORK

FMP_KEY = "CANARY_FMP_52b8d0aa"
POLYGON_KEY = "CANARY_PG_7f3a9c1e"
FMP_FREE_KEY = "fmp-free-key"
POLYGON_FREE_KEY = "polygon-free-key"
CANARIES = (FMP_KEY, POLYGON_KEY)

KEYS = {
    FMP_KEY: ("fmp", "starter"),
    POLYGON_KEY: ("polygon", "starter"),
    FMP_FREE_KEY: ("fmp", "free"),
    POLYGON_FREE_KEY: ("polygon", "free"),
}

# Wednesday 2024-05-29, 18:00 in New York: that day's session has closed.
DEFAULT_NOW = dt.datetime(2024, 5, 29, 18, 0, tzinfo=NEW_YORK)
CASES = Path(__file__).resolve().parent.parent / "data" / "http"


class Clock:
    """A settable clock for the emulator's sessions and quota windows."""

    def __init__(self, now: dt.datetime = DEFAULT_NOW) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


def load_case(name: str) -> dict[str, Any]:
    """Read a recorded case from tests/data/http."""
    data: dict[str, Any] = json.loads((CASES / name).read_text(encoding="utf-8"))
    return data
