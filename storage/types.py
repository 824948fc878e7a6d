"""Column types that keep money exact and times aware in SQLite."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class DecimalText(TypeDecorator[Decimal]):
    """A Decimal stored as its exact text, since SQLite's NUMERIC is a float."""

    impl = String(40)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if not isinstance(value, Decimal):
            value = Decimal(str(value))
        return str(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return Decimal(value)

    def bind_many(self, values: list[Any]) -> list[str | None]:
        """Convert a column of values for executemany, as process_bind_param would."""
        return [
            None
            if value is None
            else str(value)
            if type(value) is Decimal
            else self.process_bind_param(value, None)  # type: ignore[arg-type]
            for value in values
        ]


class UtcDateTime(TypeDecorator[dt.datetime]):
    """An aware datetime stored as UTC ISO text and read back as aware UTC."""

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if not isinstance(value, dt.datetime) or value.tzinfo is None:
            raise ValueError(f"expected an aware datetime, got {value!r}")
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        return dt.datetime.fromisoformat(value).astimezone(dt.UTC)

    def bind_many(self, values: list[Any]) -> list[str | None]:
        """Convert a column of values for executemany, as process_bind_param would.

        Each distinct time is converted once: the quotes of one grouped
        response share their fetch time and close time.
        """
        texts: dict[dt.datetime, str | None] = {}
        column: list[str | None] = []
        for value in values:
            if value is None:
                column.append(None)
                continue
            text = texts.get(value)
            if text is None:
                text = self.process_bind_param(value, None)  # type: ignore[arg-type]
                texts[value] = text
            column.append(text)
        return column
