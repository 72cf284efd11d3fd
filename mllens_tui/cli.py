"""The ``mllens`` command line: thin argparse subcommands that call the core and the store.

Imports are lazy: ``mllens --help`` must not pay for Textual, SQLAlchemy or plotext.

Exit codes: 0 success; 1 invalid input (a lens, snapshot or name that is wrong or unknown);
2 usage error; 3 storage failure (database locked, corrupt, newer schema, disk full,
read-only); 130 interrupted.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mllens_tui import __version__

if TYPE_CHECKING:
    from mllens_tui.lens.model import Lens, Question
    from mllens_tui.snapshot import Snapshot

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_STORAGE = 3
EXIT_INTERRUPTED = 130

Handler = Callable[[argparse.Namespace], int]


class CliError(Exception):
    """A failure with a message for the user and an exit code; no traceback is shown."""

    def __init__(self, message: str, code: int = EXIT_INVALID) -> None:
        super().__init__(message)
        self.code = code


# -- helpers ---------------------------------------------------------------------------------


def _out(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def _lens(args: argparse.Namespace, path: str | None = None) -> Lens:
    from mllens_tui.lens.registry import resolve_lens

    return resolve_lens(path or getattr(args, "lens", None))


# -- lens ------------------------------------------------------------------------------------


def _read_lens_file(path: Path) -> Lens:
    """A lens file or folder; an AWS custom lens (.json) prints the importer's warnings."""
    from mllens_tui.lens.registry import load_any

    if path.suffix.lower() != ".json":
        return load_any(path)
    from mllens_tui.lens.aws_json import read_aws_lens

    imported = read_aws_lens(path)
    for warning in imported.warnings:
        _out(f"warning: {warning}")
    return imported.lens


def cmd_lens_validate(args: argparse.Namespace) -> int:
    from mllens_tui.lens.registry import resolve_lens

    path = Path(args.path) if args.path else None
    if path is not None and (path.exists() or path.suffix.lower() == ".json"):
        lens = _read_lens_file(path)
    else:
        lens = resolve_lens(args.path or getattr(args, "lens", None))
    _out(
        f"{lens.name} ({lens.id} {lens.version}) is valid: {len(lens.pillars)} pillars, "
        f"{len(lens.phases)} phases, {len(lens.questions)} questions"
    )
    _out(f"content hash: {lens.content_hash}")
    return EXIT_OK


def lens_summary(lens: Lens) -> dict[str, Any]:
    """The ``mllens lens show --json`` document, in lens order."""
    return {
        "id": lens.id,
        "name": lens.name,
        "version": lens.version,
        "content_hash": lens.content_hash,
        "pillars": [{"id": p.id, "name": p.name} for p in lens.pillars],
        "phases": [{"id": p.id, "name": p.name} for p in lens.phases],
        "levels": [
            {"level": lv.level, "name": lv.name, "value": lv.value, "risk": str(lv.risk)}
            for lv in lens.levels
        ],
        "questions": [
            {
                "id": q.id,
                "title": q.title,
                "pillar": q.pillar,
                "phase": q.phase,
                "weight": q.weight,
                "levels": list(q.levels),
                "id_2025": q.id_2025,
                "phase_2025": q.phase_2025,
                "scope": q.scope,
                "evidence": list(q.evidence),
            }
            for q in lens.questions
        ],
    }


def lens_table(lens: Lens) -> str:
    """A pillar x phase table of question counts, as plain text."""
    if not lens.phases:
        rows = [(p.name, str(len(lens.questions_in(pillar=p.id)))) for p in lens.pillars]
        width = max(len(r[0]) for r in rows)
        lines = [f"{'Pillar':<{width}}  Questions"]
        lines += [f"{name:<{width}}  {count:>9}" for name, count in rows]
        lines.append(f"{'Total':<{width}}  {len(lens.questions):>9}")
        return "\n".join(lines)
    heads = [ph.label for ph in lens.phases]
    width = max(len("Total"), *(len(p.name) for p in lens.pillars))
    cols = [max(len(h), 4) for h in heads]
    lines = [
        f"{'Pillar':<{width}}  "
        + "  ".join(f"{h:>{c}}" for h, c in zip(heads, cols, strict=True))
        + "  Total"
    ]
    for pillar in lens.pillars:
        counts = [len(lens.questions_in(pillar.id, ph.id)) for ph in lens.phases]
        lines.append(
            f"{pillar.name:<{width}}  "
            + "  ".join(f"{n:>{c}}" for n, c in zip(counts, cols, strict=True))
            + f"  {sum(counts):>5}"
        )
    totals = [len(lens.questions_in(phase=ph.id)) for ph in lens.phases]
    lines.append(
        f"{'Total':<{width}}  "
        + "  ".join(f"{n:>{c}}" for n, c in zip(totals, cols, strict=True))
        + f"  {len(lens.questions):>5}"
    )
    lines.append("")
    lines.append("Phases: " + "; ".join(f"{ph.label} = {ph.name}" for ph in lens.phases))
    return "\n".join(lines)


