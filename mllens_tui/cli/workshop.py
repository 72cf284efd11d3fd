"""``mllens workshop start | vote | status | reveal | agree | close | merge``: the workshop
flow, scriptable. The facilitator starts a workshop; participants vote (their own ballot,
hidden from the others); the facilitator reveals, reads the spread, and records the agreed
answer; ``merge`` brings in snapshots answered offline.
"""

from __future__ import annotations

import argparse
import getpass
import os
from pathlib import Path
from typing import TYPE_CHECKING

from mllens_tui.cli.base import (
    EXIT_OK,
    CliError,
    _lens_for,
    _out,
    _question,
    _store,
    _when,
    read_snapshot,
)
from mllens_tui.cli.base import _print_json as _json

if TYPE_CHECKING:
    from mllens_tui.lens.model import Lens
    from mllens_tui.store.records import WorkshopRecord
    from mllens_tui.workshop import Ballot


def _who(args: argparse.Namespace) -> str:
    """--by, else MLLENS_USER, else the login name: who is acting."""
    return getattr(args, "by", None) or os.environ.get("MLLENS_USER") or getpass.getuser()


def cmd_workshop_start(args: argparse.Namespace) -> int:
    with _store(args) as store:
        record = store.get_workload(args.workload)
        store.start_workshop(record.name, by=_who(args))
    _out(
        f"Workshop started on {record.name!r}. Participants vote with their level keys in the "
        f"app (or: mllens workshop vote {record.name!r} QUESTION LEVEL --by NAME); ballots stay "
        f"hidden until you reveal them (mllens workshop reveal {record.name!r})."
    )
    return EXIT_OK


def cmd_workshop_vote(args: argparse.Namespace) -> int:
    from mllens_tui.assessment import NAReason
    from mllens_tui.workshop import Ballot

    with _store(args) as store:
        record = store.get_workload(args.workload)
        lens = _lens_for(args, record.lens_id, record.name)
        question = _question(lens, args.question)
        if question.kind == "choice":
            raise CliError(f"question {question.id!r} takes choices; workshops vote on levels")
        if args.level is not None and lens.level(args.level) is None:
            raise CliError(f"level {args.level} is not a level of lens {lens.id!r}")
        store.cast_ballot(
            record.name,
            Ballot(
                question.id,
                _who(args),
                level=args.level,
                not_applicable=args.na is not None,
                reason=NAReason(args.na) if args.na else None,
                notes=args.notes or "",
            ),
        )
    _out(f"Ballot of {_who(args)} on {question.id} recorded (hidden until revealed).")
    return EXIT_OK


def cmd_workshop_reveal(args: argparse.Namespace) -> int:
    with _store(args) as store:
        record = store.get_workload(args.workload)
        lens = _lens_for(args, record.lens_id, record.name)
        # Either id of a question is accepted; ballots are stored under the canonical one.
        wanted = [_question(lens, qid).id for qid in args.questions or []]
        revealed = store.reveal(record.name, wanted or None, by=_who(args))
        workshop = store.workshop(record.name, viewer=_who(args))
    if not revealed:
        _out("Nothing to reveal: every question with ballots is revealed already.")
        return EXIT_OK
    assert workshop is not None
    _out(f"Revealed {len(revealed)} questions of {record.name!r}, widest spread first:")
    _print_reveal(lens, workshop, revealed)
    return EXIT_OK


def _print_reveal(lens: Lens, workshop: WorkshopRecord, only: list[str] | None = None) -> None:
    from mllens_tui.workshop import discussion_order

    ballots: dict[str, list[Ballot]] = {
        qid: list(q.visible) for qid, q in workshop.questions.items() if q.revealed
    }
    if only is not None:
        ballots = {qid: b for qid, b in ballots.items() if qid in only}
    for qid in discussion_order(lens, ballots):
        q = workshop.questions[qid]
        said = ", ".join(f"{b.participant} {b.label}" for b in q.visible)
        state = "agreed" if q.agreed else "open"
        spread = q.spread.text if q.spread is not None else "-"
        _out(f"  {qid:<10} {spread:<26} {state:<6}  {said}")


