"""Workshops: each participant's own ballot per question, hidden until the facilitator reveals
the question, then one agreed answer that becomes the workload's; and merging snapshots
answered offline.

One workshop per workload is open at a time. Ballots are never deleted while the workload
exists (a participant who votes again replaces their own ballot), so every ballot behind an
agreed answer stays on record. What a participant may see is decided here, not on screen:
``workshop(..., viewer=...)`` hands out the other participants' ballots only for revealed
questions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import delete, insert, select, update
from sqlmodel import Session

from mllens_tui.assessment import Answer, NAReason
from mllens_tui.lens.model import Lens
from mllens_tui.snapshot import Snapshot
from mllens_tui.store import rows
from mllens_tui.store.answers import describe_answer
from mllens_tui.store.errors import AlreadyExists, InvalidInput, NotFound
from mllens_tui.store.records import AnswerState, WorkshopQuestion, WorkshopRecord
from mllens_tui.store.rows import (
    BALLOT,
    WORKSHOP,
    WORKSHOP_QUESTION,
    _from_db,
    _normalise,
    _to_db,
)
from mllens_tui.store.tables import WorkloadRow, WorkshopRow
from mllens_tui.store.timeline import TimelineStore
from mllens_tui.workshop import Ballot, spread


@dataclass(frozen=True)
class MergeResult:
    """What ``merge_snapshots`` did: answers set (or ballots cast) and the conflicts left."""

    applied: list[str] = field(default_factory=list)  # question ids answered in the workload
    ballots: int = 0  # ballots cast (as ballots)
    # question id -> (participant, what they said), for questions the snapshots disagree on
    conflicts: dict[str, list[tuple[str, str]]] = field(default_factory=dict)


def _ballot_from_row(r: object) -> Ballot:
    data = r._mapping  # type: ignore[attr-defined]
    return Ballot(
        question_id=data["question_id"],
        participant=data["participant"],
        level=data["level"],
        not_applicable=bool(data["not_applicable"]),
        reason=NAReason(data["reason"]) if data["reason"] else None,
        notes=data["notes"] or "",
        at=_from_db(data["cast_at"]),
    )


class WorkshopStore(TimelineStore):
    """Workshops, ballots, reveal and agreement."""

    def _workshop_id(self, session: Session, row: WorkloadRow, *, open_only: bool) -> int | None:
        query = select(WORKSHOP.c.id).where(WORKSHOP.c.workload_id == row.id)
        if open_only:
            query = query.where(WORKSHOP.c.state == "open")
        found = session.execute(query.order_by(WORKSHOP.c.id.desc()).limit(1)).scalar()
        return int(found) if found is not None else None

    def _require_open(self, session: Session, row: WorkloadRow) -> int:
        found = self._workshop_id(session, row, open_only=True)
        if found is None:
            raise NotFound(
                f"no workshop is running on {row.name!r} (start one with: "
                f"mllens workshop start {row.name!r})"
            )
        return found

    def _ballots(self, session: Session, workshop_id: int) -> dict[str, list[Ballot]]:
        out: dict[str, list[Ballot]] = {}
        found = session.execute(
            select(BALLOT).where(BALLOT.c.workshop_id == workshop_id).order_by(BALLOT.c.id)
        ).all()
        for r in found:
            ballot = _ballot_from_row(r)
            out.setdefault(ballot.question_id, []).append(ballot)
        return out

    def _question_rows(self, session: Session, workshop_id: int) -> dict[str, object]:
        found = session.execute(
            select(WORKSHOP_QUESTION).where(WORKSHOP_QUESTION.c.workshop_id == workshop_id)
        ).all()
        return {r.question_id: r for r in found}

    def _workshop_record(
        self, session: Session, row: WorkloadRow, workshop_id: int, viewer: str | None
    ) -> WorkshopRecord:
        w = session.execute(select(WORKSHOP).where(WORKSHOP.c.id == workshop_id)).one()
        ballots = self._ballots(session, workshop_id)
        states = self._question_rows(session, workshop_id)
        questions: dict[str, WorkshopQuestion] = {}
        for qid in dict.fromkeys([*ballots, *states]):
            state = states.get(qid)
            revealed = state is not None and state.revealed_at is not None  # type: ignore[attr-defined]
            agreed_at = state.agreed_at if state is not None else None  # type: ignore[attr-defined]
            found = ballots.get(qid, [])
            visible = found if revealed else [b for b in found if b.participant == viewer]
            questions[qid] = WorkshopQuestion(
                question_id=qid,
                ballot_count=len(found),
                visible=tuple(visible),
                revealed=revealed,
                agreed=agreed_at is not None,
                spread=spread(found) if revealed else None,
                agreed_at=_from_db(agreed_at) if agreed_at is not None else None,
            )
        return WorkshopRecord(
            id=w.id,
            workload=row.name,
            state=w.state,
            started_by=w.started_by,
            started_at=_from_db(w.started_at),
            closed_at=_from_db(w.closed_at) if w.closed_at is not None else None,
            questions=questions,
        )

    def _new_workshop(self, session: Session, row: WorkloadRow, by: str) -> int:
        assert row.id is not None
        workshop = WorkshopRow(
            workload_id=row.id, state="open", started_by=by, started_at=_to_db(rows._now())
        )
        session.add(workshop)
        session.flush()
        assert workshop.id is not None
        return workshop.id

    def start_workshop(self, workload: str, *, by: str = "") -> WorkshopRecord:
        """Open a workshop on a workload; raises AlreadyExists while one is running."""
        with self._session(write=True) as session:
            row = self._workload_row(session, workload)
            if self._workshop_id(session, row, open_only=True) is not None:
                raise AlreadyExists(
                    f"a workshop is already running on {row.name!r} "
                    f"(see: mllens workshop status {row.name!r})"
                )
            workshop_id = self._new_workshop(session, row, by)
            self._log_change(
                session,
                workload_id=row.id,
                workload=row.name,
                kind="workshop",
                summary=f"started a workshop on {row.name!r}",
                by=by,
            )
            return self._workshop_record(session, row, workshop_id, by)

    def workshop(self, workload: str, *, viewer: str | None = None) -> WorkshopRecord | None:
        """The running workshop of a workload, else its last one, else None; as ``viewer``
        may see it (others' ballots only on revealed questions)."""
        with self._session(write=False) as session:
            row = self._workload_row(session, workload)
            found = self._workshop_id(session, row, open_only=True)
            if found is None:
                found = self._workshop_id(session, row, open_only=False)
            return None if found is None else self._workshop_record(session, row, found, viewer)

    def workshop_ballots(
        self, workload: str
    ) -> tuple[dict[str, list[Ballot]], dict[str, datetime]]:
        """Every ballot of the running (else last) workshop by question, and when each agreed
        question was agreed: what the summary is made from."""
        with self._session(write=False) as session:
            row = self._workload_row(session, workload)
            found = self._workshop_id(session, row, open_only=True)
            if found is None:
                found = self._workshop_id(session, row, open_only=False)
            if found is None:
                raise NotFound(f"workload {row.name!r} has had no workshop")
            states = self._question_rows(session, found)
            agreed = {
                qid: _from_db(s.agreed_at)  # type: ignore[attr-defined]
                for qid, s in states.items()
                if s.agreed_at is not None  # type: ignore[attr-defined]
            }
            return self._ballots(session, found), agreed

    def question_ballots(self, workload: str, question_id: str) -> list[Ballot]:
        """Every ballot ever cast on one question of a workload, in every workshop, oldest
        first: the record behind its agreed answers."""
        with self._session(write=False) as session:
            row = self._workload_row(session, workload)
            workshops = select(WORKSHOP.c.id).where(WORKSHOP.c.workload_id == row.id)
            found = session.execute(
                select(BALLOT)
                .where(BALLOT.c.workshop_id.in_(workshops) & (BALLOT.c.question_id == question_id))
                .order_by(BALLOT.c.cast_at, BALLOT.c.id)
            ).all()
            return [_ballot_from_row(r) for r in found]

    def cast_ballot(self, workload: str, ballot: Ballot) -> Ballot:
        """Record (or replace) one participant's own ballot on one question of the running
        workshop. The workload's answers are not touched."""
        if not ballot.participant.strip():
            raise InvalidInput("a ballot needs the participant's name")
        if ballot.not_applicable and ballot.level is not None:
            raise InvalidInput(f"{ballot.question_id}: a ballot is either N/A or a level")
        if not ballot.not_applicable and ballot.level is None:
            raise InvalidInput(f"{ballot.question_id}: a ballot needs a level or N/A")
        stored = replace(
            ballot, at=rows._now(), reason=ballot.reason if ballot.not_applicable else None
        )
        with self._session(write=True) as session:
            row = self._workload_row(session, workload)
            workshop_id = self._require_open(session, row)
            self._cast(session, workshop_id, stored)
            self._log_change(
                session,
                workload_id=row.id,
                workload=row.name,
                kind="ballot",
                question_id=stored.question_id,
                summary=f"voted on {stored.question_id}",
                by=stored.participant,
            )
        return stored

    def _cast(self, session: Session, workshop_id: int, ballot: Ballot) -> None:
        session.execute(
            delete(BALLOT).where(
                (BALLOT.c.workshop_id == workshop_id)
                & (BALLOT.c.question_id == ballot.question_id)
                & (BALLOT.c.participant == ballot.participant)
            )
        )
        session.execute(
            insert(BALLOT).values(
                workshop_id=workshop_id,
                question_id=ballot.question_id,
                participant=ballot.participant,
                level=ballot.level,
                not_applicable=ballot.not_applicable,
                reason=ballot.reason.value if ballot.reason is not None else None,
                notes=ballot.notes,
                cast_at=_to_db(ballot.at or rows._now()),
            )
        )

    def _mark(self, session: Session, workshop_id: int, question_id: str, **values: object) -> None:
        where = (WORKSHOP_QUESTION.c.workshop_id == workshop_id) & (
            WORKSHOP_QUESTION.c.question_id == question_id
        )
        if session.execute(select(WORKSHOP_QUESTION.c.question_id).where(where)).first() is None:
            base: dict[str, object] = {
                "workshop_id": workshop_id,
                "question_id": question_id,
                "revealed_by": "",
                "revealed_at": None,
                "agreed_by": "",
                "agreed_at": None,
            }
            session.execute(insert(WORKSHOP_QUESTION).values(**{**base, **values}))
        else:
            session.execute(update(WORKSHOP_QUESTION).where(where).values(**values))

    def reveal(
        self, workload: str, question_ids: Sequence[str] | None = None, *, by: str = ""
    ) -> list[str]:
        """Show every participant the ballots of these questions (default: every question
        with ballots not yet revealed). Returns the question ids revealed now."""
        with self._session(write=True) as session:
            row = self._workload_row(session, workload)
            workshop_id = self._require_open(session, row)
            ballots = self._ballots(session, workshop_id)
            states = self._question_rows(session, workshop_id)
            if question_ids is None:
                wanted = [
                    qid
                    for qid in ballots
                    if qid not in states or states[qid].revealed_at is None  # type: ignore[attr-defined]
                ]
            else:
                wanted = list(dict.fromkeys(question_ids))
            now = _to_db(rows._now())
            for qid in wanted:
                self._mark(session, workshop_id, qid, revealed_by=by, revealed_at=now)
            if wanted:
                shown = ", ".join(wanted[:3]) + (
                    f" and {len(wanted) - 3} more" if len(wanted) > 3 else ""
                )
                self._log_change(
                    session,
                    workload_id=row.id,
                    workload=row.name,
                    kind="workshop",
                    question_id=wanted[0] if len(wanted) == 1 else None,
                    summary=f"revealed the ballots of {shown}",
                    by=by,
                )
            return wanted

    def agree(
        self,
        workload: str,
        answer: Answer,
        *,
        by: str = "",
        expect_revision: int | None = None,
    ) -> AnswerState:
        """The group's agreed answer to one question: it becomes the workload's answer (with
        history, as given by ``by``), the question is revealed and marked agreed; its ballots
        stay on record."""
        stored = _normalise(replace(answer, answered_by=answer.answered_by or by))
        if stored.status == "unanswered":
            raise InvalidInput(f"{stored.question_id}: an agreed answer needs a level or N/A")
        with self._session(write=True) as session:
            row = self._workload_row(session, workload)
            assert row.id is not None
            workshop_id = self._require_open(session, row)
            state = self._state(session, row.id, stored.question_id)
            self._check_fresh(row, state, expect_revision)
            before = {stored.question_id: state.answer} if state.answer is not None else {}
            ballots = self._ballots(session, workshop_id).get(stored.question_id, [])
            changed = self._write_answers(
                session,
                row,
                before,
                {stored.question_id: stored},
                stored.answered_by,
                summary=f"agreed {stored.question_id} at {describe_answer(stored)} "
                f"({len(ballots)} ballots)",
            )
            now = _to_db(rows._now())
            self._mark(
                session,
                workshop_id,
                stored.question_id,
                revealed_by=by,
                revealed_at=now,
                agreed_by=by,
                agreed_at=now,
            )
            return AnswerState(
                stored.question_id, stored, row.revision if changed else state.revision
            )

    def close_workshop(self, workload: str, *, by: str = "") -> WorkshopRecord:
        """End the running workshop; its ballots and agreements stay on record."""
        with self._session(write=True) as session:
            row = self._workload_row(session, workload)
            workshop_id = self._require_open(session, row)
            session.execute(
                update(WORKSHOP)
                .where(WORKSHOP.c.id == workshop_id)
                .values(state="closed", closed_at=_to_db(rows._now()))
            )
            self._log_change(
                session,
                workload_id=row.id,
                workload=row.name,
                kind="workshop",
                summary=f"closed the workshop on {row.name!r}",
                by=by,
            )
            return self._workshop_record(session, row, workshop_id, by)

    def merge_snapshots(
        self,
        workload: str,
        lens: Lens,
        snapshots: Sequence[tuple[str, Snapshot]],
        *,
        as_ballots: bool,
        by: str = "",
    ) -> MergeResult:
        """Merge participants' snapshots (``(participant, snapshot)``) into a workload, in one
        transaction.

        As ballots: each answer with a level or N/A becomes that participant's ballot in the
        running workshop (one is started when none runs); nothing is agreed. Otherwise: a
        question is answered where every snapshot that answers it says the same, and left
        as it is where they differ. Either way, the questions they disagree on are returned
        as conflicts; nothing is averaged.
        """
        for participant, snapshot in snapshots:
            if snapshot.lens_id != lens.id:
                raise InvalidInput(
                    f"{participant}'s snapshot is for lens {snapshot.lens_id!r}, not {lens.id!r}"
                )
        said: dict[str, list[tuple[str, Answer]]] = {}
        for participant, snapshot in snapshots:
            for qid, answer in snapshot.answers.items():
                if answer.status != "unanswered" and lens.question(qid) is not None:
                    said.setdefault(qid, []).append((participant, answer))
        result = MergeResult()
        with self._session(write=True) as session:
            row = self._workload_row(session, workload)
            assert row.id is not None
            for qid, given in said.items():
                if len({describe_answer(a) for _, a in given}) > 1:
                    result.conflicts[qid] = [(p, describe_answer(a)) for p, a in given]
            if as_ballots:
                workshop_id = self._workshop_id(session, row, open_only=True)
                if workshop_id is None:
                    workshop_id = self._new_workshop(session, row, by)
                for qid, given in said.items():
                    for participant, answer in given:
                        if answer.choices is not None:
                            continue  # choice questions take no ballots; see the conflicts
                        self._cast(
                            session,
                            workshop_id,
                            Ballot(
                                qid,
                                participant,
                                level=answer.level,
                                not_applicable=answer.not_applicable,
                                reason=answer.reason,
                                notes=answer.notes,
                                at=answer.answered_at,
                            ),
                        )
                        result = replace(result, ballots=result.ballots + 1)
                summary = f"merged {len(snapshots)} snapshots as {result.ballots} ballots"
                self._log_change(
                    session,
                    workload_id=row.id,
                    workload=row.name,
                    kind="workshop",
                    summary=summary,
                    by=by,
                )
                return result
            before = self._answers(session, row.id)
            after = dict(before)
            for qid, given in said.items():
                if qid in result.conflicts:
                    continue
                participant, answer = given[0]
                names = ", ".join(p for p, _ in given)
                after[qid] = _normalise(
                    replace(answer, answered_by=answer.answered_by or names), imported=True
                )
                result.applied.append(qid)
            self._write_answers(
                session,
                row,
                before,
                after,
                by,
                summary=f"merged {len(snapshots)} snapshots ({len(result.applied)} answers, "
                f"{len(result.conflicts)} conflicts)",
            )
            return result
