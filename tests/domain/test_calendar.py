"""NYSE sessions and session ages in America/New_York."""

from __future__ import annotations

import datetime as dt

import pytest

from domain.calendar import (
    NEW_YORK,
    is_session,
    last_completed_session,
    session_age,
    sessions_between,
)
from domain.nyse_closures import FIRST_YEAR, LAST_YEAR, closures_of, render_table


def ny(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=NEW_YORK)


def test_saturday_latest_session_is_friday() -> None:
    assert last_completed_session(ny("2024-03-16T10:00")) == dt.date(2024, 3, 15)


def test_good_friday_is_not_a_session() -> None:
    assert not is_session(dt.date(2024, 3, 29))
    assert last_completed_session(ny("2024-03-29T12:00")) == dt.date(2024, 3, 28)


def test_premarket_after_memorial_day_uses_friday() -> None:
    assert last_completed_session(ny("2024-05-28T08:00")) == dt.date(2024, 5, 24)


def test_friday_close_not_stale_after_long_weekend() -> None:
    # Four calendar days old, yet no session has closed since.
    assert session_age(dt.date(2024, 5, 24), ny("2024-05-28T08:00")) == 0


def test_session_completes_at_four_pm() -> None:
    assert last_completed_session(ny("2024-05-28T15:59")) == dt.date(2024, 5, 24)
    assert last_completed_session(ny("2024-05-28T16:00")) == dt.date(2024, 5, 28)


def test_age_counts_sessions_not_days() -> None:
    # Thu 2024-03-28 to Tue 2024-04-02: Good Friday and a weekend in between.
    assert sessions_between(dt.date(2024, 3, 28), dt.date(2024, 4, 2)) == 2


def test_age_uses_new_york_not_host_zone() -> None:
    # 01:00 UTC on Saturday is still Friday evening in New York.
    moment = dt.datetime(2024, 3, 16, 1, 0, tzinfo=dt.UTC)
    assert last_completed_session(moment) == dt.date(2024, 3, 15)


@pytest.mark.parametrize(
    "day", ["2024-01-01", "2024-07-04", "2024-11-28", "2024-12-25", "2025-01-09"]
)
def test_exchange_holidays_are_not_sessions(day: str) -> None:
    assert not is_session(dt.date.fromisoformat(day))


def test_closure_table_matches_holidays_package() -> None:
    # A holidays upgrade that changes a date fails here: print a new table
    # with `python -m domain.nyse_closures` and paste it into the module.
    expected = render_table(FIRST_YEAR, LAST_YEAR).splitlines()
    for year, line in zip(range(FIRST_YEAR, LAST_YEAR + 1), expected, strict=True):
        days = {dt.date(year, int(d[:2]), int(d[3:])) for d in line.split()[1:]}
        assert closures_of(year) == days, year


def test_years_outside_table_use_holidays_package() -> None:
    assert closures_of(LAST_YEAR + 1) is None
    assert not is_session(dt.date(LAST_YEAR + 1, 12, 25))
    assert not is_session(dt.date(FIRST_YEAR - 1, 1, 2))
    assert is_session(dt.date(LAST_YEAR + 1, 12, 27))


def test_special_closures_in_table() -> None:
    for day in ("2001-09-11", "2012-10-29", "2018-12-05"):
        assert not is_session(dt.date.fromisoformat(day)), day
