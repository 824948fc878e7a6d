"""Logging to a rotating file in the user log directory, never to the terminal."""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path

from storage.paths import log_dir

LOG_ENV = "TARGETDESK_LOG_DIR"


def log_file() -> Path:
    """Return the log file path; TARGETDESK_LOG_DIR overrides the directory."""
    directory = Path(os.environ.get(LOG_ENV) or log_dir())
    return directory / "targetdesk.log"


def configure_logging(level: int = logging.INFO) -> Path:
    """Send every log record to the log file through the key redactor.

    Handlers that write to the terminal are removed, so nothing is printed
    over the TUI. httpx and httpcore are held at WARNING because their INFO
    lines carry full request URLs.
    """
    from providers.redact import RedactingFilter

    path = log_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=2_000_000, backupCount=3, encoding="utf-8"
    )
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level)
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)
    logging.captureWarnings(True)
    return path
