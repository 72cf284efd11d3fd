"""``mllens lens validate | show | list | import``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mllens_tui.cli.base import EXIT_OK, EXIT_USAGE, CliError, _lens, _out, _print_json
from mllens_tui.formatting import plural, quantity

if TYPE_CHECKING:
    from mllens_tui.lens.model import Lens, Question


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
    if getattr(args, "format", None) == "aws":
        from mllens_tui.cli.aws import cmd_lens_validate_aws

        return cmd_lens_validate_aws(args)
    from mllens_tui.lens.registry import resolve_lens

    path = Path(args.path) if args.path else None
    if path is not None and (path.exists() or path.suffix.lower() == ".json"):
        lens = _read_lens_file(path)
    else:
        lens = resolve_lens(args.path or getattr(args, "lens", None))
    _out(
        f"{lens.name} ({lens.id} {lens.version}) is valid: "
        f"{quantity(len(lens.pillars), 'pillar')}, {quantity(len(lens.phases), 'phase')}, "
        f"{quantity(len(lens.questions), 'question')}"
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
                "choices": [
                    {
                        "id": c.id,
                        "title": c.title,
                        "description": c.description,
                        "helpful_url": c.helpful_url,
                        "improvement_plan": c.improvement_plan,
                        "improvement_url": c.improvement_url,
                    }
                    for c in q.choices
                ],
                "risk_rules": [
                    {"condition": r.condition, "risk": r.risk.value} for r in q.risk_rules
                ],
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


def _questions(count: int) -> str:
    """The question count of one lens list row, in a column of its own width."""
    return f"{count:>4} {plural(count, 'question'):<9}"


def cmd_lens_list(args: argparse.Namespace) -> int:
    from mllens_tui import paths
    from mllens_tui.lens.registry import builtin_lens, installed_lens_paths, load_path
    from mllens_tui.problems import InputError

    lens = builtin_lens()
    _out(f"{lens.id:<32} {lens.version:<10} {_questions(len(lens.questions))}  (built in)")
    for path in installed_lens_paths():
        try:
            user = load_path(path)
        except InputError as exc:
            count = len(exc.problems)
            problems = quantity(count, "problem")
            _out(f"{path.name:<32} INVALID: {problems} (mllens lens validate {path})")
            continue
        _out(f"{user.id:<32} {user.version:<10} {_questions(len(user.questions))}  {path}")
    _out()
    _out(f"User lenses live in {paths.user_lenses_dir()}")
    return EXIT_OK


def cmd_lens_import(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from mllens_tui import paths
    from mllens_tui.lens.loader import ID_PATTERN, content_hash
    from mllens_tui.lens.registry import BUILTIN_LENS_ID
    from mllens_tui.lens.writer import lens_to_toml

    if args.id is not None and not ID_PATTERN.fullmatch(args.id):
        raise CliError(
            f"--id {args.id!r}: an id is 1 to 128 letters, digits, '-', '_' or '.', "
            "starting with a letter or digit",
            EXIT_USAGE,
        )
    source = Path(args.file)
    lens = _read_lens_file(source)
    if args.id is not None:
        lens = replace(lens, id=args.id)
        lens = replace(lens, content_hash=content_hash(lens))
    if lens.id == BUILTIN_LENS_ID:
        raise CliError(
            f"{source}: the id {lens.id!r} belongs to the built-in lens; "
            f"choose another with --id, e.g. --id {lens.id}-custom"
        )
    lenses = paths.user_lenses_dir()
    target = lenses / f"{lens.id}.toml"
    if target.exists() and not args.force:
        free = next(
            f"{lens.id}-{n}"
            for n in range(2, 10_000)
            if not (lenses / f"{lens.id}-{n}.toml").exists()
        )
        raise CliError(
            f"{source}: a lens with the id {lens.id!r} is already installed ({target}). "
            f"To keep both, import this one under another id: mllens lens import {source} "
            f"--id {free}. To replace the installed lens, add --force."
        )
    paths.make_private_dirs(target.parent)
    from mllens_tui.files import write_atomic

    write_atomic(target, lens_to_toml(lens))
    questions = quantity(len(lens.questions), "question")
    _out(f"Imported {lens.name} as lens {lens.id!r} ({questions}) -> {target}")
    return EXIT_OK
