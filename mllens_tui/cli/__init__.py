"""The ``mllens`` command line: thin argparse subcommands that call the core and the store.

This module is the entry point: the parser of every command, and ``main``. Each command's
handler lives in the module of its group (``lens``, ``score``, ``workload``, ``export``,
``milestone``, ``report``, ``open``, ``portfolio``, ``workshop``), shared plumbing in ``base``.

Imports are lazy: ``mllens --help`` must not pay for Textual, SQLAlchemy or plotext.

Exit codes: 0 success; 1 invalid input (a lens, snapshot or name that is wrong or unknown);
2 usage error; 3 storage failure (database locked, corrupt, newer schema, disk full,
read-only); 4 policy broken (`mllens check`); 130 interrupted.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from mllens_tui import __version__
from mllens_tui.assessment import Confidence, NAReason
from mllens_tui.cli.base import (
    EXIT_INTERRUPTED,
    EXIT_INVALID,
    EXIT_OK,
    EXIT_USAGE,
    CliError,
    Handler,
    _err,
)

__all__ = ["build_parser", "main"]

NA_REASONS = tuple(reason.value for reason in NAReason)
CONFIDENCES = tuple(confidence.value for confidence in Confidence)


def _lazy(module: str, name: str) -> Handler:
    """The handler ``name`` of ``mllens_tui.cli.<module>``, imported only when its command runs,
    so building the parser (and so every start of the app) stays cheap."""

    def handler(args: argparse.Namespace) -> int:
        commands = importlib.import_module(f"mllens_tui.cli.{module}")
        result: int = getattr(commands, name)(args)
        return result

    handler.__name__ = name
    return handler


# -- parser -----------------------------------------------------------------------------------


def _global_parser() -> argparse.ArgumentParser:
    """The options before any command; with no command, they open the app."""
    parser = argparse.ArgumentParser(
        prog="mllens",
        description=(
            "Assess an ML workload against the AWS Well-Architected Machine Learning Lens. "
            "With no command, opens the app."
        ),
        epilog="Exit codes: 0 ok, 1 invalid input, 2 usage, 3 storage failure, "
        "4 policy broken (mllens check).",
    )
    parser.add_argument("--version", action="version", version=f"mllens-tui {__version__}")
    parser.add_argument("--db", metavar="URL", help="database URL (env MLLENS_DB)")
    parser.add_argument("--data-dir", metavar="DIR", help="data directory (env MLLENS_DATA_DIR)")
    parser.add_argument(
        "--lens", metavar="PATH|ID", help="lens file, folder or installed id (env MLLENS_LENS)"
    )
    parser.set_defaults(handler=_lazy("open", "cmd_open"))
    return parser


def build_parser() -> argparse.ArgumentParser:
    parser = _global_parser()
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    p = sub.add_parser("open", help="open the app, optionally at a workload and question")
    p.add_argument("workload", nargs="?", help="workload name")
    p.add_argument("--question", metavar="ID", help="open at this question")
    p.add_argument(
        "--ask-name", action="store_true", help="ask who is answering before anything else"
    )
    p.set_defaults(handler=_lazy("open", "cmd_open"))

    p = sub.add_parser(
        "serve",
        help="serve the app to browsers, e.g. a workshop room (needs mllens-tui[serve])",
        description="Serve the app over HTTP with textual-serve: every browser tab runs its "
        "own app on this machine's database and asks its participant's name first. Listens "
        "on loopback (this machine only) unless --host says otherwise; beyond loopback, every "
        "request needs the join code printed at start, and one without it gets 403.",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default loopback)")
    p.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    p.add_argument(
        "--join-code",
        action="store_true",
        help="ask for the join code on loopback too (a machine other users log in to)",
    )
    p.set_defaults(handler=_lazy("serve", "cmd_serve"))

    lens = sub.add_parser("lens", help="validate, show, list and import lenses")
    lens_sub = lens.add_subparsers(title="lens commands", metavar="ACTION", required=True)
    p = lens_sub.add_parser("validate", help="check a lens file or folder; exit 1 if invalid")
    p.add_argument("path", nargs="?", help="lens file, folder or id (default: the active lens)")
    p.add_argument(
        "--format",
        choices=["aws"],
        help="aws: check a custom lens .json against every limit of the AWS lens format",
    )
    p.set_defaults(handler=_lazy("lens", "cmd_lens_validate"))
    p = lens_sub.add_parser("show", help="the pillar x phase table of a lens")
    p.add_argument("path", nargs="?", help="lens file, folder or id (default: the active lens)")
    p.add_argument("--json", action="store_true", help="print the lens as JSON")
    p.add_argument(
        "--edition",
        choices=("2023", "2025"),
        default="2023",
        help="arrange by the 2023 ids and phases (default) or the 2025 ones, with every question",
    )
    p.set_defaults(handler=_lazy("lens", "cmd_lens_show"))
    p = lens_sub.add_parser("list", help="the built-in lens and the lenses you added")
    p.set_defaults(handler=_lazy("lens", "cmd_lens_list"))
    p = lens_sub.add_parser(
        "import", help="add a lens (TOML, or an AWS custom lens .json) to your lenses"
    )
    p.add_argument("file", help="lens .toml file or folder, or AWS custom lens .json")
    p.add_argument("--id", help="the id to install it under (default: from its name)")
    p.add_argument("--force", action="store_true", help="replace a lens with the same id")
    p.set_defaults(handler=_lazy("lens", "cmd_lens_import"))
    p = lens_sub.add_parser(
        "export",
        help="write a lens as an AWS custom lens (.json) that the AWS tool accepts",
        description="Write any installed lens as an AWS Well-Architected custom lens, checked "
        "against every limit of the lens format. A lens scored by levels (the built-in ML "
        "Lens) is grouped: one question per pillar and phase, each practice a choice, plus "
        "'None of these'; a practice at level 3 or above counts as chosen.",
    )
    p.add_argument(
        "lens_spec",
        nargs="?",
        metavar="LENS",
        help="lens file, folder or id (default: the active lens)",
    )
    p.add_argument("--format", choices=["aws"], default="aws", help="aws (the only format)")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE.json (default: stdout)")
    p.set_defaults(handler=_lazy("aws", "cmd_lens_export"))

    p = sub.add_parser(
        "score",
        help="score a snapshot: overall, floor, pillars, phases, plan",
        description="Score a snapshot file, or a stored workload (--workload NAME), or one of "
        "its milestones (--workload NAME --milestone NAME).",
    )
    p.add_argument("file", nargs="?", help="snapshot .toml file")
    p.add_argument("--workload", metavar="NAME", help="score a stored workload instead of a file")
    p.add_argument("--milestone", metavar="NAME", help="score this milestone of --workload")
    p.add_argument("--json", action="store_true", help="print the scores as JSON")
    p.add_argument("--equal-weights", action="store_true", help="weigh every question and pillar 1")
    p.set_defaults(handler=_lazy("score", "cmd_score"))
    p = sub.add_parser(
        "compare",
        help="compare two snapshots: deltas and changed questions",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Compare two states, A (earlier) and B (later): snapshot files, or the "
        "milestones and current answers of a stored workload.",
        epilog="""\
