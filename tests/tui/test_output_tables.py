"""Table output cuts neither names nor numbers: only long text shortens."""

from __future__ import annotations

from rich.console import Console

from tui.output import print_table

KIND = "quota_exhausted"
MESSAGE = "FMP daily quota of 250 requests is used up (250 sent today); " * 3


def test_narrow_terminal_shortens_only_long_text() -> None:
    console = Console(width=80, record=True)
    rows = [["fmp", KIND, MESSAGE, "12"]]
    print_table(console, ["Via", "Kind", "Message", "Count"], rows, right=["Count"])
    text = console.export_text()
    assert KIND in text
    assert "…" in text
    # Rich drops whole columns from a table that does not fit. None may go.
    assert "Via" in text
    assert "fmp" in text
    assert "Count" in text
    assert "12" in text
    assert max(len(line) for line in text.splitlines()) <= 80


def test_wide_output_keeps_every_value() -> None:
    console = Console(width=10_000, record=True)
    rows = [["fmp", KIND, MESSAGE.strip(), "12"]]
    print_table(console, ["Via", "Kind", "Message", "Count"], rows, right=["Count"])
    text = console.export_text()
    assert MESSAGE.strip() in text
    assert "…" not in text
