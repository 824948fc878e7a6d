"""`targetdesk import FILE --portfolio NAME [--dry-run]`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from domain.imports import (
    ImportFileError,
    ImportReport,
    Severity,
    read_import_file,
)
from domain.symbol_checks import SymbolFlag
from storage.importer import check_portfolio_name, write_import
from storage.store import Store
from tui.symbol_checks import check_report, print_incomplete

EXIT_OK = 0
EXIT_PARTIAL = 1
EXIT_USAGE = 2


def _read(path: Path, console: Console) -> ImportReport:
    if not console.is_terminal:
        return read_import_file(path)
    columns = (
        TextColumn("reading {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
    )
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task(path.name, total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        return read_import_file(path, on_progress=advance)


def print_report(report: ImportReport, console: Console) -> None:
    """Print every rejected row and warning, one line each, then the counts."""
    for issue in sorted(report.issues, key=lambda i: (i.line, i.severity)):
        label = "error" if issue.severity == Severity.ERROR else "warning"
        console.print(f"{label}: {issue}", markup=False, highlight=False)


def print_flags(path: Path, flags: list[SymbolFlag], console: Console) -> None:
    """Print one warning per symbol finding, with the suggested symbols."""
    for flag in flags:
        lines = ",".join(str(line) for line in flag.lines)
        suggested = (
            f" [suggested: {' '.join(flag.suggestions)}]" if flag.suggestions else ""
        )
        console.print(
            f"warning: {path.name}:{lines}: {flag.symbol} {flag.kind.value}: "
            f"{flag.message}{suggested}",
            markup=False,
            highlight=False,
        )


async def run(store: Store, args: argparse.Namespace) -> int:
    """Validate the whole file, then write the accepted rows in one transaction."""
    path = Path(args.file)
    try:
        args.portfolio = check_portfolio_name(args.portfolio)
    except ValueError as error:
        print(f"targetdesk: {error}", file=sys.stderr)
        return EXIT_USAGE
    out = Console(highlight=False, soft_wrap=True)
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    try:
        report = _read(path, err)
    except ImportFileError as error:
        err.print(f"targetdesk: {error.title}: {error.detail}", markup=False)
        return EXIT_USAGE
    print_report(report, out)
    incomplete: list[str] = []

    def check_incomplete(error: str) -> None:
        print_incomplete(error)
        incomplete.append(error)

    flags = await check_report(
        store, report, online=args.check, on_incomplete=check_incomplete
    )
    print_flags(path, flags, out)
    targets = report.target_prices()
    positions = [row.position for row in report.positions]
    rejected = len(report.rejected_lines)
    summary = (
        f"{path.name}: {report.kind.value}, {report.encoding}, "
        f"delimiter {report.delimiter!r}, header on line {report.header_line}; "
        f"{len(targets) + len(positions)} accepted, {rejected} rejected, "
        f"{len(report.warnings) + len(flags)} warnings"
    )
    if args.dry_run:
        out.print(summary + "; dry run, nothing written", markup=False)
    elif not targets and not positions:
        out.print(summary + "; nothing written", markup=False)
        print(
            f"targetdesk: every row of {path.name} was rejected; fix them and "
            "import again",
            file=sys.stderr,
        )
        return EXIT_PARTIAL
    else:
        written = await write_import(store, args.portfolio, targets, positions)
        counts = written.targets if targets else written.positions
        out.print(
            summary + f"; portfolio {args.portfolio!r}: {counts.inserted} added, "
            f"{counts.updated} updated, {counts.unchanged} unchanged",
            markup=False,
        )
    if rejected:
        print(
            f"targetdesk: {rejected} rows rejected; fix them and import again "
            "(accepted rows are kept)",
            file=sys.stderr,
        )
        return EXIT_PARTIAL
    if incomplete:
        print(
            "targetdesk: some symbols were not checked online; fix the cause "
            "above (network, key or plan) and run the import with --check again",
            file=sys.stderr,
        )
        return EXIT_PARTIAL
    return EXIT_OK
