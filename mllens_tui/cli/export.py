"""``mllens export`` and ``mllens import``: a workload or milestone to and from a snapshot
file."""

from __future__ import annotations

import argparse
import sys

from mllens_tui.cli.base import (
    EXIT_INVALID,
    EXIT_OK,
    EXIT_STORAGE,
    EXIT_USAGE,
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
    if len(args.files) == 1:
        return _import_one(args, args.files[0])
    if args.workload and not args.as_milestone:
        raise CliError(
            "--workload with several files would overwrite the answers file after file; "
            "add --as-milestone to store each as a milestone of that workload",
            EXIT_USAGE,
        )
    return _import_many(args, args.files)


def _import_one(args: argparse.Namespace, path: str) -> int:
    from mllens_tui.store.service import milestone_name_for

    snapshot, lens = read_snapshot(args, path)
    name = args.workload or snapshot.workload_name
    with _store(args) as store:
        record = store.import_snapshot(
            snapshot, lens, workload=args.workload, as_milestone=args.as_milestone
        )
    if args.as_milestone:
        _out(
            f"Imported {path} as milestone {milestone_name_for(snapshot)!r} of workload "
            f"{record.name!r} ({len(snapshot.answers)} answers)"
        )
        return EXIT_OK
    if snapshot.milestone is not None:
        _err(
            f"note: {path} is milestone {snapshot.milestone.name!r}; its answers are now "
            f"the current answers of {name!r} (use --as-milestone to keep it as a milestone)"
        )
    _out(
        f"Imported {path} into workload {record.name!r}: {record.answered_count} answered, "
        f"{record.not_applicable_count} N/A"
    )
    return EXIT_OK


def _import_many(args: argparse.Namespace, paths: list[str]) -> int:
    """Each file in its own transaction, so one bad file refuses only itself; a line per file,
    then the count. A storage failure (the disk, a lock) stops the run: the files after it
    would fail the same way."""
    from mllens_tui.problems import InputError
    from mllens_tui.store.errors import StoreError
    from mllens_tui.store.service import milestone_name_for

    imported = 0
    refused = 0
    code = EXIT_OK
    with _store(args) as store:
        for index, path in enumerate(paths):
            try:
                snapshot, lens = read_snapshot(args, path)
                record = store.import_snapshot(
                    snapshot, lens, workload=args.workload, as_milestone=args.as_milestone
                )
            except InputError as exc:
                refused += 1
                code = EXIT_INVALID
                _err(f"refused {path}: {exc.report()}")
                continue
            except StoreError as exc:
                refused += 1
                if exc.exit_code != EXIT_INVALID:
                    _err(f"refused {path}: {exc.message}")
                    left = len(paths) - index - 1
                    _err(f"stopped: {left} file{'s' if left != 1 else ''} not tried")
                    _out(f"{imported} imported, {refused} refused of {len(paths)} files")
                    return exc.exit_code
                code = EXIT_INVALID
                _err(f"refused {path}: {exc.message}")
                continue
            imported += 1
            if args.as_milestone:
                _out(
                    f"imported {path} as milestone {milestone_name_for(snapshot)!r} of "
                    f"workload {record.name!r}"
                )
            else:
                _out(
                    f"imported {path} into workload {record.name!r}: "
                    f"{record.answered_count} answered, {record.not_applicable_count} N/A"
                )
    _out(f"{imported} imported, {refused} refused of {len(paths)} files")
    return code
