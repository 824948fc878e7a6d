"""Ticker normalisation, descriptive symbols and option symbols."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from domain.symbols import (
    OptionContract,
    OptionRight,
    Spelling,
    SymbolError,
    canonical_from_provider,
    is_quotable,
    normalize_descriptive,
    normalize_symbol,
    option_symbol,
    parse_option_symbol,
    provider_symbol,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("aapl", "AAPL"),
        ("  msft ", "MSFT"),
        ("BRK.B", "BRK.B"),
        ("BRK-B", "BRK.B"),
        ("brk/b", "BRK.B"),
        ("BRK B", "BRK.B"),
        ("BRK\u2013B", "BRK.B"),
        ("\u200bNVDA\ufeff", "NVDA"),
        ("\u00a0TSLA\u00a0", "TSLA"),
    ],
)
def test_normalize_symbol_forms(raw: str, expected: str) -> None:
    assert normalize_symbol(raw) == expected


@pytest.mark.parametrize("raw", ["SHO{", "", "AB CD EF", "TOOLONGX", "A$B", "ÄPPL"])
def test_normalize_symbol_rejects(raw: str) -> None:
    with pytest.raises(SymbolError):
        normalize_symbol(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("corp_bond_2025", "CORP_BOND_2025"),
        ("SPY_C450_20240315", "SPY_C450_20240315"),
        ("brk-b", "BRK.B"),
    ],
)
def test_normalize_descriptive_forms(raw: str, expected: str) -> None:
    assert normalize_descriptive(raw) == expected


def test_normalize_descriptive_rejects() -> None:
    with pytest.raises(SymbolError):
        normalize_descriptive("SHO{")


def test_provider_spelling_round_trip() -> None:
    assert provider_symbol("BRK.B", Spelling.HYPHEN) == "BRK-B"
    assert canonical_from_provider("BRK-B") == "BRK.B"
    assert is_quotable("BRK.B")
    assert not is_quotable("SPY_C450_20240315")


@pytest.mark.parametrize(
    ("strike", "right", "expected"),
    [
        (Decimal("395.00"), OptionRight.CALL, "DIA_C395_20240816"),
        (Decimal("392.50"), OptionRight.PUT, "DIA_P392.5_20240816"),
        (Decimal("400"), OptionRight.CALL, "DIA_C400_20240816"),
    ],
)
def test_option_symbol_builds(
    strike: Decimal, right: OptionRight, expected: str
) -> None:
    built = option_symbol("DIA", right, strike, dt.date(2024, 8, 16))
    assert built == expected
    assert normalize_descriptive(built) == expected


def test_parse_descriptive_option() -> None:
    parsed = parse_option_symbol("aapl_p160_20240315")
    expected = OptionContract(
        "AAPL", OptionRight.PUT, Decimal(160), dt.date(2024, 3, 15)
    )
    assert parsed == expected


def test_parse_occ_option() -> None:
    parsed = parse_option_symbol("SPY   240315C00392500")
    assert parsed is not None
    assert parsed.underlying == "SPY"
    assert parsed.strike == Decimal("392.5")
    assert parsed.expiry == dt.date(2024, 3, 15)
    assert parsed.right is OptionRight.CALL


@pytest.mark.parametrize(
    "symbol", ["AAPL", "CORP_BOND_2025", "SPY_C450_20240230", "SPY_X450_20240315", ""]
)
def test_parse_option_rejects(symbol: str) -> None:
    assert parse_option_symbol(symbol) is None


def test_option_symbol_round_trip() -> None:
    contract = OptionContract(
        "BRK.B", OptionRight.CALL, Decimal("415.5"), dt.date(2025, 1, 17)
    )
    built = option_symbol(
        contract.underlying, contract.right, contract.strike, contract.expiry
    )
    assert parse_option_symbol(built) == contract
