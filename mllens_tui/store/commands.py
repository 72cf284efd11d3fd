"""The storage commands: ``mllens workload | answer | export | import | milestone | history``.

``register`` adds their parsers to ``mllens``; the handlers import the store (and with it
SQLAlchemy) only when they run, so ``mllens --help`` stays light. Store errors carry their
own exit codes (1 for a wrong name, 3 for a storage failure); ``cli.main`` reports them.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from mllens_tui.cli import EXIT_INVALID, EXIT_OK, EXIT_STORAGE, EXIT_USAGE, CliError

if TYPE_CHECKING:
    from mllens_tui.assessment import Answer
    from mllens_tui.lens.model import Lens, Question
    from mllens_tui.snapshot import Snapshot
    from mllens_tui.store.records import FieldValue
    from mllens_tui.store.service import Store


def _out(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def _json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def _when(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M:%S}"


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f}%"


@contextmanager
def _store(args: argparse.Namespace) -> Iterator[Store]:
    from mllens_tui.store.service import Store

    store = Store.open(getattr(args, "db", None))
    try:
        yield store
    finally:
        store.close()


def _lens_for(args: argparse.Namespace, lens_id: str, workload: str) -> Lens:
    from mllens_tui.cli import lens_lookup

    lens = lens_lookup(args)(lens_id)
    if lens is None:
        raise CliError(
            f"workload {workload!r} is assessed against lens {lens_id!r}, which is not "
            f"installed (see: mllens lens list; add it with: mllens lens import FILE)"
        )
    return lens


def _lens_note(lens: Lens, lens_hash: str, what: str) -> None:
    if lens_hash and lens_hash != lens.content_hash:
        sys.stderr.write(
            f"note: {what} was answered against other content of lens {lens.id!r}; "
            f"using the installed {lens.version}\n"
        )


# -- workload ---------------------------------------------------------------------------------


def cmd_workload_list(args: argparse.Namespace) -> int:
    from mllens_tui.lens.registry import find_lens

    with _store(args) as store:
        records = store.list_workloads()
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
        f"({lens.id} {lens.version}, {len(lens.questions)} questions)"
    )
    return EXIT_OK


def cmd_workload_rename(args: argparse.Namespace) -> int:
    with _store(args) as store:
        record = store.rename_workload(args.old, args.new)
    _out(f"Renamed workload {args.old!r} to {record.name!r}")
    return EXIT_OK


def cmd_workload_delete(args: argparse.Namespace) -> int:
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
                f"Delete workload {record.name!r} with its {answered} answers, their history "
                f"and {record.milestone_count} milestones? This cannot be undone. [y/N] "
            )
            if reply.strip().lower() not in ("y", "yes"):
                _out("Nothing deleted.")
                return EXIT_INVALID
        store.delete_workload(record.name)
    _out(f"Deleted workload {record.name!r}")
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
        choices = tuple(c for c in known_ids if c in wanted)
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


def _question(lens: Lens, question_id: str) -> Question:
    question = lens.question(question_id)
    if question is None:
        raise CliError(f"unknown question id {question_id!r} in lens {lens.id!r}")
    return question


def cmd_answer(args: argparse.Namespace) -> int:
    from mllens_tui.scoring import score

    with _store(args) as store:
        record = store.get_workload(args.workload)
        lens = _lens_for(args, record.lens_id, record.name)
        question = _question(lens, args.question)
        current = store.answers(record.name).get(question.id)
        stored = store.set_answer(record.name, build_answer(lens, question, args, current))
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
    _out(f"{record.name}: {question.id} = {what}; overall now {_pct(overall)}")
    return EXIT_OK


# -- export / import --------------------------------------------------------------------------


def cmd_export(args: argparse.Namespace) -> int:
    from mllens_tui.files import write_atomic
    from mllens_tui.snapshot import dumps

    with _store(args) as store:
        if args.milestone:
            snapshot = store.milestone_snapshot(args.workload, args.milestone)
        else:
            snapshot = store.snapshot(args.workload)
    lens = _lens_for(args, snapshot.lens_id, args.workload)
    _lens_note(lens, snapshot.content_hash, f"workload {args.workload!r}")
    text = dumps(snapshot, lens)
    if not args.output:
        sys.stdout.write(text)
        return EXIT_OK
    try:
        write_atomic(args.output, text)
    except OSError as exc:
        raise CliError(
            f"cannot write {args.output}: {exc.strerror or exc}; nothing was written",
            EXIT_STORAGE,
        ) from None
    what = f"milestone {args.milestone!r} of " if args.milestone else ""
    _out(
        f"Exported {what}workload {args.workload!r} ({len(snapshot.answers)} answers) "
        f"to {args.output}"
    )
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from mllens_tui.cli import read_snapshot
    from mllens_tui.store.service import milestone_name_for

    snapshot, lens = read_snapshot(args, args.file)
    name = args.workload or snapshot.workload_name
    with _store(args) as store:
        record = store.import_snapshot(
            snapshot, lens, workload=args.workload, as_milestone=args.as_milestone
        )
    if args.as_milestone:
        _out(
            f"Imported {args.file} as milestone {milestone_name_for(snapshot)!r} of workload "
            f"{record.name!r} ({len(snapshot.answers)} answers)"
        )
        return EXIT_OK
    if snapshot.milestone is not None:
        sys.stderr.write(
            f"note: {args.file} is milestone {snapshot.milestone.name!r}; its answers are now "
            f"the current answers of {name!r} (use --as-milestone to keep it as a milestone)\n"
        )
    _out(
        f"Imported {args.file} into workload {record.name!r}: {record.answered_count} answered, "
        f"{record.not_applicable_count} N/A"
    )
    return EXIT_OK


# -- milestone --------------------------------------------------------------------------------


def cmd_milestone_create(args: argparse.Namespace) -> int:
    with _store(args) as store:
        record = store.get_workload(args.workload)
        lens = _lens_for(args, record.lens_id, record.name)
        milestone = store.create_milestone(record.name, args.name, lens)
    _out(
        f"Saved milestone {milestone.name!r} of workload {record.name!r}: overall "
        f"{_pct(milestone.overall_score)}, {milestone.answered_count} answered"
    )
    return EXIT_OK


def cmd_milestone_list(args: argparse.Namespace) -> int:
    with _store(args) as store:
        milestones = store.list_milestones(args.workload)
    if args.json:
        _json(
            [
                {
                    "name": m.name,
                    "created_at": m.created_at.isoformat(),
                    "overall": m.overall_score,
                    "answered": m.answered_count,
                    "lens": {
                        "id": m.lens_id,
                        "version": m.lens_version,
                        "content_hash": m.lens_hash,
                    },
                }
                for m in milestones
            ]
        )
        return EXIT_OK
    if not milestones:
        _out(
            f"Workload {args.workload!r} has no milestones yet. "
            f"Save one with: mllens milestone create {args.workload} NAME"
        )
        return EXIT_OK
    width = max(len("Milestone"), *(len(m.name) for m in milestones))
    _out(f"{'Milestone':<{width}}  {'Created (UTC)':<19}  {'Overall':>7}  {'Answered':>8}  Lens")
    for m in milestones:
        _out(
            f"{m.name:<{width}}  {_when(m.created_at):<19}  {_pct(m.overall_score):>7}  "
            f"{m.answered_count:>8}  {m.lens_id} {m.lens_version}"
        )
    return EXIT_OK


def cmd_milestone_show(args: argparse.Namespace) -> int:
    from mllens_tui.scoring import score
    from mllens_tui.summary import scores_text

    with _store(args) as store:
        milestone = store.get_milestone(args.workload, args.name)
        snapshot = store.milestone_snapshot(args.workload, args.name)
    lens = _lens_for(args, snapshot.lens_id, args.workload)
    _lens_note(lens, snapshot.content_hash, f"milestone {milestone.name!r}")
    scores = score(lens, snapshot.answers, snapshot.profile)
    if args.json:
        _json(
            {
                "milestone": {
                    "name": milestone.name,
                    "workload": milestone.workload,
                    "created_at": milestone.created_at.isoformat(),
                    "overall_at_creation": milestone.overall_score,
                    "answered": milestone.answered_count,
                },
                "scores": scores.to_json(),
            }
        )
        return EXIT_OK
    _out(f"Milestone {milestone.name!r} of workload {milestone.workload!r}")
    _out(
        f"Created {_when(milestone.created_at)} UTC, lens {milestone.lens_id} "
        f"{milestone.lens_version}, {milestone.answered_count} answered"
    )
    _out()
    _out(scores_text(lens, scores, workload=snapshot.workload_name))
    return EXIT_OK


# -- history ----------------------------------------------------------------------------------


def _value(value: FieldValue) -> str:
    if value is None or value == "":
        return "-"
    if isinstance(value, tuple):
        return "[" + ", ".join(value) + "]"
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value).replace("\n", " ")
    return text if len(text) <= 40 else text[:39] + "…"


def cmd_history(args: argparse.Namespace) -> int:
    with _store(args) as store:
        record = store.get_workload(args.workload)
        lens = _lens_for(args, record.lens_id, record.name)
        # Either id is accepted; the history is stored under the canonical one.
        question_id = _question(lens, args.question).id if args.question else None
        if question_id:
            changes = store.answer_history(record.name, question_id)
        else:
            points = store.history_series(record.name, lens)
    if question_id:
        if args.json:
            _json(
                [
                    {
                        "at": c.at.isoformat(),
                        "by": c.by,
                        "revision": c.revision,
                        "field": c.field,
                        "old": list(c.old) if isinstance(c.old, tuple) else c.old,
                        "new": list(c.new) if isinstance(c.new, tuple) else c.new,
                    }
                    for c in changes
                ]
            )
            return EXIT_OK
        if not changes:
            _out(f"{question_id} of workload {record.name!r} has never been answered.")
            return EXIT_OK
        _out(f"History of {question_id} in workload {record.name!r} (times in UTC)")
        by_width = max(len("By"), *(len(c.by) for c in changes))
        _out(f"{'When':<19}  {'By':<{by_width}}  {'Field':<14}  Change")
        for c in changes:
            _out(
                f"{_when(c.at):<19}  {c.by:<{by_width}}  {c.field:<14}  "
                f"{_value(c.old)} -> {_value(c.new)}"
            )
        return EXIT_OK
    if args.json:
        _json([p.to_json() | {"revision": p.revision, "by": p.by} for p in points])
        return EXIT_OK
    if not points:
        _out(f"Workload {record.name!r} has no answers and no milestones yet.")
        return EXIT_OK
    widths = [(p.id, p.label, max(len(p.label), 6)) for p in lens.pillars]
    _out(f"Score over time of workload {record.name!r} (times in UTC)")
    _out(
        f"{'When':<19}  {'Kind':<9}  {'Overall':>7}  "
        + "  ".join(f"{label:>{w}}" for _, label, w in widths)
        + "  What"
    )
    for point in points:
        pillars = "  ".join(f"{_pct(point.pillars.get(pid)):>{w}}" for pid, _, w in widths)
        _out(
            f"{_when(point.at):<19}  {point.kind:<9}  {_pct(point.overall):>7}  {pillars}  "
            f"{point.label}"
        )
    return EXIT_OK


# -- score / compare from storage --------------------------------------------------------------


def cmd_report(args: argparse.Namespace) -> int:
    """`mllens report`: the charts and tables of a workload or milestone, for people."""
    import shutil

    from mllens_tui.files import write_atomic
    from mllens_tui.history import HistoryPoint
    from mllens_tui.report import report_json, report_markdown, report_text
    from mllens_tui.scoring import score
    from mllens_tui.snapshot import last_change

    snapshot, lens, _ = stored_state(args, args.workload, args.milestone)
    with _store(args) as store:
        milestones = store.list_milestones(args.workload)
        points = store.history_series(args.workload, lens, include_changes=False)
    scores = score(lens, snapshot.answers, snapshot.profile)
    # The trend compares with the milestone before the one reported (or the latest one).
    names = [m.name for m in milestones]
    cut = names.index(args.milestone) if args.milestone in names else len(names)
    previous_name = names[cut - 1] if cut > 0 else None
    previous = None
    if previous_name is not None:
        before, _, _ = stored_state(args, args.workload, previous_name)
        previous = score(lens, before.answers, before.profile)
    if args.milestone is None:
        moment = last_change(snapshot)
        if moment is not None:
            points = [*points, HistoryPoint.from_scores(moment, "now", scores, kind="change")]
    else:
        points = [p for p in points if p.at <= (last_change(snapshot) or p.at)]
    common = dict(
        lens=lens,
        workload_name=args.workload,
        scores=scores,
        history_points=points,
        previous_scores=previous,
        milestone=args.milestone,
    )
    label = previous_name or "the previous milestone"
    if args.format == "json":
        text = json.dumps(report_json(**common, previous_label=previous_name), indent=2) + "\n"
    elif args.format == "markdown":
        text = report_markdown(**common, previous_label=label, answers=snapshot.answers)
    else:
        width = args.width or shutil.get_terminal_size((80, 24)).columns
        text = report_text(**common, previous_label=label, width=max(40, width))
    if not text.endswith("\n"):
        text += "\n"
    if args.output:
        try:
            write_atomic(args.output, text)
        except OSError as exc:
            raise CliError(
                f"cannot write {args.output}: {exc.strerror or exc}", EXIT_STORAGE
            ) from exc
        sys.stderr.write(f"Wrote {args.format} report to {args.output}\n")
    else:
        sys.stdout.write(text)
    return EXIT_OK


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
    _out(f"Created demo workload {args.name!r} with {len(milestones)} milestones.")
    _out(f"Open it with: mllens open {shlex.quote(args.name)}")
    return EXIT_OK


def stored_state(
    args: argparse.Namespace, workload: str, milestone: str | None
) -> tuple[Snapshot, Lens, str]:
    """A workload's current answers, or one of its milestones, as a snapshot with its lens."""
    with _store(args) as store:
        if milestone is None:
            snapshot = store.snapshot(workload)
        else:
            snapshot = store.milestone_snapshot(workload, milestone)
    lens = _lens_for(args, snapshot.lens_id, workload)
    label = f"{workload} @ {milestone}" if milestone else f"{workload} (current answers)"
    return snapshot, lens, label


