"""``mllens plan``: a workload's improvement plan with owners and due dates, and
``mllens plan set`` to give an item an owner and a due date.

Registered in the ``mllens`` parser by ``cli.build_parser``; the store is imported only when a
command runs.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from mllens_tui.cli.base import (
    EXIT_OK,
    EXIT_USAGE,
    CliError,
    _lens_for,
    _out,
    _print_json,
    _question,
    _store,
)

if TYPE_CHECKING:
    from mllens_tui.assessment import Ownership
    from mllens_tui.lens.model import Lens
    from mllens_tui.scoring import Scores

SORTS = ("priority", "due")
USAGE = """\
mllens plan WORKLOAD [--json] [--sort {priority,due}]
       mllens plan set WORKLOAD QUESTION [--owner NAME] [--due YYYY-MM-DD]
       mllens plan set WORKLOAD QUESTION --clear"""


def register(sub: Any) -> None:
    """Add ``plan`` to the ``mllens`` subparsers (nothing heavy is imported)."""
    p = sub.add_parser(
        "plan",
        help="the improvement plan with owners and due dates; plan set gives an item an owner",
        usage=USAGE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="""\
List a workload's improvement plan (answered questions below their target, most
urgent first, then the applicable questions not answered yet) with the owner and
due date of each item; or set them with 'plan set'.""",
        epilog="""\
  mllens plan "Fraud scoring" --sort due
  mllens plan set "Fraud scoring" MLOE-02 --owner "Ana Lima" --due 2027-03-31
  mllens plan set "Fraud scoring" MLOE-02 --clear""",
    )
    p.add_argument("words", nargs="+", metavar="WORKLOAD | set WORKLOAD QUESTION")
    p.add_argument("--json", action="store_true", help="print the plan as JSON")
    p.add_argument(
        "--sort", choices=SORTS, default="priority", help="priority (default) or due date"
    )
    p.add_argument("--owner", metavar="NAME", help="who owns the item (plan set)")
    p.add_argument("--due", metavar="YYYY-MM-DD", help="when it is due (plan set)")
    p.add_argument("--clear", action="store_true", help="remove the owner and due date")
    p.set_defaults(handler=cmd_plan)


def cmd_plan(args: argparse.Namespace) -> int:
    words = args.words
    if words[0] == "set" and len(words) == 3:
        return _set(args, words[1], words[2])
    if len(words) != 1:
        raise CliError(
            f"expected a workload name or 'set WORKLOAD QUESTION'\nusage: {USAGE}", EXIT_USAGE
        )
    if args.owner is not None or args.due is not None or args.clear:
        raise CliError(
            "--owner, --due and --clear go with: mllens plan set WORKLOAD QUESTION", EXIT_USAGE
        )
    return _list(args, words[0])


def _parse_due(text: str) -> date:
    from mllens_tui.inputs import day_problem

    if (problem := day_problem(text)) is not None:
        raise CliError(f"--due: {problem}")
    return date.fromisoformat(text)


def _set(args: argparse.Namespace, workload: str, question_id: str) -> int:
    from mllens_tui.assessment import Ownership
    from mllens_tui.scoring import score

    if args.clear and (args.owner is not None or args.due is not None):
        raise CliError("--clear removes both; give it without --owner or --due", EXIT_USAGE)
    if not args.clear and args.owner is None and args.due is None:
        raise CliError("give --owner, --due or both (or --clear)", EXIT_USAGE)
    due = _parse_due(args.due) if args.due is not None else None
    if args.owner:
        from mllens_tui.inputs import name_problem

        if (problem := name_problem(args.owner, "owner")) is not None:
            raise CliError(f"--owner: {problem}")
    with _store(args) as store:
        record = store.get_workload(workload)
        lens = _lens_for(args, record.lens_id, record.name)
        question = _question(lens, question_id)
        current = store.plan_owners(record.name).get(question.id, Ownership())
        if args.clear:
            store.set_ownership(record.name, question.id, Ownership())
            _out(f"{record.name}: {question.id} has no owner or due date now")
            return EXIT_OK
        snapshot = store.snapshot(record.name)
        scores = score(lens, snapshot.answers, snapshot.profile)
        if question.id not in _open_items(scores):
            raise CliError(
                f"{question.id} is not in the improvement plan of {record.name!r}: it is "
                "N/A or meets its target (see: mllens plan WORKLOAD)"
            )
        ownership = Ownership(
            owner=args.owner if args.owner is not None else current.owner,
            due=due if args.due is not None else current.due,
        )
        store.set_ownership(record.name, question.id, ownership)
    _out(f"{record.name}: {question.id} {_describe(ownership)}")
    return EXIT_OK


def _open_items(scores: Scores) -> list[str]:
    """The questions the plan shows: gaps by priority, then the unanswered."""
    return [item.question_id for item in scores.plan] + list(scores.unanswered)


def _describe(ownership: Ownership) -> str:
    owner = f"owned by {ownership.owner}" if ownership.owner else "no owner"
    due = f"due {ownership.due.isoformat()}" if ownership.due else "no due date"
    return f"{owner}, {due}"


def _list(args: argparse.Namespace, workload: str) -> int:
    from mllens_tui.scoring import by_due, score

    with _store(args) as store:
        record = store.get_workload(workload)
        lens = _lens_for(args, record.lens_id, record.name)
        snapshot = store.snapshot(record.name)
    scores = score(lens, snapshot.answers, snapshot.profile)
    owners = snapshot.plan
    gaps = [item.question_id for item in scores.plan]
    unanswered = list(scores.unanswered)
    if args.sort == "due":
        gaps, unanswered = by_due(gaps, owners), by_due(unanswered, owners)
    if args.json:
        _print_json(
            {
                "workload": record.name,
                "sort": args.sort,
                "plan": [_item_json(lens, scores, qid, owners) for qid in gaps],
                "unanswered": [_item_json(lens, scores, qid, owners) for qid in unanswered],
            }
        )
        return EXIT_OK
    if not gaps and not unanswered:
        _out(f"{record.name}: nothing to improve; every answered question meets its target.")
        return EXIT_OK
    _out(f"{record.name}: {len(gaps)} gaps to target, {len(unanswered)} unanswered")
    _out(f"{'#':>3}  {'ID':<10} {'Risk':<6} {'Due':<10}  {'Owner':<16}  Best practice")
    rank = {item.question_id: n for n, item in enumerate(scores.plan, start=1)}
    for qid in [*gaps, *unanswered]:
        ownership = owners.get(qid)
        question = lens.question(qid)
        due = ownership.due.isoformat() if ownership and ownership.due else "-"
        owner = ownership.owner if ownership and ownership.owner else "-"
        risk = scores.questions[qid].risk if qid in rank else "-"
        number = str(rank[qid]) if qid in rank else "-"
        _out(
            f"{number:>3}  {qid:<10} {risk:<6} {due:<10}  {_fit(owner, 16):<16}  "
            f"{question.title if question else ''}"
        )
    return EXIT_OK


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _item_json(
    lens: Lens, scores: Scores, qid: str, owners: Mapping[str, Ownership]
) -> dict[str, Any]:
    question = lens.question(qid)
    qs = scores.questions[qid]
    ownership = owners.get(qid)
    item = next((i for i in scores.plan if i.question_id == qid), None)
    return {
        "question": qid,
        "title": question.title if question else "",
        "priority": item.priority if item else None,
        "risk": qs.risk,
        "level": qs.level,
        "target": qs.target,
        "owner": ownership.owner if ownership and ownership.owner else None,
        "due": ownership.due.isoformat() if ownership and ownership.due else None,
    }
