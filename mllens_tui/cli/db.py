"""``mllens db copy``: move a whole database (the logic is in ``mllens_tui.store.copy``)."""

from __future__ import annotations

import argparse

from mllens_tui.cli.base import EXIT_OK, _out

# What each table holds, in the words of the rest of the command line.
NOUNS = {
    "workload": "workloads",
    "answer": "answers",
    "answer_change": "history entries",
    "milestone": "milestones",
    "milestone_answer": "milestone answers",
    "workload_tag": "tags",
    "plan_item": "plan owners",
    "change_counter": "change counter",
    "change_log": "change log entries",
    "workshop": "workshops",
    "ballot": "ballots",
    "workshop_question": "revealed or agreed workshop questions",
}


def cmd_db_copy(args: argparse.Namespace) -> int:
    """`mllens db copy --from URL --to URL`: copy every row into an empty database."""
    from mllens_tui.store.copy import copy_database

    result = copy_database(args.source, args.target)
    _out(f"Copied {result.source} to {result.target}:")
    for table, count in result.rows.items():
        _out(f"  {count:>7,} {NOUNS.get(table, table.replace('_', ' '))}")
    return EXIT_OK
