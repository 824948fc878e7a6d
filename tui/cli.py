"""The `targetdesk` command line: the TUI by default, and scriptable subcommands."""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import os
import sys
from collections.abc import Sequence

from domain.errors import TargetdeskError
from storage.paths import DB_ENV

EXIT_OK = 0
EXIT_PARTIAL = 1
EXIT_USAGE = 2
EXIT_BROKEN_PIPE = 141
"""128 + SIGPIPE, the status a shell reports for a writer whose reader left."""


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser for every subcommand."""
    parser = argparse.ArgumentParser(
        prog="targetdesk",
        description="Price targets for a stock portfolio, with live prices.",
    )
    parser.add_argument(
        "--db",
        metavar="URL",
        help=f"database URL or SQLite file path (default: ${DB_ENV}, then a file "
        "in the user data directory)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = commands.add_parser(
        "demo", help="open the TUI on a sample portfolio against the local emulator"
    )
    demo.set_defaults(handler="demo")

    imp = commands.add_parser(
        "import", help="import target prices or positions from a CSV file"
    )
    imp.add_argument("file", help="CSV file of target prices or positions")
    imp.add_argument("--portfolio", required=True, help="portfolio to import into")
    imp.add_argument(
        "--dry-run", action="store_true", help="check the file and write nothing"
    )
    imp.add_argument(
        "--check",
        action="store_true",
        help="also check symbols against Polygon reference data (uses the network: "
        "about one request, plus two per unknown symbol)",
    )
    imp.set_defaults(handler="import")

    refresh = commands.add_parser("refresh", help="resolve a price for every symbol")
    refresh.add_argument("--portfolio", help="only this portfolio's symbols")
    refresh.set_defaults(handler="refresh")

    targets = commands.add_parser("targets", help="print target prices and returns")
    targets.add_argument("--portfolio", help="only this portfolio")
    targets.add_argument("--format", choices=["table", "csv", "json"], default="table")
    targets.set_defaults(handler="targets")

    summary = commands.add_parser("summary", help="print a portfolio summary")
    summary.add_argument("--portfolio", required=True)
    summary.add_argument("--format", choices=["table", "json"], default="table")
    summary.set_defaults(handler="summary")

    errors = commands.add_parser("errors", help="print the error log")
    errors.add_argument("--format", choices=["table", "json", "csv"], default="table")
    errors.add_argument("--provider", help="only errors from this provider")
    errors.add_argument("--kind", help="only errors of this kind")
    errors.set_defaults(handler="errors")

    doctor = commands.add_parser(
        "doctor", help="check keys, providers, database and cache"
    )
    doctor.set_defaults(handler="doctor")

    db = commands.add_parser("db", help="schema migrations")
    db_commands = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    db_commands.add_parser("upgrade", help="apply pending migrations").set_defaults(
        handler="db-upgrade"
    )
    db_commands.add_parser("current", help="print the schema revision").set_defaults(
        handler="db-current"
    )

    sandbox = commands.add_parser(
        "sandbox", help="run the provider emulator on 127.0.0.1"
    )
    sandbox.add_argument("--port", type=int, default=8765)
    sandbox.set_defaults(handler="sandbox")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run targetdesk and return its exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None) or "app"
    from tui.logs import configure_logging

    try:
        configure_logging()
        if handler in ("app", "demo"):
            # The app path imports no database code before its first frame.
            # Start-up allocates objects that live for the whole run, and
            # the cyclic collector rescanned them without freeing any: 50 of
            # the 390 ms to the first frame. The app enables it again once
            # the first portfolio has loaded.
            gc.disable()
            from tui.launch import run_app

            return asyncio.run(run_app(args, demo=handler == "demo"))
        from tui import commands

        if handler == "sandbox":
            return commands.run_sandbox(args)
        return asyncio.run(commands.run_async(handler, args))
    except TargetdeskError as error:
        print(f"targetdesk: {error.title}: {error.detail}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("targetdesk: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader closed the pipe early, as `head` does. Point stdout at
        # /dev/null so that the flush at exit does not fail a second time.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except Exception as error:
        from sqlalchemy.exc import DatabaseError

        if isinstance(error, DatabaseError):
            print(
                f"targetdesk: cannot use the database {args.db or '(default)'}: "
                f"{error.orig or error}; check --db or {DB_ENV}",
                file=sys.stderr,
            )
            return EXIT_USAGE
        return _report_crash(error)


def _report_crash(error: Exception) -> int:
    """Log an unexpected error with its traceback; print one redacted line."""
    from providers.redact import redact_text
    from tui.logs import log_file

    logging.getLogger("targetdesk").exception("unexpected error")
    text = redact_text(f"{type(error).__name__}: {error}", _secrets())
    print(
        f"targetdesk: unexpected error: {text}; the traceback is in {log_file()}",
        file=sys.stderr,
    )
    return EXIT_PARTIAL


def _secrets() -> list[str]:
    names = ("FMP_API_KEY", "POLYGON_API_KEY")
    return [value for name in names if (value := os.environ.get(name))]


if __name__ == "__main__":
    sys.exit(main())
