"""File locations of targetdesk on each platform, from platformdirs."""

from __future__ import annotations

from pathlib import Path

APP_NAME = "targetdesk"
DB_ENV = "TARGETDESK_DB"


def data_dir() -> Path:
    """Return the user data directory, such as ~/.local/share/targetdesk."""
    # Imported on use: every command imports this module, few need a path.
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def log_dir() -> Path:
    """Return the user log directory, such as ~/.local/state/targetdesk/log."""
    import platformdirs

    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def default_database_path() -> Path:
    """Return the SQLite file used when neither --db nor TARGETDESK_DB is set."""
    return data_dir() / "targetdesk.sqlite3"
