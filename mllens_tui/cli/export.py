"""``mllens export`` and ``mllens import``: a workload or milestone to and from a snapshot
file."""

from __future__ import annotations

import argparse
import sys

from mllens_tui.cli.base import (
    EXIT_OK,
    EXIT_STORAGE,
    CliError,
    _err,
    _lens_for,
    _lens_note,
    _out,
    _store,
    read_snapshot,
)


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
        _err(
            f"note: {args.file} is milestone {snapshot.milestone.name!r}; its answers are now "
            f"the current answers of {name!r} (use --as-milestone to keep it as a milestone)"
        )
    _out(
        f"Imported {args.file} into workload {record.name!r}: {record.answered_count} answered, "
        f"{record.not_applicable_count} N/A"
    )
    return EXIT_OK
