"""``mllens score``, ``mllens compare`` and ``mllens snapshot validate``: the states they read
are snapshot files, or a stored workload's current answers or milestones."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, NamedTuple

from mllens_tui.cli.base import (
    EXIT_INVALID,
    EXIT_OK,
    EXIT_USAGE,
    CliError,
    _err,
    _lens_for,
    _out,
    _print_json,
    _store,
    read_snapshot,
)

if TYPE_CHECKING:
    from mllens_tui.lens.model import Lens
    from mllens_tui.snapshot import Snapshot


def _hash_note(snapshot: Snapshot, lens: Lens, source: str) -> None:
    if snapshot.content_hash and snapshot.content_hash != lens.content_hash:
        _err(
            f"note: {source} was written against other content of lens {lens.id!r} "
            f"({snapshot.lens_version or 'unknown version'}); scoring with the installed "
            f"{lens.version}"
        )


def cmd_score(args: argparse.Namespace) -> int:
    from mllens_tui.scoring import score
    from mllens_tui.summary import scores_text

    snapshot, lens, label = load_state(args, args.file)
    _hash_note(snapshot, lens, label)
    scores = score(lens, snapshot.answers, snapshot.profile, equal_weights=args.equal_weights)
    if args.json:
        _print_json(scores.to_json())
    else:
        _out(scores_text(lens, scores, workload=snapshot.workload_name))
    return EXIT_OK


def cmd_compare(args: argparse.Namespace) -> int:
    from mllens_tui.snapshot import compare
    from mllens_tui.summary import comparison_text

    a, lens_a, label_a = load_state(args, args.a, side=0)
    b, lens_b, label_b = load_state(args, args.b, side=1)
    comparison = compare(a, lens_a, b, lens_b)
    if args.json:
        _print_json(comparison.to_json())
    else:
        _out(comparison_text(lens_a, comparison, label_a, label_b))
    return EXIT_OK


def cmd_snapshot_validate(args: argparse.Namespace) -> int:
    snapshot, lens = read_snapshot(args, args.file)
    kind = f"milestone {snapshot.milestone.name!r} of " if snapshot.milestone else ""
    _out(
        f"{args.file} is valid: {kind}workload {snapshot.workload_name!r}, lens {lens.id}, "
        f"{len(snapshot.answers)} answers"
    )
    _hash_note(snapshot, lens, args.file)
    return EXIT_OK


def load_state(
    args: argparse.Namespace, source: str | None, *, side: int = 0
) -> tuple[Snapshot, Lens, str]:
    """A snapshot from a file, or (storage) from --workload / --milestone.

    ``side`` is 0 for ``score`` and for A of ``compare``, 1 for B: with ``--workload`` the
    states are, in order, the files given, each ``--milestone``, then the current answers
    (see ``state_sources``).
    """
    given = getattr(args, "workload", None)
    workloads = [given] if isinstance(given, str) else list(given or [])
    named = getattr(args, "milestone", None)
    milestones = [named] if isinstance(named, str) else list(named or [])
    if len(workloads) > 1:
        chosen = workload_sources(args, workloads, milestones)[side]
        assert chosen.workload is not None
        return stored_state(args, chosen.workload, chosen.milestone)
    workload = workloads[0] if workloads else None
    if workload is None:
        if milestones:
            raise CliError("--milestone needs --workload NAME", EXIT_USAGE)
        if source is None:
            raise CliError("name a snapshot file, or a stored workload with --workload", EXIT_USAGE)
        snapshot, lens = read_snapshot(args, source)
        return snapshot, lens, source
    sides = 2 if hasattr(args, "b") else 1
    files = [f for f in (getattr(args, name, None) for name in ("file", "a", "b")) if f]
    chosen = state_sources(args, files, workload, milestones, sides)[side]
    if chosen.file is not None:
        snapshot, lens = read_snapshot(args, chosen.file)
        return snapshot, lens, chosen.file
    return stored_state(args, workload, chosen.milestone)


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


def workload_sources(
    args: argparse.Namespace, workloads: list[str], milestones: list[str]
) -> list[Source]:
    """``compare --workload A --workload B``: A then B, each at its ``--milestone`` in order
    (the first milestone is A's, the second B's), else at its current answers."""
    files = [f for f in (getattr(args, name, None) for name in ("a", "b")) if f]
    if len(workloads) != 2 or files or len(milestones) > 2:
        raise CliError(
            "compare two workloads with exactly two --workload NAME, each with at most one "
            "--milestone NAME in the same order, and no files (see --help)",
            EXIT_USAGE,
        )
    return [
        Source(workload=name, milestone=milestones[i] if i < len(milestones) else None)
        for i, name in enumerate(workloads)
    ]


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
