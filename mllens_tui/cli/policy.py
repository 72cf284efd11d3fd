"""``mllens check``: a review policy as a release gate in CI.

Registered in the ``mllens`` parser by ``cli.build_parser``. The handler imports the
core (and, for ``--workload``, the store) only when it runs, so that ``mllens --help`` stays
light.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mllens_tui.cli.base import EXIT_POLICY

if TYPE_CHECKING:
    from mllens_tui.snapshot import MilestoneInfo


DEFAULT_POLICY_FILE = ".mllens-policy.toml"
FORMATS = ("text", "json", "junit")


def register(sub: Any) -> None:
    """Add ``check`` to the ``mllens`` subparsers (nothing heavy is imported)."""
    p = sub.add_parser(
        "check",
        help="check a snapshot or workload against a review policy (CI gate; exit 4 if broken)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="""\
Evaluate a review policy (minimum scores, maximum HIGH risks, completeness,
age, required answers) against a snapshot file, a stored workload
(--workload NAME) or one of its milestones (--milestone NAME).
One line per rule, PASS or FAIL, then a summary.""",
        epilog=f"""\
The policy is --policy FILE, else {DEFAULT_POLICY_FILE} in the current directory.

Exit codes: 0 the policy holds; 4 it is broken; 1 invalid input (snapshot, policy,
lens); 2 usage; 3 storage failure.

  mllens check review.toml --policy policy.toml
  mllens check review.toml --format junit -o mllens-policy.xml
  mllens check --workload "Fraud scoring" --format json
""",
    )
    p.add_argument("file", nargs="?", help="snapshot .toml file")
    p.add_argument("--workload", metavar="NAME", help="check a stored workload instead of a file")
    p.add_argument("--milestone", metavar="NAME", help="check this milestone of --workload")
    p.add_argument(
        "--policy", metavar="FILE", help=f"policy .toml file (default: ./{DEFAULT_POLICY_FILE})"
    )
    p.add_argument(
        "--format", choices=FORMATS, default="text", help="text (default), json or junit (XML)"
    )
    p.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write the report in --format to FILE; the text report still goes to stdout",
    )
    # Tests and reproducible CI runs fix the moment max_age_days is measured from.
    p.add_argument("--now", metavar="DATETIME", help=argparse.SUPPRESS)
    p.set_defaults(handler=cmd_check)


def cmd_check(args: argparse.Namespace) -> int:
    from mllens_tui.cli.base import EXIT_OK, CliError
    from mllens_tui.cli.score import load_state
    from mllens_tui.policy import (
        evaluate,
        failures,
        read_policy_file,
        results_json,
        results_junit,
        results_text,
    )
    from mllens_tui.scoring import score

    policy_path = _policy_path(args)
    now = _now(args.now)
    snapshot, lens, label = load_state(args, args.file)
    policy = read_policy_file(policy_path, lens)
    scores = score(lens, snapshot.answers, snapshot.profile)
    milestones = _milestones(args) if policy.max_age_days is not None else []
    results = evaluate(policy, lens, snapshot, scores, now=now, milestones=milestones)

    text = results_text(results, subject=f"{label} against {policy.source}")
    if args.format == "json":
        report = results_json(results) + "\n"
    elif args.format == "junit":
        report = results_junit(results)
    else:
        report = text + "\n"
    if args.output:
        from mllens_tui.cli.base import EXIT_STORAGE
        from mllens_tui.files import write_atomic

        try:
            write_atomic(args.output, report)
        except OSError as exc:
            raise CliError(
                f"cannot write {args.output}: {exc.strerror or exc}; nothing was written",
                EXIT_STORAGE,
            ) from None
        sys.stdout.write(text + "\n")
        sys.stderr.write(f"Wrote {args.format} report to {args.output}\n")
    else:
        sys.stdout.write(report)
    return EXIT_POLICY if failures(results) else EXIT_OK


def _policy_path(args: argparse.Namespace) -> Path:
    from mllens_tui.cli.base import EXIT_USAGE, CliError

    if args.policy:
        return Path(args.policy)
    default = Path(DEFAULT_POLICY_FILE)
    if default.is_file():
        return default
    from mllens_tui.policy import EXAMPLE

    raise CliError(
        f"no policy: give --policy FILE, or write {DEFAULT_POLICY_FILE} in this directory "
        f"({Path.cwd()}), for example:\n\n{EXAMPLE}",
        EXIT_USAGE,
    )


def _now(text: str | None) -> datetime:
    from mllens_tui.cli.base import EXIT_USAGE, CliError
    from mllens_tui.snapshot import utc

    if text is None:
        return utc(datetime.now(UTC))
    try:
        return utc(datetime.fromisoformat(text))
    except ValueError:
        raise CliError(
            f"--now {text!r}: expected a date-time such as 2026-11-28T10:00:00Z", EXIT_USAGE
        ) from None


def _milestones(args: argparse.Namespace) -> list[MilestoneInfo]:
    """When checking a stored workload's current answers, its milestones count as review
    dates: a milestone saved since the last answer (a review that changed nothing) makes the
    review newer. A file or a milestone carries its own dates."""
    if not args.workload or args.milestone:
        return []
    from mllens_tui.snapshot import MilestoneInfo
    from mllens_tui.store import Store

    with Store.open(getattr(args, "db", None)) as store:
        return [MilestoneInfo(m.name, m.created_at) for m in store.list_milestones(args.workload)]
