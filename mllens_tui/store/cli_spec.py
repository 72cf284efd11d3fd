"""The storage subcommands' arguments. Handlers are imported only when their command runs,
so building the ``mllens`` parser (and so every start of the app) stays cheap."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from mllens_tui.assessment import Confidence, NAReason

NA_REASONS = tuple(reason.value for reason in NAReason)
CONFIDENCES = tuple(confidence.value for confidence in Confidence)


def _lazy(name: str) -> Callable[[argparse.Namespace], int]:
    def handler(args: argparse.Namespace) -> int:
        from mllens_tui.store import commands

        result: int = getattr(commands, name)(args)
        return result

    handler.__name__ = name
    return handler


def register(sub: Any) -> None:
    """Add the storage commands to the ``mllens`` subparsers (no database code is imported)."""
    workload = sub.add_parser("workload", help="list, create, rename and delete workloads")
    actions = workload.add_subparsers(title="workload commands", metavar="ACTION", required=True)
    p = actions.add_parser("list", help="every workload with its progress")
    p.add_argument("--json", action="store_true", help="print the workloads as JSON")
    p.set_defaults(handler=_lazy("cmd_workload_list"))
    p = actions.add_parser(
        "create", help="a new workload, assessed against the active lens (see --lens)"
    )
    p.add_argument("name", help="workload name (unique)")
    p.add_argument("--description", default="", help="what the workload is")
    p.add_argument("--environment", default="", help="production, pre-production, development, ...")
    p.add_argument(
        "--target", type=int, default=3, metavar="N", help="default target level (default 3)"
    )
    p.add_argument(
        "--weight",
        action="append",
        metavar="PILLAR=W",
        help="weigh a pillar, e.g. --weight security=2 (repeatable; default 1)",
    )
    p.set_defaults(handler=_lazy("cmd_workload_create"))
    p = actions.add_parser("rename", help="rename a workload (its milestones keep their name)")
    p.add_argument("old", help="current name")
    p.add_argument("new", help="new name")
    p.set_defaults(handler=_lazy("cmd_workload_rename"))
    p = actions.add_parser(
        "delete", help="delete a workload with its answers, history and milestones"
    )
    p.add_argument("name", help="workload name")
    p.add_argument(
        "--yes", action="store_true", help="do not ask (needed when not run in a terminal)"
    )
    p.set_defaults(handler=_lazy("cmd_workload_delete"))

    p = sub.add_parser(
        "answer",
        help="answer one question of a workload (saved at once, with history)",
        description=(
            "Answer one question: a LEVEL, --na REASON, or --choices for choice questions. "
            "Target, notes, evidence and confidence are kept from the current answer unless "
            "given."
        ),
    )
    p.add_argument("workload", help="workload name")
    p.add_argument("question", help="question id, e.g. MLOE-01")
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("level", nargs="?", type=int, help="maturity level, e.g. 0 to 4")
    what.add_argument(
        "--na",
        choices=NA_REASONS,
        metavar="REASON",
        help=f"not applicable, because: {' | '.join(NA_REASONS)}",
    )
    what.add_argument("--choices", metavar="A,B", help="the selected choice ids, comma separated")
    p.add_argument("--target", type=int, metavar="N", help="target level for this question")
    p.add_argument("--notes", help="notes (replaces the current notes)")
    p.add_argument("--evidence", help="where the evidence is (links, documents)")
    p.add_argument("--confidence", choices=CONFIDENCES, help="how well the answer is backed")
    p.add_argument("--by", metavar="NAME", help="who gives this answer")
    p.set_defaults(handler=_lazy("cmd_answer"))

    p = sub.add_parser("export", help="write a workload (or a milestone) as a snapshot file")
    p.add_argument("workload", help="workload name")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE (default: stdout)")
    p.add_argument("--milestone", metavar="NAME", help="export this milestone instead")
    p.set_defaults(handler=_lazy("cmd_export"))

    p = sub.add_parser(
        "import", help="create or update a workload from a snapshot file, or add a milestone"
    )
    p.add_argument("file", help="snapshot .toml file")
    p.add_argument(
        "--workload", metavar="NAME", help="import into this workload (default: the file's)"
    )
    p.add_argument(
        "--as-milestone",
        action="store_true",
        help="store the snapshot as a milestone of the workload, leaving its answers alone",
    )
    p.set_defaults(handler=_lazy("cmd_import"))

    p = sub.add_parser(
        "report",
        help="a report of a workload: charts in the terminal, Markdown or JSON",
        description="Report a workload (or one milestone): text with charts for a terminal, "
        "Markdown for stakeholders, or JSON (the scores plus the history series).",
    )
    p.add_argument("workload", help="workload name")
    p.add_argument("--milestone", metavar="NAME", help="report this milestone")
    p.add_argument("--format", choices=["text", "markdown", "json"], default="text")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    p.add_argument("--width", type=int, help="chart width (default: the terminal's)")
    p.set_defaults(handler=_lazy("cmd_report"))
    p = sub.add_parser("demo", help="create a demo workload with three reviews to explore")
    p.add_argument("--name", default="Fraud scoring (demo)", help="name of the demo workload")
    p.set_defaults(handler=_lazy("cmd_demo"))

    milestone = sub.add_parser("milestone", help="save, list and show milestones")
    actions = milestone.add_subparsers(title="milestone commands", metavar="ACTION", required=True)
    p = actions.add_parser("create", help="freeze the current answers under a name")
    p.add_argument("workload", help="workload name")
    p.add_argument("name", help="milestone name, e.g. 2026-Q4 review")
    p.set_defaults(handler=_lazy("cmd_milestone_create"))
    p = actions.add_parser("list", help="the milestones of a workload, oldest first")
    p.add_argument("workload", help="workload name")
    p.add_argument("--json", action="store_true", help="print the milestones as JSON")
    p.set_defaults(handler=_lazy("cmd_milestone_list"))
    p = actions.add_parser("show", help="the scores of one milestone")
    p.add_argument("workload", help="workload name")
    p.add_argument("name", help="milestone name")
    p.add_argument("--json", action="store_true", help="print the milestone's scores as JSON")
    p.set_defaults(handler=_lazy("cmd_milestone_show"))

    p = sub.add_parser(
        "history",
        help="score over time (milestones and answer changes), or one question's changes",
    )
    p.add_argument("workload", help="workload name")
    p.add_argument("question", nargs="?", help="show every change to this question instead")
    p.add_argument("--json", action="store_true", help="print the history as JSON")
    p.set_defaults(handler=_lazy("cmd_history"))

    # -- doctor (self-contained: handler commands.cmd_doctor, logic store/doctor.py) --
    p = sub.add_parser(
        "doctor",
        help="check the database fully; copy what is readable out of a damaged one",
        description="Run SQLite's full integrity check on the database (read-only) and show "
        "its file, mode, schema version and latest backup. Exit 0 when whole, 3 when damaged.",
    )
    p.add_argument(
        "--recover",
        metavar="NEW_FILE",
        help="copy every readable row into NEW_FILE (must not exist; the database is only read)",
    )
    p.set_defaults(handler=_lazy("cmd_doctor"))