def lens_as_2025(lens: Lens) -> Lens:
    """The lens as the 2025 edition arranges it: each question in its 2025 phase, in 2025 id
    order within each pillar (a question without a 2025 id keeps its place and phase)."""
    from dataclasses import replace

    phase_order = {p.id: i for i, p in enumerate(lens.phases)}
    pillar_order = {p.id: i for i, p in enumerate(lens.pillars)}

    def place(q: Question) -> tuple[int, int, str]:
        return pillar_order[q.pillar], phase_order.get(q.phase_2025 or "", -1), q.id_2025 or q.id

    questions = sorted(lens.questions, key=place)
    return replace(lens, questions=tuple(replace(q, phase=q.phase_2025) for q in questions))


def lens_2025_list(lens: Lens) -> str:
    """One line per question of a lens from :func:`lens_as_2025`: 2025 id, title, 2023 id."""
    width = max(len(q.id_2025 or q.id) for q in lens.questions)
    lines = []
    for q in lens.questions:
        phase = lens.phase(q.phase) if q.phase else None
        where = f", {phase.name}" if phase else ""
        lines.append(f"{q.id_2025 or q.id:<{width}}  {q.title} ({q.id}{where})")
    return "\n".join(lines)


def cmd_lens_show(args: argparse.Namespace) -> int:
    lens = _lens(args, args.path)
    if args.edition == "2025":
        lens = lens_as_2025(lens)
    if args.json:
        _print_json(lens_summary(lens) | {"edition": args.edition})
        return EXIT_OK
    _out(f"{lens.name}  ({lens.id} {lens.version})")
    _out(f"content hash: {lens.content_hash}")
    _out()
    _out(lens_table(lens))
    if lens.levels:
        _out()
        _out("Levels: " + ", ".join(f"{lv.level} {lv.name} ({lv.risk})" for lv in lens.levels))
    if args.edition == "2025":
        _out()
        _out(lens_2025_list(lens))
    return EXIT_OK


def cmd_lens_list(args: argparse.Namespace) -> int:
    from mllens_tui import paths
    from mllens_tui.lens.registry import builtin_lens, installed_lens_paths, load_path
    from mllens_tui.problems import InputError

    lens = builtin_lens()
    _out(f"{lens.id:<32} {lens.version:<10} {len(lens.questions):>4} questions  (built in)")
    for path in installed_lens_paths():
        try:
            user = load_path(path)
        except InputError as exc:
            count = len(exc.problems)
            _out(f"{path.name:<32} INVALID: {count} problems (mllens lens validate {path})")
            continue
        _out(f"{user.id:<32} {user.version:<10} {len(user.questions):>4} questions  {path}")
    _out()
    _out(f"User lenses live in {paths.user_lenses_dir()}")
    return EXIT_OK


def cmd_lens_import(args: argparse.Namespace) -> int:
    from mllens_tui import paths
    from mllens_tui.lens.registry import BUILTIN_LENS_ID
    from mllens_tui.lens.writer import lens_to_toml

    source = Path(args.file)
    lens = _read_lens_file(source)
    if args.id:
        from dataclasses import replace

        from mllens_tui.lens.loader import ID_PATTERN, content_hash

        if not ID_PATTERN.match(args.id):
            raise CliError(f"--id {args.id!r}: use letters, digits, '-', '_' or '.'", EXIT_USAGE)
        lens = replace(lens, id=args.id)
        lens = replace(lens, content_hash=content_hash(lens))
    if lens.id == BUILTIN_LENS_ID:
        raise CliError(f"{source}: the id {lens.id!r} belongs to the built-in lens; choose another")
    target = paths.user_lenses_dir() / f"{lens.id}.toml"
    if target.exists() and not args.force:
        raise CliError(f"{target} already exists; use --force to replace it")
    target.parent.mkdir(parents=True, exist_ok=True)
    from mllens_tui.files import write_atomic

    write_atomic(target, lens_to_toml(lens))
    _out(f"Imported {lens.name} as lens {lens.id!r} ({len(lens.questions)} questions) -> {target}")
    return EXIT_OK


