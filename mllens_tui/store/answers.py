"""The answers of a workload and their history.

Each answer is written in its own transaction, together with one history row per field that
changed (``answer_change``: field, old, new, who, when, and a ``revision`` number shared by the
rows of one transaction).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlmodel import Session

from mllens_tui.assessment import Answer
from mllens_tui.store import rows
from mllens_tui.store import series as history
from mllens_tui.store.records import AnswerChangeRecord
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

    def _write_answers(
        self,
        session: Session,
        row: WorkloadRow,
        before: Mapping[str, Answer],
        after: Mapping[str, Answer],
        by: str,
    ) -> int:
        """Make the stored answers of ``row`` equal ``after`` for every question in ``before``
        or ``after``, with history. Returns the number of changed fields."""
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
                        "changed_by": (new.answered_by if new is not None else by) or by,
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
        row.updated_at = now
        session.flush()
        return len(changes)

    def set_answer(self, workload: str, answer: Answer) -> Answer:
        """Store one answer in its own transaction, with a history row per changed field.

        ``answered_at`` is set to now when it is None. Returns the answer as stored.
        """
        stored = _normalise(answer)
        with self._session(write=True) as session:
            row = self._workload_row(session, workload)
            assert row.id is not None
            current = session.execute(
                select(*(ANSWER.c[name] for name in ANSWER_COLUMNS)).where(
                    (ANSWER.c.workload_id == row.id) & (ANSWER.c.question_id == stored.question_id)
                )
            ).first()
            before = {stored.question_id: _answer_from_row(current)} if current else {}
            self._write_answers(
                session, row, before, {stored.question_id: stored}, stored.answered_by
            )
        return stored

    def clear_answer(self, workload: str, question_id: str, *, by: str = "") -> None:
        """Back to unanswered: the answer, its notes and evidence go, the history stays."""
        with self._session(write=True) as session:
            row = self._workload_row(session, workload)
            assert row.id is not None
            current = session.execute(
                select(*(ANSWER.c[name] for name in ANSWER_COLUMNS)).where(
                    (ANSWER.c.workload_id == row.id) & (ANSWER.c.question_id == question_id)
                )
            ).first()
            if current is not None:
                self._write_answers(session, row, {question_id: _answer_from_row(current)}, {}, by)

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
