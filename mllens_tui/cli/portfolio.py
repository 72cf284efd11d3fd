"""``mllens portfolio``: every workload at once, as text, Markdown, JSON or CSV."""

from __future__ import annotations

import argparse
import json
import sys

from mllens_tui.cli.base import EXIT_OK, EXIT_USAGE, CliError, _out, _store, lens_lookup


def cmd_portfolio(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from mllens_tui.portfolio import (
        Filter,
        build_portfolio,
        portfolio_csv,
        portfolio_json,
        portfolio_markdown,
        portfolio_text,
        sort_keys,
    )
    from mllens_tui.snapshot import utc
    from mllens_tui.store.portfolio import portfolio_rows

    if args.stale is not None and args.stale < 0:
        raise CliError(f"--stale {args.stale}: expected a number of days from 0", EXIT_USAGE)
    with _store(args) as store:
        records = store.portfolio()
    rows, columns = portfolio_rows(records, lens_lookup(args))
    keys = sort_keys(columns)
    sort = args.sort or "name"
    if sort not in keys and f"pillar:{sort}" in keys:
        sort = f"pillar:{sort}"
    if sort not in keys:
        raise CliError(
            f"--sort {args.sort!r}: expected one of "
            f"{', '.join(k.removeprefix('pillar:') for k in keys)}",
            EXIT_USAGE,
        )
    portfolio = build_portfolio(
        rows,
        columns,
        wanted=Filter(
            tag=args.tag, lens=args.lens_id, environment=args.environment, stale_days=args.stale
        ),
        now=utc(datetime.now(UTC)),
        sort=sort,
        descending=args.descending,
    )
    if args.format == "json":
        sys.stdout.write(json.dumps(portfolio_json(portfolio), indent=2, ensure_ascii=False) + "\n")
    elif args.format == "csv":
        sys.stdout.write(portfolio_csv(portfolio))
    elif args.format == "markdown":
        sys.stdout.write(portfolio_markdown(portfolio))
    else:
        _out(portfolio_text(portfolio))
    return EXIT_OK
