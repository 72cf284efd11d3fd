"""``mllens milestone create | list | show`` and ``mllens history``."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from mllens_tui.cli.base import (
    EXIT_OK,
    _lens_for,
    _lens_note,
    _out,
    _pct,
    _question,
    _store,
    _when,
)
from mllens_tui.cli.base import _print_json as _json

if TYPE_CHECKING:
    from mllens_tui.store.records import FieldValue


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
            ballots = store.question_ballots(record.name, question_id)
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
        else:
            _out(
                f"History of {question_id} in workload {record.name!r} (times in UTC), "
                f"now at revision {changes[-1].revision}"
            )
            by_width = max(len("By"), *(len(c.by) for c in changes))
            _out(f"{'When':<19}  {'By':<{by_width}}  {'Field':<14}  Change")
            for c in changes:
                _out(
                    f"{_when(c.at):<19}  {c.by:<{by_width}}  {c.field:<14}  "
                    f"{_value(c.old)} -> {_value(c.new)}"
                )
        if ballots:
            _out("Workshop ballots:")
            for b in ballots:
                when = _when(b.at) if b.at is not None else "-"
                notes = f"  {b.notes}" if b.notes else ""
                _out(f"{when:<19}  {b.participant}: {b.label}{notes}")
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
