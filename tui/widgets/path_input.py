"""A file path input that completes paths from the file system."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.suggester import Suggester
from textual.widgets import Input


def path_matches(value: str) -> list[str]:
    """Return every completion of `value`, sorted, each a full path text.

    Entries are matched by name prefix in the directory that `value` names,
    hidden entries only when the prefix starts with a dot. A directory gets
    a trailing separator. `~` is expanded for the lookup but kept in the text.
    """
    if not value:
        return []
    expanded = os.path.expanduser(value)
    directory, prefix = os.path.split(expanded)
    try:
        names = sorted(os.listdir(directory or "."))
    except OSError:
        return []
    matches = []
    for name in names:
        if not name.startswith(prefix) or name == prefix:
            continue
        if name.startswith(".") and not prefix.startswith("."):
            continue
        completed = value + name[len(prefix) :]
        if Path(directory or ".", name).is_dir():
            completed += os.sep
        matches.append(completed)
    return matches


def complete_path(value: str) -> str | None:
    """Return `value` completed as far as every match agrees, as a shell does.

    One match completes in full; several complete to their longest common
    prefix. Returns None when nothing matches.
    """
    matches = path_matches(value)
    if not matches:
        return None
    if len(matches) == 1:
        return matches[0]
    # Character by character on purpose, as a shell completes "dol" and "dup" to "d".
    return os.path.commonprefix(matches)  # noqa: RUF071


class PathSuggester(Suggester):
    """Suggests the completion of a path; the lookup runs in a thread."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        matches = await asyncio.to_thread(path_matches, value)
        return matches[0] if matches else None


class PathInput(Input):
    """A path input where Tab accepts the completion, or moves focus if none."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("tab", "complete", "Complete path", show=False)
    ]

    def __init__(self, value: str = "", *, id: str | None = None) -> None:
        super().__init__(
            value,
            placeholder="path to a CSV file of targets or positions",
            suggester=PathSuggester(),
            id=id,
            compact=True,
        )

    async def action_complete(self) -> None:
        """Complete the value; list the candidates when several remain."""
        matches = await asyncio.to_thread(path_matches, self.value)
        if not matches:
            self.screen.focus_next()
            return
        completed = complete_path(self.value) or self.value
        if completed != self.value:
            self.value = completed
            self.cursor_position = len(completed)
            return
        names = [Path(match.rstrip(os.sep)).name for match in matches]
        shown = ", ".join(names[:8]) + (
            f" and {len(names) - 8} more" if len(names) > 8 else ""
        )
        self.notify(f"{len(names)} matches: {shown}", timeout=6)
