"""The AWS Well-Architected Tool commands: ``mllens lens export --format aws``,
``mllens lens validate --format aws``, ``mllens import-aws-review`` and
``mllens export-aws-review``. Nothing is sent anywhere: these read and write files.

The parsers are built in ``cli/__init__.py``; these handlers import the lens code and the
store when they run, so ``mllens --help`` stays light.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from mllens_tui.cli.base import EXIT_OK, EXIT_STORAGE, EXIT_USAGE, CliError, _out, lens_lookup
from mllens_tui.formatting import quantity

if TYPE_CHECKING:
    from mllens_tui.aws_review import AwsReview
    from mllens_tui.lens.aws_export import AwsLensExport
    from mllens_tui.lens.model import Lens
    from mllens_tui.store.service import Store


def _write(path: str, text: str) -> None:
    from mllens_tui.files import write_atomic

    try:
        write_atomic(path, text)
    except OSError as exc:
        raise CliError(
            f"cannot write {path}: {exc.strerror or exc}; nothing was written", EXIT_STORAGE
        ) from None


def _read_json(path: str, what: str) -> object:
    """A JSON file, or an InputError naming the file and the line."""
    from mllens_tui.problems import InputError, Problem

    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise InputError([Problem(path, "", f"cannot be read: {reason or exc}")], what) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            [Problem(path, f"line {exc.lineno}, column {exc.colno}", f"not valid JSON: {exc.msg}")],
            what,
        ) from None
    except RecursionError:
        raise InputError([Problem(path, "", "not valid JSON: nested too deeply")], what) from None


def _export(lens: Lens) -> AwsLensExport:
    from mllens_tui.lens.aws_export import AwsExportError, export_aws_lens

    try:
        return export_aws_lens(lens)
    except AwsExportError as exc:
        lines = "\n".join(f"  - {p}" for p in exc.problems)
        raise CliError(
            f"lens {lens.id!r} does not fit the AWS lens format:\n{lines}\nnothing was written"
        ) from None


# -- lens export / validate -------------------------------------------------------------------


def cmd_lens_export(args: argparse.Namespace) -> int:
    from mllens_tui.lens.registry import resolve_lens

    lens = resolve_lens(args.lens_spec or getattr(args, "lens", None))
    exported = _export(lens)
    text = exported.text()
    if not args.output:
        sys.stdout.write(text)
        return EXIT_OK
    _write(args.output, text)
    pillars = exported.document["pillars"]
    choices = sum(len(q["choices"]) for p in pillars for q in p["questions"])
    how = (
        f"; its {quantity(len(lens.questions), 'practice')} are grouped into "
        f"{quantity(len(exported.questions), 'question')}, one choice each "
        "(see README, 'Working with the AWS Well-Architected Tool')"
        if exported.grouped
        else ""
    )
    _out(
        f"Exported {lens.name} as an AWS custom lens: {quantity(len(pillars), 'pillar')}, "
        f"{quantity(len(exported.questions), 'question')}, {quantity(choices, 'choice')} "
        f"-> {args.output}{how}"
    )
    return EXIT_OK


def cmd_lens_validate_aws(args: argparse.Namespace) -> int:
    from mllens_tui.lens.aws_export import check_aws_lens
    from mllens_tui.lens.limits import MAX_FILE_BYTES
    from mllens_tui.problems import InputError, Problem

    if not args.path:
        raise CliError(
            "--format aws needs the lens file: mllens lens validate --format aws FILE", EXIT_USAGE
        )
    document = _read_json(args.path, "AWS custom lens")
    problems = check_aws_lens(document, args.path)
    size = Path(args.path).stat().st_size
    if size > MAX_FILE_BYTES and not any(p.where == "" for p in problems):
        problems.insert(
            0,
            Problem(
                args.path, "", f"{size} bytes: the AWS lens format allows at most {MAX_FILE_BYTES}"
            ),
        )
    if problems:
        raise InputError(problems, what="AWS custom lens")
    assert isinstance(document, dict)
    questions = [q for p in document["pillars"] for q in p["questions"]]
    choices = sum(len(q["choices"]) for q in questions)
    _out(
        f"{args.path} passes every limit of the AWS lens format: "
        f"{quantity(len(document['pillars']), 'pillar')}, "
        f"{quantity(len(questions), 'question')}, {quantity(choices, 'choice')}"
    )
    return EXIT_OK


# -- reviews ----------------------------------------------------------------------------------


def _review_lens(args: argparse.Namespace, store: Store, review: AwsReview, name: str) -> Lens:
    """The workload's lens; else --lens; else the one installed lens with the review's ids."""
    from mllens_tui.lens.registry import installed_lenses, resolve_lens
    from mllens_tui.store.errors import NotFound

    try:
        record = store.get_workload(name)
    except NotFound:
        record = None
    if record is not None:
        lens = lens_lookup(args)(record.lens_id)
        if lens is None:
            raise CliError(
                f"workload {name!r} is assessed against lens {record.lens_id!r}, which is not "
                "installed (see: mllens lens list)"
            )
        return lens
    if getattr(args, "lens", None):
        return resolve_lens(args.lens)
    # The lens that has every question of the review; failing that, the one lens that has
    # some of them, so that the questions it lacks are reported by key path.
    wanted = {a.question_id for a in review.answers}
    overlap = {}
    for lens in installed_lenses():
        if lens.is_choice_based:
            ids = {q.aws_id for q in _export(lens).questions}
            if wanted & ids:
                overlap[lens.id] = (lens, wanted <= ids)
    fits = [lens for lens, whole in overlap.values() if whole] or [
        lens for lens, _ in overlap.values()
    ]
    if len(fits) == 1:
        return fits[0]
    if not fits:
        raise CliError(
            f"{args.file}: no installed lens has the questions of this review; install the "
            "custom lens first (mllens lens import LENS.json) or name it with --lens"
        )
    names = ", ".join(lens.id for lens in fits)
    raise CliError(
        f"{args.file}: several installed lenses fit this review ({names}); choose one with --lens"
    )


def _milestone_name(store: Store, name: str, exists: bool, at: datetime) -> str:
    base = f"AWS review {at:%Y-%m-%d %H:%M:%S}"
    taken = {m.name for m in store.list_milestones(name)} if exists else set()
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base} ({n})", n + 1
    return candidate


def cmd_import_aws_review(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from mllens_tui.aws_review import read_review, review_answers
    from mllens_tui.snapshot import Snapshot
    from mllens_tui.store.service import Store

    review = read_review(_read_json(args.file, "AWS review"), args.file)
    name = args.workload or (f"AWS workload {review.workload_id}" if review.workload_id else "")
    if not name:
        raise CliError(
            f"{args.file} names no WorkloadId: give the workload with --workload NAME", EXIT_USAGE
        )
    now = datetime.now(UTC).replace(microsecond=0)
    with Store.open(getattr(args, "db", None)) as store:
        exists = name in {w.name for w in store.list_workloads()}
        lens = _review_lens(args, store, review, name)
        exported = _export(lens)
        current = store.answers(name) if exists else {}
        result = review_answers(review, lens, exported, current, args.file, at=now)
        if exists:
            snapshot = store.snapshot(name)
        else:
            snapshot = Snapshot(
                lens_id=lens.id,
                lens_version=lens.version,
                content_hash=lens.content_hash,
                workload_name=name,
                description=f"Imported from the AWS Well-Architected Tool ({review.workload_id})"
                if review.workload_id
                else "Imported from the AWS Well-Architected Tool",
            )
        answers = dict(snapshot.answers)
        for qid, answer in result.answers.items():
            if answer is None:
                answers.pop(qid, None)
            else:
                answers[qid] = answer
        snapshot = replace(
            snapshot,
            lens_version=lens.version,
            content_hash=lens.content_hash,
            answers=answers,
        )
        milestone = _milestone_name(store, name, exists, now)
        record = store.import_snapshot(snapshot, lens, workload=name)
        store.create_milestone(name, milestone, lens)
    verb = "updated" if exists else "created"
    _out(
        f"Imported {quantity(len(result.answers), 'answer')} from {args.file} "
        f"into workload {name!r} "
        f"({verb}; {record.answered_count} answered, {record.not_applicable_count} N/A); "
        f"milestone {milestone!r}"
    )
    for note in result.notes:
        _out(f"note: {note}")
    if result.mismatches:
        _out(
            f"Risk differs from this tool's rules on "
            f"{quantity(len(result.mismatches), 'question')}:"
        )
        for m in result.mismatches:
            _out(f"  {m.question_id}: AWS {m.aws_risk}, here {m.our_risk}")
    else:
        _out("Every risk AWS reports matches this tool's rules.")
    return EXIT_OK


def cmd_export_aws_review(args: argparse.Namespace) -> int:
    from mllens_tui.aws_review import update_answer_inputs, update_answer_script
    from mllens_tui.store.service import Store

    fmt = args.format or ("sh" if args.output.endswith(".sh") else "json")
    if fmt == "sh" and not args.workload_id:
        raise CliError("a shell script needs the AWS workload: --workload-id ID", EXIT_USAGE)
    with Store.open(getattr(args, "db", None)) as store:
        record = store.get_workload(args.workload)
        answers = store.answers(record.name)
    lens = lens_lookup(args)(record.lens_id)
    if lens is None:
        raise CliError(
            f"workload {record.name!r} is assessed against lens {record.lens_id!r}, which is "
            "not installed (see: mllens lens list)"
        )
    exported = _export(lens)
    inputs = update_answer_inputs(
        lens,
        exported,
        answers,
        workload_id=args.workload_id or "",
        lens_alias=args.lens_alias or "",
    )
    if fmt == "sh":
        text = update_answer_script(
            inputs,
            workload_id=args.workload_id,
            lens_alias=args.lens_alias or "",
            workload=record.name,
        )
    else:
        text = json.dumps(inputs, indent=2, ensure_ascii=False) + "\n"
    _write(args.output, text)
    if fmt == "sh":
        Path(args.output).chmod(Path(args.output).stat().st_mode | 0o111)
    left = len(exported.questions) - len(inputs)
    _out(
        f"Wrote {quantity(len(inputs), 'update-answer input')} for workload {record.name!r} to "
        f"{args.output} ({quantity(left, 'question')} without answers left out); "
        "nothing was sent to AWS"
    )
    return EXIT_OK
