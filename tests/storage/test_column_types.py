"""Column conversions for executemany match the per-value conversions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from storage.types import DecimalText, UtcDateTime

NEW_YORK = ZoneInfo("America/New_York")


def test_decimal_column_matches_single_values() -> None:
    column = DecimalText()
    values = [Decimal("1.50"), None, 2, Decimal("1E+3")]
    expected = [column.process_bind_param(v, None) for v in values]  # type: ignore[arg-type]
    assert column.bind_many(values) == expected


def test_time_column_matches_single_values() -> None:
    column = UtcDateTime()
    close = dt.datetime(2024, 5, 24, 16, 0, tzinfo=NEW_YORK)
    values = [close, None, close.astimezone(dt.UTC), close + dt.timedelta(days=1)]
    expected = [column.process_bind_param(v, None) for v in values]  # type: ignore[arg-type]
    assert column.bind_many(values) == expected
    assert expected[0] == "2024-05-24T20:00:00.000000+00:00"


def test_time_column_rejects_naive_value() -> None:
    with pytest.raises(ValueError, match="aware"):
        UtcDateTime().bind_many([dt.datetime(2024, 5, 24, 16, 0)])
