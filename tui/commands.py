"""Subcommand handlers that run without the TUI, for scripts and SSH sessions."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Awaitable, Callable

from rich.console import Console

from domain.errors import TargetdeskError
from domain.events import utc_now
from storage.db import resolve_database_url, sqlite_path
from storage.paths import DB_ENV
from storage.store import Store
from tui import cmd_show
from tui.cli import EXIT_OK

Handler = Callable[[Store, argparse.Namespace], Awaitable[int]]


async def _db_upgrade(store: Store, _args: argparse.Namespace) -> int:
    print(f"{store.where}: at revision {await store.revision()}")
    return EXIT_OK


async def _db_current(store: Store, _args: argparse.Namespace) -> int:
    revision = await store.revision()
    print(revision if revision is not None else "none (database not migrated)")
    return EXIT_OK


async def _import(store: Store, args: argparse.Namespace) -> int:
    from tui import cmd_import

    return await cmd_import.run(store, args)


async def _refresh(store: Store, args: argparse.Namespace) -> int:
    from tui import cmd_refresh

    return await cmd_refresh.run(store, args)


async def _doctor(store: Store, args: argparse.Namespace) -> int:
    from tui import cmd_doctor

    return await cmd_doctor.run(store, args)


READ_ONLY = frozenset({"targets", "summary", "errors", "db-current"})
"""Commands that only read, so a missing database file is an error, not created."""

HANDLERS: dict[str, Handler] = {
    "refresh": _refresh,
    "doctor": _doctor,
    "import": _import,
    "targets": cmd_show.targets,
    "summary": cmd_show.summary,
    "errors": cmd_show.errors,
    "db-upgrade": _db_upgrade,
    "db-current": _db_current,
}


async def run_async(handler: str, args: argparse.Namespace) -> int:
    """Open the database and run one subcommand on it."""
    url = resolve_database_url(args.db)
    path = sqlite_path(url)
    if path is not None and not path.exists():
        if handler in READ_ONLY:
            raise TargetdeskError(
                "Database not found",
                f"{path} does not exist: import a file first, or check --db "
                f"and ${DB_ENV}",
            )
        if handler == "import" and args.dry_run:
            # A dry run reads nothing stored, so it must not create the file.
            url = "sqlite+aiosqlite:///:memory:"
    store = await Store.open(url, upgrade=handler != "db-current")
    try:
        return await HANDLERS[handler](store, args)
    finally:
        await store.close()


def run_sandbox(args: argparse.Namespace) -> int:
    """Run the provider emulator on 127.0.0.1 until Ctrl-C."""
    from providers.emulator import serve

    serve(args.port)
    return EXIT_OK


def console() -> Console:
    """Return a console for stdout that colours only on a terminal."""
    return Console(highlight=False, soft_wrap=False)


def now() -> dt.datetime:
    """Return the current aware UTC time."""
    return utc_now()


def err(message: str) -> None:
    """Print a message on stderr."""
    print(message, file=sys.stderr)