def cmd_workshop_status(args: argparse.Namespace) -> int:
    from mllens_tui.workshop import summarise

    with _store(args) as store:
        record = store.get_workload(args.workload)
        lens = _lens_for(args, record.lens_id, record.name)
        workshop = store.workshop(record.name, viewer=_who(args))
        if workshop is None:
            raise CliError(
                f"workload {record.name!r} has had no workshop "
                f"(start one with: mllens workshop start {record.name!r})"
            )
        ballots, agreed = store.workshop_ballots(record.name)
    summary = summarise(lens, ballots, agreed)
    revealed = {qid for qid, q in workshop.questions.items() if q.revealed}
    # Spreads of questions not yet revealed would anchor whoever reads them: left out.
    widest = [(qid, s) for qid, s in summary.widest if qid in revealed]
    if args.json:
        _json(
            {
                "workload": record.name,
                "state": workshop.state,
                "started_by": workshop.started_by,
                "started_at": workshop.started_at.isoformat(),
                "closed_at": workshop.closed_at.isoformat() if workshop.closed_at else None,
                "participation": summary.participation,
                "questions": {
                    qid: {
                        "ballots": q.ballot_count,
                        "revealed": q.revealed,
                        "agreed": q.agreed,
                        "visible": [
                            {"participant": b.participant, "level": b.level, "na": b.not_applicable}
                            for b in q.visible
                        ],
                    }
                    for qid, q in workshop.questions.items()
                },
                "without_consensus": summary.without_consensus,
                "widest": [qid for qid, _ in widest],
                "seconds_per_pillar": summary.seconds_per_pillar,
            }
        )
        return EXIT_OK
    closed = f", closed {_when(workshop.closed_at)}" if workshop.closed_at else ""
    _out(
        f"Workshop on {record.name!r}: {workshop.state} (started {_when(workshop.started_at)} "
        f"by {workshop.started_by or 'someone'}{closed}; times in UTC)"
    )
    agreed_count = sum(1 for q in workshop.questions.values() if q.agreed)
    hidden = sum(1 for q in workshop.questions.values() if q.ballot_count and not q.revealed)
    _out(
        f"Questions with ballots: {sum(1 for q in workshop.questions.values() if q.ballot_count)}"
        f", hidden: {hidden}, agreed: {agreed_count}"
    )
    _out("Participation (ballots cast):")
    for name, count in summary.participation.items() or [("(nobody yet)", 0)]:
        _out(f"  {name:<20} {count}")
    if summary.without_consensus:
        _out(f"Without consensus yet: {', '.join(summary.without_consensus)}")
    if widest:
        _out("Where the group disagreed most:")
        for qid, spread in widest:
            _out(f"  {qid:<10} {spread.text}")
    if summary.seconds_per_pillar:
        _out("Time per pillar (first ballot to agreement):")
        names = {p.id: p.name for p in lens.pillars}
        for pillar, seconds in summary.seconds_per_pillar.items():
            _out(
                f"  {names.get(pillar, pillar):<32} {int(seconds // 60)} min {int(seconds % 60)} s"
            )
    if revealed:
        _out("Revealed, widest spread first:")
        _print_reveal(lens, workshop)
    return EXIT_OK


def cmd_workshop_agree(args: argparse.Namespace) -> int:
    from mllens_tui.cli.workload import build_answer
    from mllens_tui.store.answers import describe_answer

    with _store(args) as store:
        record = store.get_workload(args.workload)
        lens = _lens_for(args, record.lens_id, record.name)
        question = _question(lens, args.question)
        current = store.answers(record.name).get(question.id)
        args.choices = None
        answer = build_answer(lens, question, args, current)
        saved = store.agree(
            record.name,
            answer,
            by=_who(args),
            expect_revision=args.expect_revision,
        )
    _out(
        f"{record.name}: {question.id} agreed at {describe_answer(saved.answer)} "
        f"(revision {saved.revision}); the ballots stay on record."
    )
    return EXIT_OK


def cmd_workshop_close(args: argparse.Namespace) -> int:
    with _store(args) as store:
        record = store.get_workload(args.workload)
        workshop = store.close_workshop(record.name, by=_who(args))
    open_questions = [q for q, s in workshop.questions.items() if s.ballot_count and not s.agreed]
    _out(f"Workshop on {record.name!r} closed.")
    if open_questions:
        _out(f"Without an agreed answer: {', '.join(open_questions)}")
    return EXIT_OK


def _participant(snapshot_path: Path, names: set[str]) -> str:
    return snapshot_path.stem if snapshot_path.stem not in names else str(snapshot_path)


def cmd_workshop_merge(args: argparse.Namespace) -> int:
    names: set[str] = set()
    loaded = []
    for path in args.files:
        snapshot, lens = read_snapshot(args, path)
        authors = {a.answered_by for a in snapshot.answers.values() if a.answered_by}
        name = authors.pop() if len(authors) == 1 else _participant(Path(path), names)
        if name in names:
            name = _participant(Path(path), names)
        names.add(name)
        loaded.append((name, snapshot, lens))
    if not loaded:
        raise CliError("give at least one snapshot file to merge")
    with _store(args) as store:
        record = store.get_workload(args.into)
        lens = _lens_for(args, record.lens_id, record.name)
        result = store.merge_snapshots(
            record.name,
            lens,
            [(name, snapshot) for name, snapshot, _ in loaded],
            as_ballots=args.as_ballots,
            by=_who(args),
        )
    who = ", ".join(name for name, _, _ in loaded)
    if args.as_ballots:
        _out(
            f"Merged {len(loaded)} snapshots ({who}) into {record.name!r} "
            f"as {result.ballots} ballots."
        )
    else:
        _out(
            f"Merged {len(loaded)} snapshots ({who}) into {record.name!r}: "
            f"{len(result.applied)} questions answered where they agree."
        )
    if result.conflicts:
        left = "to discuss (ballots kept, nothing agreed)" if args.as_ballots else "left unchanged"
        _out(f"{len(result.conflicts)} conflicts, {left}:")
        for qid, said in sorted(result.conflicts.items()):
            _out(f"  {qid:<10} " + ", ".join(f"{p}: {what}" for p, what in said))
    return EXIT_OK
