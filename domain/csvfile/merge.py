"""Merge identical duplicate rows and hold back keys whose rows conflict."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import TypeVar

from domain.csvfile.report import RowIssue, Severity

RowT = TypeVar("RowT")
KeyT = TypeVar("KeyT", bound=Hashable)


def _line_list(lines: Sequence[int]) -> str:
    if len(lines) == 1:
        return f"line {lines[0]}"
    return "lines " + ", ".join(str(line) for line in lines[:-1]) + f" and {lines[-1]}"


def merge_duplicates(
    rows: Sequence[RowT],
    keys: Sequence[KeyT],
    value_of: Callable[[RowT], object],
    line_of: Callable[[RowT], int],
    describe: Callable[[KeyT], str],
    path: str,
) -> tuple[list[RowT], list[RowIssue], dict[KeyT, tuple[int, ...]]]:
    """Merge rows that share a key and agree, and block keys whose rows differ.

    `keys[i]` is the key of `rows[i]`. A row equal to an earlier row with the
    same key is dropped with a WARNING that names the earlier line. When rows
    with one key differ, each gets an ERROR naming the lines it conflicts
    with, and none is kept.

    Returns the kept rows in file order, the issues, and each blocked key
    with its lines.
    """
    if len(set(keys)) == len(keys):
        return list(rows), [], {}
    first_index: dict[KeyT, int] = {}
    repeats: dict[KeyT, list[int]] = {}
    for index, key in enumerate(keys):
        if key in first_index:
            repeats.setdefault(key, [first_index[key]]).append(index)
        else:
            first_index[key] = index

    dropped: set[int] = set()
    issues: list[RowIssue] = []
    blocked: dict[KeyT, tuple[int, ...]] = {}
    for key, indices in repeats.items():
        values = [value_of(rows[index]) for index in indices]
        lines = [line_of(rows[index]) for index in indices]
        if all(value == values[0] for value in values):
            dropped.update(indices[1:])
            for line in lines[1:]:
                issues.append(
                    RowIssue(
                        path,
                        line,
                        None,
                        None,
                        f"same {describe(key)} as line {lines[0]} with the same "
                        "values, so it was merged into that row: delete one "
                        "of the two",
                        Severity.WARNING,
                    )
                )
            continue
        dropped.update(indices)
        blocked[key] = tuple(lines)
        for position, line in enumerate(lines):
            others = [
                other
                for other_position, other in enumerate(lines)
                if values[other_position] != values[position]
            ]
            issues.append(
                RowIssue(
                    path,
                    line,
                    None,
                    None,
                    f"conflicts with {_line_list(others)} for {describe(key)}: "
                    "pick one row and delete the others, so that "
                    f"{describe(key)} can be imported",
                    Severity.ERROR,
                )
            )
    kept_rows = [row for index, row in enumerate(rows) if index not in dropped]
    return kept_rows, issues, blocked
