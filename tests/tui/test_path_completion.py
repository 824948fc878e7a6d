"""Path completion in the import dialog completes as far as the matches agree."""

from __future__ import annotations

import os
from pathlib import Path

from tui.widgets.path_input import complete_path, path_matches


def test_single_match_completes_fully(tmp_path: Path) -> None:
    (tmp_path / "targets.csv").write_text("")
    assert complete_path(f"{tmp_path}/tar") == f"{tmp_path}/targets.csv"


def test_several_matches_complete_common_prefix(tmp_path: Path) -> None:
    (tmp_path / "dollar.csv").write_text("")
    (tmp_path / "dup.csv").write_text("")
    (tmp_path / "dir.csv").mkdir()
    assert complete_path(f"{tmp_path}/d") == f"{tmp_path}/d"
    assert complete_path(f"{tmp_path}/do") == f"{tmp_path}/dollar.csv"


def test_directory_match_gets_separator(tmp_path: Path) -> None:
    (tmp_path / "exports").mkdir()
    assert complete_path(f"{tmp_path}/ex") == f"{tmp_path}/exports{os.sep}"


def test_matches_listed_sorted(tmp_path: Path) -> None:
    for name in ("b.csv", "a.csv"):
        (tmp_path / name).write_text("")
    assert path_matches(f"{tmp_path}/") == [f"{tmp_path}/a.csv", f"{tmp_path}/b.csv"]


def test_no_match_gives_none(tmp_path: Path) -> None:
    assert complete_path(f"{tmp_path}/zzz") is None
