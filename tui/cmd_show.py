"""`targetdesk targets`, `summary` and `errors`."""

from __future__ import annotations

import argparse
import sys

from domain.events import utc_now
from domain.models import PriceSource
from domain.returns import PortfolioSummary
from domain.views import TARGET_JSON_KEYS, TargetView, target_view_json
from storage.market import list_errors
from storage.portfolios import portfolio_id
from storage.store import Store
from storage.views import load_summary, load_target_views
from tui.output import (
    MISSING,
    format_decimal,
    format_percent,
    print_table,
    table_console,
    to_csv,
    to_json,
)

EXIT_OK = 0
EXIT_USAGE = 2


def _source_text(view: TargetView) -> str:
    """Name the price's source in words; stale prices carry their age in sessions."""
    resolved = view.resolved
    if resolved.source is None:
        return "unresolved"
    names = {PriceSource.FRESH_CACHE: "cache", PriceSource.STALE_CACHE: "cache"}
    text = names.get(resolved.source, resolved.source.value)
    if resolved.stale and resolved.age_sessions is not None:
        text = f"stale {resolved.age_sessions}d {text}"
    return text


async def _check_portfolio(store: Store, name: str | None) -> bool:
    if name is None:
        return True
    async with store.sessions() as session:
        if await portfolio_id(session, name) is not None:
            return True
    print(
        f"targetdesk: portfolio {name!r} not found in {store.where}: "
        "import a file with --portfolio first",
        file=sys.stderr,
    )
    return False


async def targets(store: Store, args: argparse.Namespace) -> int:
    """Print targets with resolved price, source, as-of, stale flag and returns."""
    if not await _check_portfolio(store, args.portfolio):
        return EXIT_USAGE
    views = await load_target_views(store, args.portfolio, now=utc_now())
    records = [target_view_json(v) for v in views]
    if args.format == "json":
        print(to_json(records))
    elif args.format == "csv":
        sys.stdout.write(to_csv(TARGET_JSON_KEYS, records))
    else:
        rows = [
            [
                v.portfolio,
                v.target.symbol,
                v.target.position_type.value,
                format_decimal(v.resolved.price),
                _source_text(v),
                format_decimal(v.target.target_eoy),
                format_percent(v.returns.eoy),
                format_percent(v.returns.next_year),
                format_percent(v.returns.downside),
            ]
            for v in views
        ]
        columns = ["Portfolio", "Symbol", "Type", "Price", "Source", "EOY"]
        columns += ["EOY %", "Next %", "Down %"]
        if args.portfolio is not None:
            columns = columns[1:]
            rows = [row[1:] for row in rows]
        print_table(
            table_console(),
            columns,
            rows,
            right=["Price", "EOY", "EOY %", "Next %", "Down %"],
        )
    return EXIT_OK


def _summary_json(name: str, summary: PortfolioSummary) -> dict[str, object]:
    return {
        "portfolio": name,
        "positions": summary.positions,
        "positions_with_targets": summary.positions_with_targets,
        "coverage_pct": summary.coverage_pct,
        "targets": summary.targets,
        "market_value": summary.market_value,
        "weighted_return_eoy": summary.weighted_return_eoy,
        "weighted_return_next_year": summary.weighted_return_next_year,
        "weighted_downside_return": summary.weighted_downside,
    }


async def summary(store: Store, args: argparse.Namespace) -> int:
    """Print a portfolio's coverage and weighted expected returns."""
    if not await _check_portfolio(store, args.portfolio):
        return EXIT_USAGE
    result = await load_summary(store, args.portfolio, now=utc_now())
    if args.format == "json":
        print(to_json(_summary_json(args.portfolio, result)))
        return EXIT_OK
    coverage = MISSING if result.coverage_pct is None else f"{result.coverage_pct}%"
    rows = [
        ["Positions", str(result.positions)],
        ["Positions with targets", str(result.positions_with_targets)],
        ["Coverage", coverage],
        ["Targets", str(result.targets)],
        ["Market value", format_decimal(result.market_value)],
        ["Weighted return to EOY", format_percent(result.weighted_return_eoy)],
        ["Weighted return next year", format_percent(result.weighted_return_next_year)],
        ["Weighted downside", format_percent(result.weighted_downside)],
    ]
    print_table(
        table_console(),
        ["Portfolio " + args.portfolio, ""],
        rows,
        right=[""],
    )
    return EXIT_OK


async def errors(store: Store, args: argparse.Namespace) -> int:
    """Print the error log, newest first, grouped by cause."""
    async with store.sessions() as session:
        entries = await list_errors(session, provider=args.provider, kind=args.kind)
    records = [
        {
            "first_at": e.first_at.isoformat(),
            "last_at": e.last_at.isoformat(),
            "run_id": e.run_id,
            "provider": e.provider,
            "kind": e.kind,
            "count": e.count,
            "symbols": list(e.symbols),
            "message": e.message,
        }
        for e in entries
    ]
    if args.format == "json":
        print(to_json(records))
    elif args.format == "csv":
        flat = [
            {**r, "symbols": " ".join(e.symbols)}
            for r, e in zip(records, entries, strict=True)
        ]
        columns = ["first_at", "last_at", "run_id", "provider", "kind", "count"]
        sys.stdout.write(to_csv([*columns, "symbols", "message"], flat))
    else:
        rows = [
            [
                e.last_at.astimezone().strftime("%Y-%m-%d %H:%M:%S"),
                e.provider,
                e.kind,
                str(e.count),
                " ".join(e.symbols[:6]) + (" …" if len(e.symbols) > 6 else ""),
                e.message,
            ]
            for e in entries
        ]
        print_table(
            table_console(),
            ["Last seen", "Provider", "Kind", "Count", "Symbols", "Message"],
            rows,
            right=["Count"],
        )
    return EXIT_OK
