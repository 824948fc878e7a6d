"""A file path input that completes paths from the file system."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.suggester import Suggester
from textual.widgets import Input


def complete_path(value: str) -> str | None:
    """Return `value` completed to the first matching file or directory.

    Entries are matched by name prefix in the directory that `value` names,
    hidden entries only when the prefix starts with a dot. A directory gets
    a trailing separator. `~` is expanded for the lookup but kept in the text.
    """
    if not value:
        return None
    expanded = os.path.expanduser(value)
    directory, prefix = os.path.split(expanded)
    try:
        names = sorted(os.listdir(directory or "."))
    except OSError:
        return None
    for name in names:
        if not name.startswith(prefix) or name == prefix:
            continue
        if name.startswith(".") and not prefix.startswith("."):
            continue
        completed = value + name[len(prefix) :]
        if Path(directory or ".", name).is_dir():
            completed += os.sep
        return completed
    return None


class PathSuggester(Suggester):
    """Suggests the completion of a path; the lookup runs in a thread."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        return await asyncio.to_thread(complete_path, value)


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
        """Replace the value with its completion."""
        completed = await asyncio.to_thread(complete_path, self.value)
        if completed is None or completed == self.value:
            self.screen.focus_next()
            return
        self.value = completed
        self.cursor_position = len(completed)
