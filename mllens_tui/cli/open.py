"""``mllens open`` (and ``mllens`` alone): the Textual app, built with ``make_app``."""

from __future__ import annotations

import argparse
import os

from mllens_tui.cli.base import EXIT_USAGE, CliError, _lens, _reads, lens_lookup


def _start_without_collections() -> None:
    """Start-up allocates hundreds of thousands of objects (Textual, the lens, the first
    screen) and frees almost none: the cycle collector's passes over them cost about a tenth
    of the time to the first screen and find nothing. The app turns it back on once that
    screen is drawn (``MLLensApp._connect``)."""
    import gc

    gc.disable()


def cmd_open(args: argparse.Namespace) -> int:
    _start_without_collections()
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
        ask_name=getattr(args, "ask_name", False),
    )
    app.run()
    return int(app.return_code or 0)


def _check_open_target(args: argparse.Namespace, workload: str, question: str | None) -> None:
    """Refuse an unknown workload or question id here, with exit 1, not inside the app."""
    from mllens_tui.store.errors import NotFound

    with _reads(args) as source:
        found = source.get_workload(workload)
    if found is None:  # the store raises NotFound itself; the reader answers None
        raise NotFound(f"no workload named {workload!r} (see: mllens workload list)")
    record = found
    if question is None:
        return
    lens = lens_lookup(args)(record.lens_id)
    if lens is not None and lens.question(question) is None:
        raise CliError(f"unknown question id {question!r} in lens {lens.id!r}")


def cmd_present(args: argparse.Namespace) -> int:
    """``mllens present W``: the app in presentation mode, one question at a time."""
    _start_without_collections()
    from mllens_tui.app import make_app

    _check_open_target(args, args.workload, args.question)
    chosen = getattr(args, "lens", None) or os.environ.get("MLLENS_LENS")
    app = make_app(
        db_url=args.db,
        lens=_lens(args) if chosen else None,
        workload=args.workload,
        question=args.question,
        present=True,
    )
    app.run()
    return int(app.return_code or 0)
