"""The help screen: every key and what it does."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static


class HelpScreen(ModalScreen[None]):
    """Lists keys in a table; Escape, q or ? closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close help"),
    ]

    def __init__(self, keys: Sequence[tuple[str, str, str]]) -> None:
        """Args:
        keys: (key, what it does, where it works) for each key.
        """
        super().__init__()
        self.keys = keys

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box"):
            table: DataTable[str] = DataTable(id="help-table", cursor_type="row")
            table.add_columns("Key", "Action", "Where")
            for key, action, where in self.keys:
                table.add_row(key, action, where)
            yield table
            yield Static("Escape closes this help. Ctrl+P opens the command palette.")

    def on_mount(self) -> None:
        self.query_one("#help-box").border_title = "Keys"

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)


PANE_KEYS: tuple[tuple[str, str, str], ...] = (
    ("tab / shift+tab", "Move to the next or previous pane", "everywhere"),
    ("up / down", "Move the cursor", "tables"),
    ("enter", "Expand or fold the error under the cursor", "error log"),
    ("f", "Show one provider's errors, then the next, then all", "error log"),
    ("k", "Show one kind of error, then the next, then all", "error log"),
    ("c", "Export the shown errors to a CSV file", "error log"),
    ("j", "Export the shown errors to a JSON file", "error log"),
    ("a", "Show or hide finished jobs", "fetch queue"),
    ("escape", "Clear and close the filter line", "filter line"),
    ("a", "Accept the suggested symbol, or undo that", "import preview"),
    ("x", "Skip the row, or import it again", "import preview"),
    ("ctrl+s", "Import the rows that are not skipped", "import preview"),
    ("ctrl+p", "Open the command palette", "everywhere"),
)
"""Keys that belong to one pane or to Textual, listed after the app's keys."""


def help_rows(bindings: Sequence[object]) -> list[tuple[str, str, str]]:
    """List the app's key bindings, then the pane keys, for the help screen."""
    rows = []
    for binding in bindings:
        if isinstance(binding, Binding):
            key = binding.key_display or binding.key
            key = key.replace("question_mark", "?").replace("slash", "/")
            rows.append((key, binding.tooltip or binding.description, _where(key)))
    return [*rows, *PANE_KEYS]


def _where(key: str) -> str:
    """Return where an app key acts: text fields keep every other key."""
    if key == "ctrl+q":
        return "everywhere"
    if key == "ctrl+c":
        return "outside text fields"
    return "panes"