def latest_milestone(args: argparse.Namespace, workload: str) -> str:
    with _store(args) as store:
        milestones = store.list_milestones(workload)
    if not milestones:
        raise CliError(
            f"workload {workload!r} has no milestone to compare with; name two sides with "
            f"--milestone, or save one with: mllens milestone create {workload} NAME",
            EXIT_INVALID,
        )
    return milestones[-1].name


class Source(NamedTuple):
    """One state to read: a snapshot file, or a workload's current answers or milestone."""

    file: str | None = None
    workload: str | None = None
    milestone: str | None = None


def state_sources(
    args: argparse.Namespace,
    files: list[str],
    workload: str,
    milestones: list[str],
    sides: int,
) -> list[Source]:
    """What ``score`` (one side) or ``compare`` (two) reads, in order: the files, then each
    ``--milestone`` of ``--workload``, then its current answers; ``compare --workload W`` alone
    compares W's latest milestone with its current answers.
    """
    sources = [Source(file=f) for f in files]
    sources += [Source(workload=workload, milestone=m) for m in milestones]
    if len(files) >= sides:
        sources.append(Source(workload=workload))  # --workload would go unused: refuse below
    elif len(sources) < sides:
        sources.append(Source(workload=workload))
    if len(sources) < sides and not files and not milestones:
        sources.insert(0, Source(workload=workload, milestone=latest_milestone(args, workload)))
    if len(sources) != sides:
        what = "one state" if sides == 1 else "two states"
        raise CliError(
            f"give {what}: snapshot files, or --workload NAME with up to "
            f"{sides} --milestone NAME (see --help)",
            EXIT_USAGE,
        )
    return sources


# -- parsers ----------------------------------------------------------------------------------