A and B are taken in this order: the files given, then each --milestone of
--workload, then the workload's current answers.

  mllens compare a.toml b.toml                        two files
  mllens compare --workload W --milestone M1 --milestone M2
                                                      two milestones of W
  mllens compare --workload W --milestone M1          M1 against W's current answers
  mllens compare --workload W                         W's latest milestone against
                                                      its current answers
  mllens compare a.toml --workload W [--milestone M]  a file against W (or its M)
  mllens compare --workload A --workload B            two workloads' current answers
  mllens compare --workload A --workload B --milestone M1 [--milestone M2]
                                                      A at M1 against B (at M2)

Two workloads on different lenses are compared on the questions they share.
""",
    )
    p.add_argument("a", nargs="?", help="the earlier snapshot .toml")
    p.add_argument("b", nargs="?", help="the later snapshot .toml")
    p.add_argument(
        "--workload",
        metavar="NAME",
        action="append",
        help="a stored workload (see below); twice to compare two workloads",
    )
    p.add_argument(
        "--milestone",
        metavar="NAME",
        action="append",
        help="a milestone of --workload; repeat for a second one",
    )
    p.add_argument("--json", action="store_true", help="print the comparison as JSON")
    p.set_defaults(handler=_lazy("score", "cmd_compare"))
    snap = sub.add_parser("snapshot", help="check snapshot files")
    snap_sub = snap.add_subparsers(title="snapshot commands", metavar="ACTION", required=True)
    p = snap_sub.add_parser(
        "validate", help="check a snapshot without scoring it; exit 1 if invalid"
    )
    p.add_argument("file", help="snapshot .toml file")
    p.set_defaults(handler=_lazy("score", "cmd_snapshot_validate"))

    for register in _EXTRA_COMMANDS:
        register(sub)
    return parser


def _storage_commands(sub: Any) -> None:
    """Add the storage commands to the ``mllens`` subparsers (no database code is imported)."""
    workload = sub.add_parser("workload", help="list, create, rename and delete workloads")
    actions = workload.add_subparsers(title="workload commands", metavar="ACTION", required=True)
    p = actions.add_parser("list", help="every workload with its progress")
    p.add_argument("--json", action="store_true", help="print the workloads as JSON")
    p.set_defaults(handler=_lazy("workload", "cmd_workload_list"))
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
    p.set_defaults(handler=_lazy("workload", "cmd_workload_create"))
    p = actions.add_parser("tag", help="tag a workload (team, product, ...), for the portfolio")
    p.add_argument("name", help="workload name")
    p.add_argument("tags", nargs="+", metavar="TAG", help="tags to add (case does not matter)")
    p.set_defaults(handler=_lazy("workload", "cmd_workload_tag"))
    p = actions.add_parser("untag", help="remove tags from a workload")
    p.add_argument("name", help="workload name")
    p.add_argument("tags", nargs="+", metavar="TAG", help="tags to remove")
    p.set_defaults(handler=_lazy("workload", "cmd_workload_untag"))
    p = actions.add_parser("rename", help="rename a workload (its milestones keep their name)")
    p.add_argument("old", help="current name")
    p.add_argument("new", help="new name")
    p.set_defaults(handler=_lazy("workload", "cmd_workload_rename"))
    p = actions.add_parser(
        "delete",
        help="move a workload with its answers, history and milestones to the trash (30 days)",
    )
    p.add_argument("name", help="workload name")
    p.add_argument(
        "--yes", action="store_true", help="do not ask (needed when not run in a terminal)"
    )
    p.set_defaults(handler=_lazy("workload", "cmd_workload_delete"))
    p = actions.add_parser(
        "trash", help="the deleted workloads, purged 30 days after deletion; --empty purges now"
    )
    p.add_argument("--json", action="store_true", help="print the trash as JSON")
    p.add_argument(
        "--empty", action="store_true", help="delete every trashed workload for good, now"
    )
    p.set_defaults(handler=_lazy("workload", "cmd_workload_trash"))
    p = actions.add_parser(
        "restore", help="bring a deleted workload back from the trash with everything"
    )
    p.add_argument("name", help="the name it had when deleted")
    p.add_argument(
        "--as", dest="as_name", metavar="NEW_NAME", help="restore under this name instead"
    )
    p.set_defaults(handler=_lazy("workload", "cmd_workload_restore"))

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
    p.add_argument(
        "--expect-revision",
        type=int,
        metavar="N",
        help="write only if the question is still at revision N (see: mllens answer output, "
        "mllens history W Q); exit 1 and change nothing when someone changed it since",
    )
    p.set_defaults(handler=_lazy("workload", "cmd_answer"))

    p = sub.add_parser("export", help="write a workload (or a milestone) as a snapshot file")
    p.add_argument("workload", help="workload name")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE (default: stdout)")
    p.add_argument("--milestone", metavar="NAME", help="export this milestone instead")
    p.set_defaults(handler=_lazy("export", "cmd_export"))

    p = sub.add_parser(
        "import",
        help="create or update workloads from snapshot files, or add a milestone",
        description="Import snapshot files, each in its own transaction: a file is imported "
        "whole or not at all. With several files, a line per file says what happened, and "
        "the exit code is 1 if any was refused.",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="snapshot .toml files")
    p.add_argument(
        "--workload", metavar="NAME", help="import into this workload (default: the file's)"
    )
    p.add_argument(
        "--as-milestone",
        action="store_true",
        help="store the snapshot as a milestone of the workload, leaving its answers alone",
    )
    p.set_defaults(handler=_lazy("export", "cmd_import"))

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
    p.set_defaults(handler=_lazy("report", "cmd_report"))
    p = sub.add_parser(
        "portfolio",
        help="every workload at once: pillar scores, floor, high risks, last assessed",
        description="The portfolio: a row per workload, a column per pillar (score and level "
        "symbol ○◔◑◕●), overall, change since the latest milestone, high risks, floor pillar, "
        "completeness, last assessed; then the mean, worst workload and spread of each "
        "pillar. A pillar below 50%% in most workloads is flagged as a shared problem.",
    )
    p.add_argument("--tag", metavar="T", help="only workloads with this tag")
    p.add_argument(
        "--lens", dest="lens_id", metavar="ID", help="only workloads assessed against this lens"
    )
    p.add_argument("--environment", metavar="ENV", help="only workloads in this environment")
    p.add_argument(
        "--stale", type=int, metavar="DAYS", help="only workloads not assessed in DAYS days"
    )
    p.add_argument(
        "--sort",
        metavar="COLUMN",
        help="name (default), overall, change, high, floor, completeness, last, or a pillar id",
    )
    p.add_argument("--descending", action="store_true", help="sort from the highest")
    p.add_argument("--format", choices=["text", "markdown", "json", "csv"], default="text")
    p.set_defaults(handler=_lazy("portfolio", "cmd_portfolio"))
    p = sub.add_parser("demo", help="create a demo workload with three reviews to explore")
    p.add_argument("--name", default="Fraud scoring (demo)", help="name of the demo workload")
    p.set_defaults(handler=_lazy("workload", "cmd_demo"))

    milestone = sub.add_parser("milestone", help="save, list and show milestones")
    actions = milestone.add_subparsers(title="milestone commands", metavar="ACTION", required=True)
    p = actions.add_parser("create", help="freeze the current answers under a name")
    p.add_argument("workload", help="workload name")
    p.add_argument("name", help="milestone name, e.g. 2026-Q4 review")
    p.set_defaults(handler=_lazy("milestone", "cmd_milestone_create"))
    p = actions.add_parser("list", help="the milestones of a workload, oldest first")
    p.add_argument("workload", help="workload name")
    p.add_argument("--json", action="store_true", help="print the milestones as JSON")
    p.set_defaults(handler=_lazy("milestone", "cmd_milestone_list"))
    p = actions.add_parser("show", help="the scores of one milestone")
    p.add_argument("workload", help="workload name")
    p.add_argument("name", help="milestone name")
    p.add_argument("--json", action="store_true", help="print the milestone's scores as JSON")
    p.set_defaults(handler=_lazy("milestone", "cmd_milestone_show"))

    p = sub.add_parser(
        "history",
        help="score over time (milestones and answer changes), or one question's changes",
    )
    p.add_argument("workload", help="workload name")
    p.add_argument("question", nargs="?", help="show every change to this question instead")
    p.add_argument("--json", action="store_true", help="print the history as JSON")
    p.set_defaults(handler=_lazy("milestone", "cmd_history"))

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
    p.set_defaults(handler=_lazy("doctor", "cmd_doctor"))

    db = sub.add_parser("db", help="move a whole database, e.g. onto a team's PostgreSQL server")
    actions = db.add_subparsers(title="db commands", metavar="ACTION", required=True)
    p = actions.add_parser(
        "copy",
        help="copy every workload, answer, history entry and milestone into an empty database",
        description="Copy everything in the database at --from into the empty database at "
        "--to (created when missing), keeping every id, in one transaction; the source is "
        "only read. E.g. mllens db copy --from sqlite:////path/mllens.db --to "
        "postgresql+psycopg://ann@db.example/mllens",
    )
    p.add_argument("--from", dest="source", metavar="URL", required=True, help="database URL")
    p.add_argument("--to", dest="target", metavar="URL", required=True, help="database URL")
    p.set_defaults(handler=_lazy("db", "cmd_db_copy"))


def _workshop_commands(sub: Any) -> None:
    """Add ``mllens workshop ...`` and ``mllens present``."""
    workshop = sub.add_parser(
        "workshop",
        help="run a workshop: private ballots, reveal, agreed answers, merge offline snapshots",
    )
    actions = workshop.add_subparsers(title="workshop commands", metavar="ACTION", required=True)
    by_help = "who acts (default: MLLENS_USER, else your login name)"
    p = actions.add_parser("start", help="start a workshop on a workload")
    p.add_argument("workload", help="workload name")
    p.add_argument("--by", metavar="NAME", help=by_help)
    p.set_defaults(handler=_lazy("workshop", "cmd_workshop_start"))
    p = actions.add_parser(
        "vote", help="cast your own ballot on a question (hidden until revealed)"
    )
    p.add_argument("workload", help="workload name")
    p.add_argument("question", help="question id")
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("level", nargs="?", type=int, help="the level you would give")
    what.add_argument("--na", choices=NA_REASONS, metavar="REASON", help="not applicable")
    p.add_argument("--notes", help="why, in a few words")
    p.add_argument("--by", metavar="NAME", help=by_help)
    p.set_defaults(handler=_lazy("workshop", "cmd_workshop_vote"))
    p = actions.add_parser(
        "status", help="participation, open questions, widest spreads, time per pillar"
    )
    p.add_argument("workload", help="workload name")
    p.add_argument("--by", metavar="NAME", help="whose own hidden ballots to show")
    p.add_argument("--json", action="store_true", help="print the status as JSON")
    p.set_defaults(handler=_lazy("workshop", "cmd_workshop_status"))
    p = actions.add_parser(
        "reveal", help="show every ballot of these questions (default: all with ballots)"
    )
    p.add_argument("workload", help="workload name")
    p.add_argument("questions", nargs="*", metavar="QUESTION", help="question ids")
    p.add_argument("--by", metavar="NAME", help=by_help)
    p.set_defaults(handler=_lazy("workshop", "cmd_workshop_reveal"))
    p = actions.add_parser("agree", help="record the group's answer to a question")
    p.add_argument("workload", help="workload name")
    p.add_argument("question", help="question id")
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("level", nargs="?", type=int, help="the agreed level")
    what.add_argument("--na", choices=NA_REASONS, metavar="REASON", help="not applicable")
    p.add_argument("--notes", help="what the discussion concluded (replaces the notes)")
    p.add_argument("--target", type=int, metavar="N", help="target level for this question")
    p.add_argument("--evidence", help="where the evidence is")
    p.add_argument("--confidence", choices=CONFIDENCES, help="how well the answer is backed")
    p.add_argument("--expect-revision", type=int, metavar="N", help="as for mllens answer")
    p.add_argument("--by", metavar="NAME", help=by_help)
    p.set_defaults(handler=_lazy("workshop", "cmd_workshop_agree"))
    p = actions.add_parser("close", help="end the workshop (ballots stay on record)")
    p.add_argument("workload", help="workload name")
    p.add_argument("--by", metavar="NAME", help=by_help)
    p.set_defaults(handler=_lazy("workshop", "cmd_workshop_close"))
    p = actions.add_parser(
        "merge",
        help="merge participants' snapshot files into a workload; conflicts are reported",
        description="Merge snapshots answered offline into workload W. Without --as-ballots "
        "a question is answered where every snapshot that answers it agrees and left as it "
        "is where they differ; with --as-ballots every answer becomes its author's ballot in "
        "the running workshop (started if none runs). Conflicts are listed, never averaged.",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="snapshot .toml files")
    p.add_argument("--into", required=True, metavar="W", help="the workload to merge into")
    p.add_argument("--as-ballots", action="store_true", help="merge as ballots to reveal")
    p.add_argument("--by", metavar="NAME", help=by_help)
    p.set_defaults(handler=_lazy("workshop", "cmd_workshop_merge"))

    p = sub.add_parser("present", help="open a workload in presentation mode, for a projector")
    p.add_argument("workload", help="workload name")
    p.add_argument("--question", metavar="ID", help="start at this question")
    p.set_defaults(handler=_lazy("open", "cmd_present"))


# Later modules add their subcommands here (scoring, storage, reports) to keep this file flat.
_AWS_LEVEL_NOTE = (
    "For a lens scored by levels, such as the built-in ML Lens, a practice at level 3 "
    "(Defined) or above counts as its choice selected; a question whose answered practices "
    "are all below level 3 selects 'None of these'."
)


def _aws_commands(sub: Any) -> None:
    """Reviews to and from the AWS Well-Architected Tool (the lens export is with `lens`)."""
    p = sub.add_parser(
        "import-aws-review",
        help="read answers from the AWS Well-Architected Tool (list-answers / get-answer output)",
        description="Read what 'aws wellarchitected list-answers' or 'get-answer' printed for a "
        "review of an installed custom lens: selected choices, N/A with its reason, notes and "
        "AWS's risk. Creates or updates the workload, saves the import as a milestone, and "
        "lists every question whose AWS risk differs from the risk this tool's rules give. "
        "'None of these' combined with other choices is reported; the last chosen is kept.",
    )
    p.add_argument("file", metavar="ANSWERS.json", help="the AWS CLI output, saved as JSON")
    p.add_argument(
        "--workload", metavar="NAME", help="workload to create or update (default: from WorkloadId)"
    )
    p.set_defaults(handler=_lazy("aws", "cmd_import_aws_review"))

    p = sub.add_parser(
        "export-aws-review",
        help="write update-answer inputs that put a workload's answers into the AWS tool",
        description="Write, for each answered question, the input of 'aws wellarchitected "
        "update-answer': as JSON (an array; each element is one --cli-input-json) or as a "
        "shell script that runs those commands. Nothing is sent anywhere. " + _AWS_LEVEL_NOTE,
    )
    p.add_argument("workload", help="workload name")
    p.add_argument("-o", "--output", metavar="FILE", required=True, help="FILE.json or FILE.sh")
    p.add_argument(
        "--format", choices=["json", "sh"], help="json or sh (default: from the file's suffix)"
    )
    p.add_argument("--workload-id", metavar="ID", help="the workload's id in the AWS tool")
    p.add_argument(
        "--lens-alias",
        metavar="ARN",
        help="the custom lens's ARN in the AWS tool (the script also reads $LENS_ALIAS)",
    )
    p.set_defaults(handler=_lazy("aws", "cmd_export_aws_review"))


def _policy_commands(sub: Any) -> None:
    from mllens_tui.cli.policy import register

    register(sub)


def _plan_commands(sub: Any) -> None:
    from mllens_tui.cli.plan import register

    register(sub)


_EXTRA_COMMANDS: list[Callable[[Any], None]] = [
    _storage_commands,
    _aws_commands,
    _policy_commands,
    _plan_commands,
    _workshop_commands,
]


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    for arg in argv:
        # Python hands over bytes that are not UTF-8 as lone surrogates; SQLite, files and the
        # terminal cannot take them, so refuse them here rather than fail deep inside.
        if not arg.isascii() and any(0xD800 <= ord(c) <= 0xDFFF for c in arg):
            _err(f"mllens: argument {arg!r} is not valid UTF-8")
            return EXIT_USAGE
    # Plain `mllens` opens the app: the thirty subcommands' parsers are not built for it
    # (20 to 40 ms of every start of the app).
    args = (_global_parser() if not argv else build_parser()).parse_args(argv)
    if args.data_dir:
        os.environ["MLLENS_DATA_DIR"] = args.data_dir
    from mllens_tui.problems import InputError
    from mllens_tui.store.errors import StoreError

    try:
        return int(args.handler(args))
    except InputError as exc:
        _err(f"mllens: {exc.report()}")
        return EXIT_INVALID
    except StoreError as exc:
        _err(f"mllens: {exc.message}")
        return exc.exit_code
    except CliError as exc:
        _err(f"mllens: {exc}")
        return exc.code
    except KeyboardInterrupt:
        _err("mllens: interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK
