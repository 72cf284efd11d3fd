"""The answers of a workload and their history.

Each answer is written in its own transaction, together with one history row per field that
changed (``answer_change``: field, old, new, who, when, and a ``revision`` number shared by the
rows of one transaction) and one record in the change log (``changes.py``).

A question's revision is the workload revision of its last change (the highest ``revision`` of
its history rows; 0 when it never changed). It survives clearing the answer, so a writer that
saw "unanswered" at revision 4 cannot overwrite an answer given and cleared since. A write
with ``expect_revision`` compares it inside the write transaction and raises ``StaleAnswer``
when the question moved on, so two writers can never both succeed on the same revision.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlmodel import Session

from mllens_tui.assessment import Answer
from mllens_tui.formatting import quantity
from mllens_tui.store import rows
from mllens_tui.store import series as history
from mllens_tui.store.changes import author
from mllens_tui.store.errors import StaleAnswer
from mllens_tui.store.records import AnswerChangeRecord, AnswerState
from mllens_tui.store.rows import (
    ANSWER,
    ANSWER_COLUMNS,
    CHANGE,
    _answer_from_row,
    _answer_values,
    _decode,
    _encode,
    _from_db,
    _normalise,
    _to_db,
)
from mllens_tui.store.tables import WorkloadRow
from mllens_tui.store.workloads import WorkloadStore


class AnswerStore(WorkloadStore):
    """Answers and the changes made to them."""

    def _answers(self, session: Session, workload_id: int) -> dict[str, Answer]:
        rows = session.execute(
            select(*(ANSWER.c[name] for name in ANSWER_COLUMNS)).where(
                ANSWER.c.workload_id == workload_id
            )
        ).all()
        return {row.question_id: _answer_from_row(row) for row in rows}

    def answers_by_workload(self, ids: Iterable[int]) -> dict[int, dict[str, Answer]]:
        """The current answers of the given workloads (by id), in one query per 500: what a
        list of workloads needs, without a query per workload."""
        wanted = list(ids)
        out: dict[int, dict[str, Answer]] = {wid: {} for wid in wanted}
        with self._session(write=False) as session:
            for start in range(0, len(wanted), 500):
                rows = session.execute(
                    select(ANSWER.c.workload_id, *(ANSWER.c[name] for name in ANSWER_COLUMNS))
                    .where(ANSWER.c.workload_id.in_(wanted[start : start + 500]))
                    .order_by(ANSWER.c.id)
                ).all()
                for row in rows:
                    out[row.workload_id][row.question_id] = _answer_from_row(row)
        return out

    def answers(self, workload: str) -> dict[str, Answer]:
        """The current answers of a workload, by question id."""
        with self._session(write=False) as session:
            row = self._workload_row(session, workload)
            assert row.id is not None
            return self._answers(session, row.id)

    def _revisions(
        self, session: Session, workload_id: int, question_id: str | None = None
    ) -> dict[str, int]:
        query = (
            select(CHANGE.c.question_id, func.max(CHANGE.c.revision))
            .where(CHANGE.c.workload_id == workload_id)
            .group_by(CHANGE.c.question_id)
        )
        if question_id is not None:
            query = query.where(CHANGE.c.question_id == question_id)
        return {qid: int(rev) for qid, rev in session.execute(query)}

    def answer_revisions(self, workload: str) -> dict[str, int]:
        """The revision of every question that ever changed (absent: 0), by question id."""
        with self._session(write=False) as session:
            row = self._workload_row(session, workload)
            assert row.id is not None
            return self._revisions(session, row.id)

    def answers_with_revisions(self, workload: str) -> tuple[dict[str, Answer], dict[str, int]]:
        """The current answers and the question revisions, read in one transaction."""
        with self._session(write=False) as session:
            row = self._workload_row(session, workload)
            assert row.id is not None
            return self._answers(session, row.id), self._revisions(session, row.id)

    def _state(self, session: Session, workload_id: int, question_id: str) -> AnswerState:
        current = session.execute(
            select(*(ANSWER.c[name] for name in ANSWER_COLUMNS)).where(
                (ANSWER.c.workload_id == workload_id) & (ANSWER.c.question_id == question_id)
            )
        ).first()
        revision = self._revisions(session, workload_id, question_id).get(question_id, 0)
        return AnswerState(
            question_id, _answer_from_row(current) if current is not None else None, revision
        )

    def answer_state(self, workload: str, question_id: str) -> AnswerState:
        """One question's stored answer and revision."""
        with self._session(write=False) as session:
            row = self._workload_row(session, workload)
            assert row.id is not None
            return self._state(session, row.id, question_id)

    def _check_fresh(
        self, row: WorkloadRow, state: AnswerState, expect_revision: int | None
    ) -> None:
        if expect_revision is None or expect_revision == state.revision:
            return
        current = state.answer
        if current is None:
            what = "it is unanswered now"
        else:
            who = current.answered_by or "someone"
            when = f" at {current.answered_at:%Y-%m-%d %H:%M:%S} UTC" if current.answered_at else ""
            what = f"it is now {describe_answer(current)} by {who}{when}"
        raise StaleAnswer(
            f"{state.question_id} of {row.name!r} changed since revision {expect_revision}: "
            f"{what} (revision {state.revision}). Nothing was written; look at it again "
            f"(mllens history {row.name!r} {state.question_id}) and answer with "
            f"--expect-revision {state.revision} to replace it.",
            current,
            state.revision,
        )

    def _write_answers(
        self,
        session: Session,
        row: WorkloadRow,
        before: Mapping[str, Answer],
        after: Mapping[str, Answer],
        by: str,
        summary: str | None = None,
    ) -> int:
        """Make the stored answers of ``row`` equal ``after`` for every question in ``before``
        or ``after``, with history and one change-log record (``summary``, else a description
        of the one question changed). Returns the number of changed fields."""
        assert row.id is not None
        now = _to_db(rows._now())
        revision = row.revision + 1
        changes: list[dict[str, Any]] = []
        for qid in list(dict.fromkeys([*before, *after])):
            old, new = before.get(qid), after.get(qid)
            for field_name, old_value, new_value in history.diff(old, new):
                changes.append(
                    {
                        "workload_id": row.id,
                        "revision": revision,
                        "question_id": qid,
                        "field": field_name,
                        "old": _encode(old_value),
                        "new": _encode(new_value),
                        "changed_by": author((new.answered_by if new is not None else by) or by),
                        "changed_at": now,
                    }
                )
            if new is None:
                if old is not None:
                    session.execute(
                        delete(ANSWER).where(
                            (ANSWER.c.workload_id == row.id) & (ANSWER.c.question_id == qid)
                        )
                    )
            elif old is None:
                session.execute(insert(ANSWER).values(workload_id=row.id, **_answer_values(new)))
            elif old != new:
                session.execute(
                    update(ANSWER)
                    .where((ANSWER.c.workload_id == row.id) & (ANSWER.c.question_id == qid))
                    .values(**_answer_values(new))
                )
        if changes:
            session.execute(insert(CHANGE), changes)
            row.revision = revision
            questions = list(dict.fromkeys(c["question_id"] for c in changes))
            # An import, a merge or an agreement (given a summary) is made by whoever runs
            # it; one answer given on its own, by its author.
            own = summary is None and len(questions) == 1
            if summary is None and len(questions) == 1:
                qid = questions[0]
                summary = describe_change(qid, before.get(qid), after.get(qid))
            self._log_change(
                session,
                workload_id=row.id,
                workload=row.name,
                kind="answer" if len(questions) == 1 else "answers",
                question_id=questions[0] if len(questions) == 1 else None,
                summary=summary or f"changed {quantity(len(questions), 'answer')} of {row.name!r}",
                by=changes[0]["changed_by"] if own else author(by),
            )
        row.updated_at = now
        session.flush()
        return len(changes)

    def set_answer(
        self, workload: str, answer: Answer, *, expect_revision: int | None = None
    ) -> Answer:
        """Store one answer in its own transaction, with a history row per changed field.

        ``answered_at`` is set to now when it is None. With ``expect_revision``, raises
        ``StaleAnswer`` (writing nothing) unless the question is still at that revision.
        Returns the answer as stored.
        """
        saved = self.save_answer(
            workload, answer, expect_revision=expect_revision, clear_empty=False
        )
        assert saved.answer is not None
        return saved.answer

    def save_answer(
        self,
        workload: str,
        answer: Answer,
        *,
        expect_revision: int | None = None,
        clear_empty: bool = True,
    ) -> AnswerState:
        """Store one answer as ``set_answer`` does and return it with its new revision; an
        empty answer (unanswered, no notes, no evidence) clears the question when
        ``clear_empty``."""
        stored = _normalise(answer)
        empty = (
            clear_empty
            and stored.status == "unanswered"
            and not stored.notes
            and not stored.evidence
        )
        with self._session(write=True) as session:
            row = self._workload_row(session, workload)
            assert row.id is not None
            state = self._state(session, row.id, stored.question_id)
            self._check_fresh(row, state, expect_revision)
            before = {stored.question_id: state.answer} if state.answer is not None else {}
            after = {} if empty else {stored.question_id: stored}
            changed = self._write_answers(session, row, before, after, stored.answered_by)
            revision = row.revision if changed else state.revision
        return AnswerState(stored.question_id, None if empty else stored, revision)

    def clear_answer(
        self,
        workload: str,
        question_id: str,
        *,
        by: str = "",
        expect_revision: int | None = None,
    ) -> None:
        """Back to unanswered: the answer, its notes and evidence go, the history stays."""
        with self._session(write=True) as session:
            row = self._workload_row(session, workload)
            assert row.id is not None
            state = self._state(session, row.id, question_id)
            self._check_fresh(row, state, expect_revision)
            if state.answer is not None:
                self._write_answers(session, row, {question_id: state.answer}, {}, by)

    def answer_history(
        self, workload: str, question_id: str | None = None
    ) -> list[AnswerChangeRecord]:
        """Every recorded change to the answers (of one question), oldest first."""
        with self._session(write=False) as session:
            row = self._workload_row(session, workload)
            query = select(CHANGE).where(CHANGE.c.workload_id == row.id)
            if question_id is not None:
                query = query.where(CHANGE.c.question_id == question_id)
            rows = session.execute(query.order_by(CHANGE.c.revision, CHANGE.c.id)).all()
            return [
                AnswerChangeRecord(
                    id=r.id,
                    workload=row.name,
                    question_id=r.question_id,
                    field=r.field,
                    old=_decode(r.old),
                    new=_decode(r.new),
                    by=r.changed_by,
                    at=_from_db(r.changed_at),
                    revision=r.revision,
                )
                for r in rows
            ]


def describe_answer(answer: Answer | None) -> str:
    """An answer in a few words: "level 2", "N/A", "choices a, b", "unanswered"."""
    if answer is None or answer.status == "unanswered":
        return "unanswered"
    if answer.not_applicable:
        return "N/A"
    if answer.choices is not None:
        return f"choices {', '.join(answer.choices) or '(none)'}"
    return f"level {answer.level}"


def describe_change(question_id: str, old: Answer | None, new: Answer | None) -> str:
    """What a change to one answer did, for the notices of other apps."""
    if new is None or (new.status == "unanswered" and (old is None or old.status != "unanswered")):
        return f"cleared {question_id}"
    if old is not None and describe_answer(old) == describe_answer(new):
        return f"edited {question_id} ({describe_answer(new)})"
    if new.not_applicable:
        return f"marked {question_id} N/A"
    return f"set {question_id} to {describe_answer(new)}"
