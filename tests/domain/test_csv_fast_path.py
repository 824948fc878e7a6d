"""The columnar fast path gives exactly the report of the row-by-row reader."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.csvfile.fast import read_clean_targets
from domain.imports import parse_import_bytes

HEADER = "symbol,position_type,target_eoy,target_next_year,downside,current_price"

tickers = st.from_regex(r"[A-Z]{1,5}(\.[A-Z])?", fullmatch=True)
types = st.sampled_from(["", "LONG", "SHORT", "LC", "LP", "SC", "SP", "long"])
numbers = st.one_of(
    st.just(""),
    st.from_regex(r"[0-9]{1,4}(\.[0-9]{1,3})?", fullmatch=True),
    st.sampled_from(["1.234", "0", "0.00", "-5", "$12.50", "1e3", " 7", "--"]),
)
rows = st.lists(
    st.tuples(tickers, types, numbers, numbers, numbers, numbers), max_size=12
)


def render(body: list[tuple[str, ...]], bom: bool, final_newline: bool) -> bytes:
    lines = [HEADER, *(",".join(row) for row in body)]
    text = "\n".join(lines) + ("\n" if final_newline else "")
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode()


@settings(max_examples=300, deadline=None)
@given(body=rows, bom=st.booleans(), final_newline=st.booleans())
def test_fast_path_matches_row_reader(
    body: list[tuple[str, ...]], bom: bool, final_newline: bool
) -> None:
    data = render(body, bom, final_newline)
    try:
        slow = parse_import_bytes(data, "t.csv", fast=False)
    except Exception as error:
        slow_error: Exception | None = error
    else:
        slow_error = None
    if slow_error is not None:
        try:
            parse_import_bytes(data, "t.csv")
        except type(slow_error):
            return
        raise AssertionError(
            f"fast path accepted what the reader rejects: {slow_error}"
        )
    assert parse_import_bytes(data, "t.csv") == slow


def test_fast_path_reads_clean_file() -> None:
    data = render([("ZM", "LONG", "96.62", "111.12", "65.00", "80.00")], False, True)
    report = read_clean_targets(data, "t.csv", min_rows=0)
    assert report is not None
    assert report == parse_import_bytes(data, "t.csv", fast=False)
    assert report.targets[0].target.target_eoy is not None
    assert str(report.targets[0].target.target_eoy) == "96.62"
    assert report.targets[0].line == 2


def test_huge_value_rejected_with_line() -> None:
    data = render(
        [("ZM", "LONG", "9999999999999999999999999999", "", "", "80")], False, True
    )
    report = parse_import_bytes(data, "t.csv")
    assert report.targets == []
    assert [issue.line for issue in report.issues] == [2]
    assert "too large" in report.issues[0].reason


def test_small_file_skips_fast_path() -> None:
    data = render([("ZM", "LONG", "96.62", "111.12", "65.00", "80.00")], False, True)
    assert read_clean_targets(data, "t.csv") is None


def test_fast_path_taken_for_some_clean_files() -> None:
    rows = [(f"S{n}", "LONG", "1.5", "", "2", "3") for n in range(50)]
    assert (
        read_clean_targets(render(rows, True, False), "t.csv", min_rows=0) is not None
    )


def test_fast_rows_built_on_read() -> None:
    lines = ["symbol,position_type,target_eoy,target_next_year,downside,current_price"]
    lines += [f"S{i:05d},LONG,10.5,11,9,10" for i in range(3000)]
    report = read_clean_targets("\n".join(lines).encode(), "t.csv")
    assert report is not None
    rows = report.targets
    assert len(rows) == 3000
    assert rows[-1].line == 3001
    assert rows[-1].target.symbol == "S02999"
    assert [row.line for row in rows[1:3]] == [3, 4]
    assert [row.target for row in rows] == report.target_prices()
    assert report.target_prices()[0].symbol == "S00000"
