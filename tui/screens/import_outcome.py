"""Results the import dialog sends to the app, defined apart from the CSV reader.

The app imports these names at start-up. The dialog itself, with the CSV
reader and the symbol checks, loads only when the user opens it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from domain.csvfile.report import ImportFileError, RowIssue
    from domain.events import ImportFinished

ISSUE_KINDS = {"error": "rejected_row", "warning": "row_warning"}
"""Error-log kind of each issue severity, keyed by `Severity` value."""


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    """Result of a confirmed import: the rows it wrote and the issues it logged.

    The dialog returns this on confirm only. The issues are in the database's
    error log under `run`, so the app adds them to its own log as well.
    """

    finished: ImportFinished
    issues: tuple[RowIssue, ...]
    run: str


class FileRejected(Message):
    """A file could not be imported at all."""

    def __init__(self, path: str, error: ImportFileError) -> None:
        super().__init__()
        self.path = path
        self.error = error


def issue_message(column: str | None, reason: str) -> str:
    """Return the error-log message of an import issue."""
    return reason if column is None else f"{column}: {reason}"
