"""Number and date cells, and the per-file decision on their style."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from domain.csvfile.cells import (
    CellError,
    DateOrder,
    DateReader,
    DecimalStyle,
    NumberReader,
    classify_number,
    detect_date_order,
    detect_decimal_style,
)
from domain.imports import ImportFileError

POINT = NumberReader(DecimalStyle.POINT)
COMMA = NumberReader(DecimalStyle.COMMA)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("96.62", "96.62"),
        ("0", "0"),
        ("$4,000.00", "4000.00"),
        ("$(700.00)", "-700.00"),
        ("($700.00)", "-700.00"),
        ("(700)", "-700"),
        ("-$1,050", "-1050"),
        ("$-12.5", "-12.5"),
        ("700.00-", "-700.00"),
        ("+3", "3"),
        ("−5.25", "-5.25"),
        ("€ 12.50", "12.50"),
        ("£7", "7"),
        ("USD 1,234,567.89", "1234567.89"),
        ("1 234.5", "1234.5"),
        ("1'234.5", "1234.5"),
        (".5", "0.5"),
        ("5.", "5"),
    ],
)
def test_point_reader_accepts(text: str, expected: str) -> None:
    value = POINT.read(text)
    assert value == Decimal(expected)
    assert str(value) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3.612,75", "3612.75"),
        ("4.000,00", "4000.00"),
        ("5,02", "5.02"),
        ("1.234,56 €", "1234.56"),
        ("(12,50 €)", "-12.50"),
        ("1 234,5", "1234.5"),
        ("1.234.567", "1234567"),
    ],
)
def test_comma_reader_accepts(text: str, expected: str) -> None:
    assert str(COMMA.read(text)) == expected


@pytest.mark.parametrize(
    "text",
    ["abc", "1,23", "1.2.3", "$", "()", "1e5", "NaN", "Infinity", "1_000", "12 34"],
)
def test_point_reader_rejects(text: str) -> None:
    with pytest.raises(CellError, match="not a number"):
        POINT.read(text)


@pytest.mark.parametrize("text", ["-(5)", "(-5)", "--5", "-5-", "(5", "5)"])
def test_reader_rejects_double_signs(text: str) -> None:
    with pytest.raises(CellError):
        POINT.read(text)


def test_reader_rejects_percent() -> None:
    with pytest.raises(CellError, match="percentage"):
        POINT.read("12%")


def test_reader_example_follows_style() -> None:
    with pytest.raises(CellError, match="96,62"):
        COMMA.read("x")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.5", "."),
        ("96.62", "."),
        ("0.125", "."),
        ("1234.567", "."),
        ("1,234.56", "."),
        ("1,234,567", "."),
        ("$(1,234.50)", "."),
        ("1,5", ","),
        ("450,00", ","),
        ("0,125", ","),
        ("4.000,00", ","),
        ("1.234.567", ","),
        ("1,234", "ambiguous"),
        ("1.234", "ambiguous"),
        ("$(1,234)", "ambiguous"),
    ],
)
def test_classify_number_styles(text: str, expected: str) -> None:
    assert classify_number(text) == expected


@pytest.mark.parametrize("text", ["12..5", "12.5.1", "1.23.456", "1,,000"])
def test_malformed_repeats_prove_nothing(text: str) -> None:
    assert classify_number(text) is None


@pytest.mark.parametrize("text", ["12", "", "abc", "--"])
def test_classify_number_no_evidence(text: str) -> None:
    assert classify_number(text) is None


def test_detect_style_point() -> None:
    records = [(2, ("A", "1,234")), (3, ("B", "12.50"))]
    style, ambiguous = detect_decimal_style(records, [1], DecimalStyle.COMMA, "f")
    assert style is DecimalStyle.POINT
    assert ambiguous is None


def test_detect_style_default_when_ambiguous() -> None:
    records = [(2, ("A", "12")), (3, ("B", "4.000"))]
    style, ambiguous = detect_decimal_style(records, [1], DecimalStyle.COMMA, "f")
    assert style is DecimalStyle.COMMA
    assert ambiguous == (3, 1, "4.000")


def test_detect_style_mixed_names_lines() -> None:
    records = [(5, ("1.5", "")), (6, ("2", "")), (9, ("", "1,5"))]
    with pytest.raises(ImportFileError) as caught:
        detect_decimal_style(records, [0, 1], DecimalStyle.POINT, "f.csv")
    assert caught.value.lines == (5, 9)
    assert "'1.5'" in caught.value.detail
    assert "'1,5'" in caught.value.detail


def test_detect_style_repeated_point_late() -> None:
    records = [(2, ("12.50",)), (3, ("1.234.567",))]
    with pytest.raises(ImportFileError):
        detect_decimal_style(records, [0], DecimalStyle.POINT, "f.csv")


def test_detect_style_ignores_other_columns() -> None:
    records = [(2, ("1,5", "12.50"))]
    style, _ = detect_decimal_style(records, [1], DecimalStyle.COMMA, "f")
    assert style is DecimalStyle.POINT


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-01-15", dt.date(2024, 1, 15)),
        ("2024-1-5", dt.date(2024, 1, 5)),
        ("2024/01/15", dt.date(2024, 1, 15)),
        ("2024-01-15T00:00:00", dt.date(2024, 1, 15)),
        ("2024-01-15 09:30:00", dt.date(2024, 1, 15)),
        ("20240115", dt.date(2024, 1, 15)),
        ("1/15/2024", dt.date(2024, 1, 15)),
        ("01-15-2024", dt.date(2024, 1, 15)),
        ("1/15/24", dt.date(2024, 1, 15)),
        ("3/15/2024 5:35 PM", dt.date(2024, 3, 15)),
        ("15.01.2024", dt.date(2024, 1, 15)),
        ("15 Jan 2024", dt.date(2024, 1, 15)),
        ("15-Jan-2024", dt.date(2024, 1, 15)),
        ("January 15, 2024", dt.date(2024, 1, 15)),
        ("Sept 3 2024", dt.date(2024, 9, 3)),
    ],
)
def test_date_reader_month_first(text: str, expected: dt.date) -> None:
    assert DateReader(DateOrder.MONTH_FIRST).read(text) == expected


def test_date_reader_day_first() -> None:
    reader = DateReader(DateOrder.DAY_FIRST)
    assert reader.read("03/04/2024") == dt.date(2024, 4, 3)
    assert reader.read("2024-03-04") == dt.date(2024, 3, 4)


def test_date_reader_two_digit_years() -> None:
    reader = DateReader(DateOrder.MONTH_FIRST)
    assert reader.read("1/2/68") == dt.date(2068, 1, 2)
    assert reader.read("1/2/69") == dt.date(1969, 1, 2)


@pytest.mark.parametrize(
    "text", ["2024-02-30", "13/13/2024", "2024-13-01", "0000-01-01"]
)
def test_date_reader_invalid_date(text: str) -> None:
    with pytest.raises(CellError, match="invalid date"):
        DateReader(DateOrder.MONTH_FIRST).read(text)


@pytest.mark.parametrize("text", ["yesterday", "15 Foo 2024", "2024", "1/2"])
def test_date_reader_not_a_date(text: str) -> None:
    with pytest.raises(CellError, match="not a date"):
        DateReader(DateOrder.MONTH_FIRST).read(text)


def test_detect_date_order_day_first() -> None:
    records = [(2, ("03/04/2024",)), (3, ("15/04/2024",))]
    order, ambiguous = detect_date_order(records, [0], DateOrder.MONTH_FIRST, "f")
    assert order is DateOrder.DAY_FIRST
    assert ambiguous is None


def test_detect_date_order_ambiguous_default() -> None:
    records = [(2, ("03/04/2024",)), (3, ("2024-05-01",))]
    order, ambiguous = detect_date_order(records, [0], DateOrder.MONTH_FIRST, "f")
    assert order is DateOrder.MONTH_FIRST
    assert ambiguous == (2, 0, "03/04/2024")


def test_detect_date_order_mixed() -> None:
    records = [(2, ("13/04/2024",)), (7, ("04/13/2024",))]
    with pytest.raises(ImportFileError) as caught:
        detect_date_order(records, [0], DateOrder.MONTH_FIRST, "f.csv")
    assert caught.value.title == "mixed date orders"
    assert caught.value.lines == (2, 7)
