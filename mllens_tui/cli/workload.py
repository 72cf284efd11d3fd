"""``mllens workload list | create | tag | untag | rename | delete | trash | restore``,
``mllens answer`` and ``mllens demo``.

The store (and with it SQLAlchemy) is imported only when a command runs.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from typing import TYPE_CHECKING

from mllens_tui.cli.base import (
    EXIT_INVALID,
    EXIT_OK,
    CliError,
    _err,
    _lens_for,
    _out,
    _pct,
    _question,
    _reads,
    _store,
    _when,
)
from mllens_tui.cli.base import _print_json as _json
from mllens_tui.formatting import quantity

if TYPE_CHECKING:
    from mllens_tui.assessment import Answer
    from mllens_tui.lens.model import Lens, Question


def cmd_workload_list(args: argparse.Namespace) -> int:
    from mllens_tui.lens.registry import find_lens

    with _reads(args) as source:
        records = source.list_workloads()
    totals: dict[str, int | None] = {}
    for record in records:
        if record.lens_id not in totals:
            lens = find_lens(record.lens_id)
            totals[record.lens_id] = len(lens.questions) if lens is not None else None
    if args.json:
        _json(
            [
                {
                    "name": r.name,
                    "description": r.description,
                    "environment": r.environment,
                    "lens": {
                        "id": r.lens_id,
                        "version": r.lens_version,
                        "content_hash": r.lens_hash,
                    },
                    "default_target": r.default_target,
                    "pillar_weights": dict(r.pillar_weights),
                    "answered": r.answered_count,
                    "not_applicable": r.not_applicable_count,
                    "questions": totals[r.lens_id],
                    "milestones": r.milestone_count,
                    "tags": list(r.tags),
                    "created_at": r.created_at.isoformat(),
                    "updated_at": r.updated_at.isoformat(),
                }
                for r in records
            ]
        )
        return EXIT_OK
    if not records:
        _out("No workloads yet. Create one with: mllens workload create NAME")
        return EXIT_OK
    width = max(len("Workload"), *(len(r.name) for r in records))
    lens_width = max(len("Lens"), *(len(r.lens_id) for r in records))
    _out(
        f"{'Workload':<{width}}  {'Lens':<{lens_width}}  {'Answered':>9}  {'N/A':>4}  "
        f"{'Milestones':>10}  {'Updated (UTC)':<19}  Environment"
    )
    for r in records:
        total = totals[r.lens_id]
        answered = f"{r.answered_count}/{total if total is not None else '?'}"
        _out(
            f"{r.name:<{width}}  {r.lens_id:<{lens_width}}  {answered:>9}  "
            f"{r.not_applicable_count:>4}  {r.milestone_count:>10}  {_when(r.updated_at):<19}  "
            f"{r.environment}"
        )
    return EXIT_OK


def _weights(specs: list[str] | None) -> dict[str, float]:
    weights: dict[str, float] = {}
    for spec in specs or []:
        pillar, sep, value = spec.partition("=")
        try:
            weights[pillar.strip()] = float(value)
        except ValueError:
            sep = ""
        if not sep or not pillar.strip():
            raise CliError(f"--weight {spec!r}: expected PILLAR=NUMBER, e.g. security=2")
    return weights


def cmd_workload_create(args: argparse.Namespace) -> int:
    from mllens_tui.lens.registry import resolve_lens

    lens = resolve_lens(getattr(args, "lens", None))
    with _store(args) as store:
        record = store.create_workload(
            args.name,
            lens,
            description=args.description,
            environment=args.environment,
            default_target=args.target,
            pillar_weights=_weights(args.weight),
        )
    _out(
        f"Created workload {record.name!r}, assessed against {lens.name} "
        f"({lens.id} {lens.version}, {quantity(len(lens.questions), 'question')})"
    )
    return EXIT_OK


def cmd_workload_tag(args: argparse.Namespace) -> int:
    with _store(args) as store:
        record = store.tag_workload(args.name, args.tags)
    _out(f"{record.name}: tags {', '.join(record.tags)}")
    return EXIT_OK


def cmd_workload_untag(args: argparse.Namespace) -> int:
    with _store(args) as store:
        record = store.untag_workload(args.name, args.tags)
    _out(f"{record.name}: tags {', '.join(record.tags) or '(none)'}")
    return EXIT_OK


def cmd_workload_rename(args: argparse.Namespace) -> int:
    with _store(args) as store:
        record = store.rename_workload(args.old, args.new)
    _out(f"Renamed workload {args.old!r} to {record.name!r}")
    return EXIT_OK


def cmd_workload_delete(args: argparse.Namespace) -> int:
    from mllens_tui.store.workloads import TRASH_DAYS

    with _store(args) as store:
        record = store.get_workload(args.name)
        if not args.yes:
            if not sys.stdin.isatty():
                raise CliError(
                    f"not deleting workload {record.name!r} without confirmation: "
                    f"run it in a terminal to be asked, or pass --yes"
                )
            answered = record.answered_count + record.not_applicable_count
            reply = input(
                f"Delete workload {record.name!r} with its {quantity(answered, 'answer')}, their "
                f"history and {quantity(record.milestone_count, 'milestone')}? It stays in the "
                f"trash for {TRASH_DAYS} days. [y/N] "
            )
            if reply.strip().lower() not in ("y", "yes"):
                _out("Nothing deleted.")
                return EXIT_INVALID
        store.delete_workload(record.name)
    _out(
        f"Moved workload {record.name!r} to the trash; restore it within {TRASH_DAYS} days "
        f"with: {restore_command(record.name)}"
    )
    return EXIT_OK


def restore_command(name: str) -> str:
    """The command that brings a trashed workload back, quoted for a shell."""
    return f"mllens workload restore {shlex.quote(name)}"


def cmd_workload_trash(args: argparse.Namespace) -> int:
    with _store(args) as store:
        if args.empty:
            purged = store.empty_trash()
            noun = "workload" if purged == 1 else "workloads"
            _out(f"Emptied the trash: deleted {purged} {noun} for good.")
            return EXIT_OK
        trashed = store.trash()
    if args.json:
        _json(
            [
                {
                    "name": t.name,
                    "deleted_at": t.deleted_at.isoformat(),
                    "purge_at": t.purge_at.isoformat(),
                    "days_left": t.days_left,
                    "answered": t.answered_count,
                    "not_applicable": t.not_applicable_count,
                    "milestones": t.milestone_count,
                }
                for t in trashed
            ]
        )
        return EXIT_OK
    if not trashed:
        _out("The trash is empty.")
        return EXIT_OK
    width = max(len("Workload"), *(len(t.name) for t in trashed))
    _out(
        f"{'Workload':<{width}}  {'Deleted (UTC)':<19}  {'Days left':>9}  {'Answered':>8}  "
        "Milestones"
    )
    for t in trashed:
        _out(
            f"{t.name:<{width}}  {_when(t.deleted_at):<19}  {t.days_left:>9}  "
            f"{t.answered_count + t.not_applicable_count:>8}  {t.milestone_count}"
        )
    _out("Restore one with: mllens workload restore NAME [--as NEW_NAME]")
    return EXIT_OK


def cmd_workload_restore(args: argparse.Namespace) -> int:
    from mllens_tui.store.errors import AlreadyExists

    with _store(args) as store:
        try:
            record = store.restore_workload(args.name, as_name=args.as_name)
        except AlreadyExists as exc:
            raise CliError(f"{exc.message}: {restore_command(args.name)} --as NEW_NAME") from exc
    renamed = f" as {record.name!r}" if record.name != args.name else ""
    _out(
        f"Restored workload {args.name!r}{renamed} with "
        f"{quantity(record.answered_count + record.not_applicable_count, 'answer')} and "
        f"{quantity(record.milestone_count, 'milestone')}"
    )
    return EXIT_OK


# -- answer -----------------------------------------------------------------------------------


def _level_name(lens: Lens, level: int | None) -> str:
    found = lens.level(level) if level is not None else None
    return f"{level} ({found.name})" if found is not None else str(level)


def build_answer(
    lens: Lens, question: Question, args: argparse.Namespace, current: Answer | None
) -> Answer:
    """The answer ``mllens answer`` stores: the given values, checked against the lens; what
    is not given (target, notes, evidence, confidence) is kept from the current answer."""
    from dataclasses import replace

    from mllens_tui.assessment import Answer, Confidence, NAReason

    base = current if current is not None else Answer(question.id)
    levels = f"{min(lv.level for lv in lens.levels)} to {lens.max_level}" if lens.levels else ""
    level: int | None = None
    choices: tuple[str, ...] | None = None
    if args.level is not None:
        if question.kind == "choice":
            known = ", ".join(c.id for c in question.choices)
            raise CliError(
                f"question {question.id!r} takes choices, not a level: "
                f"--choices with any of {known}"
            )
        if lens.level(args.level) is None:
            raise CliError(f"level {args.level} is not a level of lens {lens.id!r} ({levels})")
        level = args.level
    elif args.choices is not None:
        if question.kind != "choice":
            raise CliError(f"question {question.id!r} takes a level ({levels}), not choices")
        wanted = [c.strip() for c in args.choices.split(",") if c.strip()]
        known_ids = [c.id for c in question.choices]
        unknown = [c for c in wanted if c not in known_ids]
        if unknown:
            raise CliError(
                f"unknown choice {unknown[0]!r} for question {question.id!r} "
                f"(expected any of: {', '.join(known_ids)})"
            )
        from mllens_tui.aws_review import exclusive_choices

        choices, cleared = exclusive_choices(question, wanted)
        if cleared:
            _err(
                f"note: 'None of these' excludes the other choices of {question.id!r}; "
                f"kept the last chosen: {', '.join(choices)}"
            )
    target = base.target
    if args.target is not None:
        if question.kind == "choice":
            raise CliError(f"question {question.id!r} takes choices; it has no target level")
        if lens.level(args.target) is None:
            raise CliError(f"target {args.target} is not a level of lens {lens.id!r} ({levels})")
        target = args.target
    na = args.na is not None
    return replace(
        base,
        level=level,
        choices=choices,
        not_applicable=na,
        reason=NAReason(args.na) if na else None,
        target=target,
        notes=base.notes if args.notes is None else args.notes,
        evidence=base.evidence if args.evidence is None else args.evidence,
        confidence=Confidence(args.confidence) if args.confidence else base.confidence,
        answered_by=args.by or "",
        answered_at=None,
    )


def cmd_answer(args: argparse.Namespace) -> int:
    from mllens_tui.scoring import score

    with _store(args) as store:
        record = store.get_workload(args.workload)
        lens = _lens_for(args, record.lens_id, record.name)
        question = _question(lens, args.question)
        state = store.answer_state(record.name, question.id)
        saved = store.save_answer(
            record.name,
            build_answer(lens, question, args, state.answer),
            expect_revision=args.expect_revision,
            clear_empty=False,
        )
        assert saved.answer is not None
        stored = saved.answer
        snapshot = store.snapshot(record.name)
    if stored.not_applicable:
        what = f"N/A ({stored.reason.label if stored.reason else 'no reason'})"
    elif stored.choices is not None:
        what = f"choices {', '.join(stored.choices) or '(none)'}"
    else:
        what = f"level {_level_name(lens, stored.level)}"
    if stored.target is not None:
        what += f", target {stored.target}"
    overall = score(lens, snapshot.answers, snapshot.profile).overall.score
    _out(
        f"{record.name}: {question.id} = {what}; overall now {_pct(overall)} "
        f"(revision {saved.revision})"
    )
    return EXIT_OK


# -- demo -------------------------------------------------------------------------------------


def cmd_demo(args: argparse.Namespace) -> int:
    """`mllens demo`: a realistic workload with three reviews, to explore the app."""
    from mllens_tui.demo import install_demo
    from mllens_tui.lens.registry import builtin_lens
    from mllens_tui.store.errors import AlreadyExists

    with _store(args) as store:
        existing = {w.name for w in store.list_workloads()}
        if args.name in existing:
            raise AlreadyExists(f"a workload named {args.name!r} exists already; choose --name")
        install_demo(store, builtin_lens(), args.name)
        milestones = store.list_milestones(args.name)
    _out(f"Created demo workload {args.name!r} with {quantity(len(milestones), 'milestone')}.")
    _out(f"Open it with: mllens open {shlex.quote(args.name)}")
    return EXIT_OK
