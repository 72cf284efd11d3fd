"""``mllens report``: a workload or milestone as text with charts, Markdown or JSON."""

from __future__ import annotations

import argparse
import json
import sys

from mllens_tui.cli.base import EXIT_OK, EXIT_STORAGE, CliError, _err, _store
from mllens_tui.cli.score import stored_state


def cmd_report(args: argparse.Namespace) -> int:
    """`mllens report`: the charts and tables of a workload or milestone, for people."""
    import shutil

    from mllens_tui.files import write_atomic
    from mllens_tui.formatting import printable
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
        answers=snapshot.answers,
        owners=snapshot.plan,
    )
    label = previous_name or "the previous milestone"
    if args.format == "json":
        text = json.dumps(report_json(**common, previous_label=previous_name), indent=2) + "\n"
    elif args.format == "markdown":
        text = report_markdown(**common, previous_label=label)
    else:
        width = args.width or shutil.get_terminal_size((80, 24)).columns
        text = report_text(**common, previous_label=label, width=max(40, width))
    if args.format != "json":
        # A name or note with an escape sequence must not reach the terminal, nor a file that
        # someone will `cat`; JSON stays exact (its encoder escapes control characters).
        text = printable(text)
    if not text.endswith("\n"):
        text += "\n"
    if args.output:
        try:
            write_atomic(args.output, text)
        except OSError as exc:
            raise CliError(
                f"cannot write {args.output}: {exc.strerror or exc}", EXIT_STORAGE
            ) from exc
        _err(f"Wrote {args.format} report to {args.output}")
    else:
        sys.stdout.write(text)
    return EXIT_OK