# -- snapshots and scores ---------------------------------------------------------------------


def lens_lookup(args: argparse.Namespace) -> Callable[[str], Lens | None]:
    """Find a snapshot's lens by id: the one named by --lens when it matches, else installed."""
    from mllens_tui.lens.registry import find_lens, resolve_lens

    explicit = resolve_lens(args.lens) if getattr(args, "lens", None) else None

    def lookup(lens_id: str) -> Lens | None:
        if explicit is not None and explicit.id == lens_id:
            return explicit
        return find_lens(lens_id)

    return lookup


def read_snapshot(args: argparse.Namespace, path: str) -> tuple[Snapshot, Lens]:
    from mllens_tui.snapshot import read_snapshot_file

    return read_snapshot_file(path, lens_lookup(args))


def _hash_note(snapshot: Snapshot, lens: Lens, source: str) -> None:
    if snapshot.content_hash and snapshot.content_hash != lens.content_hash:
        sys.stderr.write(
            f"note: {source} was written against other content of lens {lens.id!r} "
            f"({snapshot.lens_version or 'unknown version'}); scoring with the installed "
            f"{lens.version}\n"
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
    (see ``store.commands.state_sources``).
    """
    workload = getattr(args, "workload", None)
    named = getattr(args, "milestone", None)
    milestones = [named] if isinstance(named, str) else list(named or [])
    if workload is None:
        if milestones:
            raise CliError("--milestone needs --workload NAME", EXIT_USAGE)
        if source is None:
            raise CliError("name a snapshot file, or a stored workload with --workload", EXIT_USAGE)
        snapshot, lens = read_snapshot(args, source)
        return snapshot, lens, source
    from mllens_tui.store.commands import state_sources, stored_state

    sides = 2 if hasattr(args, "b") else 1
    files = [f for f in (getattr(args, name, None) for name in ("file", "a", "b")) if f]
    chosen = state_sources(args, files, workload, milestones, sides)[side]
    if chosen.file is not None:
        snapshot, lens = read_snapshot(args, chosen.file)
        return snapshot, lens, chosen.file
    return stored_state(args, workload, chosen.milestone)


# -- the app ---------------------------------------------------------------------------------


def cmd_open(args: argparse.Namespace) -> int:
    from mllens_tui.app import make_app

    # The built-in lens is loaded by the app after its first screen; a lens named with
    # --lens or MLLENS_LENS is loaded now, so that a broken one fails before the app starts.
    chosen = getattr(args, "lens", None) or os.environ.get("MLLENS_LENS")
    workload = getattr(args, "workload", None)
    question = getattr(args, "question", None)
    if question and not workload:
        raise CliError(
            "--question needs a workload: mllens open WORKLOAD --question ID", EXIT_USAGE
        )
    if workload:
        _check_open_target(args, workload, question)
    app = make_app(
        db_url=args.db,
        lens=_lens(args) if chosen else None,
        workload=workload,
        question=question,
    )
    app.run()
    return int(app.return_code or 0)


def _check_open_target(args: argparse.Namespace, workload: str, question: str | None) -> None:
    """Refuse an unknown workload or question id here, with exit 1, not inside the app."""
    from mllens_tui.store.service import Store

    with Store.open(args.db) as store:
        record = store.get_workload(workload)
    if question is None:
        return
    lens = lens_lookup(args)(record.lens_id)
    if lens is not None and lens.question(question) is None:
        raise CliError(f"unknown question id {question!r} in lens {lens.id!r}")


# -- parser ----------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mllens",
        description=(
            "Assess an ML workload against the AWS Well-Architected Machine Learning Lens. "
            "With no command, opens the app."
        ),
        epilog="Exit codes: 0 ok, 1 invalid input, 2 usage, 3 storage failure.",
    )
    parser.add_argument("--version", action="version", version=f"mllens-tui {__version__}")
    parser.add_argument("--db", metavar="URL", help="database URL (env MLLENS_DB)")
    parser.add_argument("--data-dir", metavar="DIR", help="data directory (env MLLENS_DATA_DIR)")
    parser.add_argument(
        "--lens", metavar="PATH|ID", help="lens file, folder or installed id (env MLLENS_LENS)"
    )
    parser.set_defaults(handler=cmd_open)
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    p = sub.add_parser("open", help="open the app, optionally at a workload and question")
    p.add_argument("workload", nargs="?", help="workload name")
    p.add_argument("--question", metavar="ID", help="open at this question")
    p.set_defaults(handler=cmd_open)

    lens = sub.add_parser("lens", help="validate, show, list and import lenses")
    lens_sub = lens.add_subparsers(title="lens commands", metavar="ACTION", required=True)
    p = lens_sub.add_parser("validate", help="check a lens file or folder; exit 1 if invalid")
    p.add_argument("path", nargs="?", help="lens file, folder or id (default: the active lens)")
    p.set_defaults(handler=cmd_lens_validate)
    p = lens_sub.add_parser("show", help="the pillar x phase table of a lens")
    p.add_argument("path", nargs="?", help="lens file, folder or id (default: the active lens)")
    p.add_argument("--json", action="store_true", help="print the lens as JSON")
    p.add_argument(
        "--edition",
        choices=("2023", "2025"),
        default="2023",
        help="arrange by the 2023 ids and phases (default) or the 2025 ones, with every question",
    )
    p.set_defaults(handler=cmd_lens_show)
    p = lens_sub.add_parser("list", help="the built-in lens and the lenses you added")
    p.set_defaults(handler=cmd_lens_list)
    p = lens_sub.add_parser(
        "import", help="add a lens (TOML, or an AWS custom lens .json) to your lenses"
    )
    p.add_argument("file", help="lens .toml file or folder, or AWS custom lens .json")
    p.add_argument("--id", help="the id to install it under (default: from its name)")
    p.add_argument("--force", action="store_true", help="replace a lens with the same id")
    p.set_defaults(handler=cmd_lens_import)

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
    p.set_defaults(handler=cmd_score)
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
""",
    )
    p.add_argument("a", nargs="?", help="the earlier snapshot .toml")
    p.add_argument("b", nargs="?", help="the later snapshot .toml")
    p.add_argument("--workload", metavar="NAME", help="a stored workload (see below)")
    p.add_argument(
        "--milestone",
        metavar="NAME",
        action="append",
        help="a milestone of --workload; repeat for a second one",
    )
    p.add_argument("--json", action="store_true", help="print the comparison as JSON")
    p.set_defaults(handler=cmd_compare)
    snap = sub.add_parser("snapshot", help="check snapshot files")
    snap_sub = snap.add_subparsers(title="snapshot commands", metavar="ACTION", required=True)
    p = snap_sub.add_parser(
        "validate", help="check a snapshot without scoring it; exit 1 if invalid"
    )
    p.add_argument("file", help="snapshot .toml file")
    p.set_defaults(handler=cmd_snapshot_validate)

    for register in _EXTRA_COMMANDS:
        register(sub)
    return parser


def _store_commands(sub: Any) -> None:
    from mllens_tui.store.cli_spec import register

    register(sub)


# Later modules add their subcommands here (scoring, storage, reports) to keep this file flat.
_EXTRA_COMMANDS: list[Callable[[Any], None]] = [_store_commands]


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.data_dir:
        os.environ["MLLENS_DATA_DIR"] = args.data_dir
    from mllens_tui.problems import InputError
    from mllens_tui.store.errors import StoreError

    try:
        return int(args.handler(args))
    except InputError as exc:
        sys.stderr.write(f"mllens: {exc.report()}\n")
        return EXIT_INVALID
    except StoreError as exc:
        sys.stderr.write(f"mllens: {exc.message}\n")
        return exc.exit_code
    except CliError as exc:
        sys.stderr.write(f"mllens: {exc}\n")
        return exc.code
    except KeyboardInterrupt:
        sys.stderr.write("mllens: interrupted\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK
