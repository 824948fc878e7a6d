"""Renamed, delisted, inactive, unknown and mispriced symbols."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from domain.imports import PositionRow, TargetRow, parse_import_bytes, read_import_file
from domain.models import InvestmentClass, Position, PositionType, TargetPrice
from domain.quotes import TickerInfo
from domain.symbol_checks import (
    KNOWN_SYMBOL_CHANGES,
    FlagKind,
    SymbolFlag,
    check_symbols,
    suggest_symbols,
)

CASES = Path(__file__).resolve().parent.parent / "data" / "cases"
UNIVERSE = ["ZM", "ZOM", "ZOOZ", "AAPL", "META", "MSFT", "ELV", "FI", "XYZ"]
NAMES = {"ZM": "Zoom Video Communications, Inc.", "AAPL": "Apple Inc."}


def _target(line: int, symbol: str, price: str | None = None) -> TargetRow:
    current = Decimal(price) if price is not None else None
    target = TargetPrice(symbol, PositionType.LONG, None, None, None, current)
    return TargetRow(line, target)


def _by_kind(flags: list[SymbolFlag], kind: FlagKind) -> list[SymbolFlag]:
    return [flag for flag in flags if flag.kind is kind]


def test_known_changes_table() -> None:
    fb = KNOWN_SYMBOL_CHANGES["FB"]
    assert fb.new == "META"
    assert fb.effective == dt.date(2022, 6, 9)
    assert KNOWN_SYMBOL_CHANGES["TWTR"].new is None
    assert KNOWN_SYMBOL_CHANGES["ANTM"].new == "ELV"
    assert KNOWN_SYMBOL_CHANGES["FISV"].new == "FI"
    assert KNOWN_SYMBOL_CHANGES["SQ"].new == "XYZ"


def test_case_file_flags() -> None:
    report = read_import_file(CASES / "renames_and_typos.csv")
    reference = {
        "FB": None,
        "ZOOM": TickerInfo("ZOOM", "Zoom Technologies Inc", active=False),
        "AAPL": TickerInfo("AAPL", "Apple Inc.", active=True),
    }
    flags = check_symbols(report.targets, reference, {}, UNIVERSE, names=NAMES)
    assert [(flag.symbol, flag.kind) for flag in flags] == [
        ("FB", FlagKind.RENAMED),
        ("ZOOM", FlagKind.INACTIVE),
    ]


def test_renamed_offers_new_symbol() -> None:
    flags = check_symbols([_target(2, "FB")], {}, {}, UNIVERSE)
    assert flags[0].suggestions == ("META",)
    assert flags[0].lines == (2,)
    assert "2022-06-09" in flags[0].message


def test_inactive_offers_zm_first() -> None:
    reference = {"ZOOM": TickerInfo("ZOOM", "Zoom Technologies Inc", active=False)}
    flags = check_symbols([_target(3, "ZOOM")], reference, {}, UNIVERSE, names=NAMES)
    assert flags[0].kind is FlagKind.INACTIVE
    assert flags[0].suggestions[0] == "ZM"


def test_inactive_offers_zm_by_spelling() -> None:
    reference = {"ZOOM": TickerInfo("ZOOM", None, active=False)}
    flags = check_symbols([_target(3, "ZOOM")], reference, {}, UNIVERSE)
    assert "ZM" in flags[0].suggestions


def test_delisted_has_no_suggestion() -> None:
    flags = check_symbols([_target(4, "TWTR")], {}, {}, UNIVERSE)
    assert flags[0].kind is FlagKind.DELISTED
    assert flags[0].suggestions == ()


def test_reused_symbol_mentioned() -> None:
    reference = {"SQ": TickerInfo("SQ", "Some Other Corp", active=True)}
    flags = check_symbols([_target(2, "SQ")], reference, {}, UNIVERSE)
    assert flags[0].kind is FlagKind.RENAMED
    assert "Some Other Corp" in flags[0].message


def test_unknown_symbol_suggestions() -> None:
    flags = check_symbols([_target(5, "APPL")], {"APPL": None}, {}, UNIVERSE)
    assert flags[0].kind is FlagKind.UNKNOWN
    assert flags[0].suggestions[0] == "AAPL"


def test_unlooked_symbol_not_flagged() -> None:
    flags = check_symbols([_target(5, "NEWCO")], {}, {}, UNIVERSE)
    assert flags == []


def test_active_symbol_not_flagged() -> None:
    reference = {"AAPL": TickerInfo("AAPL", "Apple Inc.", active=True)}
    flags = check_symbols(
        [_target(5, "AAPL", "190")], reference, {"AAPL": Decimal("200")}, []
    )
    assert flags == []


def test_price_far_above_flagged() -> None:
    rows = [_target(2, "AAPL", "190"), _target(3, "MSFT", "400")]
    live = {"AAPL": Decimal("600"), "MSFT": Decimal("1199")}
    flags = _by_kind(check_symbols(rows, {}, live, []), FlagKind.PRICE_MISMATCH)
    assert [flag.lines for flag in flags] == [(2,)]
    assert flags[0].live_price == Decimal("600")
    assert flags[0].file_price == Decimal("190")


def test_price_far_below_flagged() -> None:
    flags = check_symbols(
        [_target(7, "NVDA", "875")], {}, {"NVDA": Decimal("87.5")}, []
    )
    assert flags[0].kind is FlagKind.PRICE_MISMATCH
    assert flags[0].lines == (7,)


def test_price_missing_not_flagged() -> None:
    flags = check_symbols([_target(7, "NVDA")], {}, {"NVDA": Decimal("87.5")}, [])
    assert flags == []


def test_flags_grouped_by_symbol() -> None:
    data = b"symbol,position_type,target_eoy\nFB,LONG,500\nFB,SHORT,300\nAAPL,LONG,1\n"
    report = parse_import_bytes(data, "t.csv")
    flags = check_symbols(report.targets, {}, {}, UNIVERSE)
    assert len(flags) == 1
    assert flags[0].lines == (2, 3)


def test_position_options_checked_by_underlying() -> None:
    option = Position(
        symbol="FB_C300_20220617",
        position_type=PositionType.LC,
        quantity=Decimal(1),
        entry_price=Decimal(5),
        entry_date=dt.date(2022, 1, 3),
        investment_class=InvestmentClass.OPTIONS,
        underlying="FB",
        strike=Decimal(300),
        expiry=dt.date(2022, 6, 17),
    )
    private = Position(
        symbol="FB",
        position_type=PositionType.LONG,
        quantity=Decimal(1),
        entry_price=Decimal(5),
        entry_date=dt.date(2022, 1, 3),
        investment_class=InvestmentClass.PRIVATE,
    )
    rows = [PositionRow(9, option), PositionRow(10, private)]
    flags = check_symbols(rows, {}, {}, UNIVERSE)
    assert [(flag.symbol, flag.lines) for flag in flags] == [("FB", (9,))]


def test_suggest_excludes_itself() -> None:
    assert "ZOOM" not in suggest_symbols("ZOOM", ["ZOOM", "ZM"])


def test_suggest_respects_limit() -> None:
    universe = [f"AAP{letter}" for letter in "ABCDEFGH"]
    assert len(suggest_symbols("AAPL", universe, limit=3)) == 3
