"""The score over time of a stored workload: its milestones and its answer history read in
one transaction, then replayed by ``series`` (pure)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from mllens_tui.assessment import Answer, Profile
from mllens_tui.lens.model import Lens
from mllens_tui.store import series as history
from mllens_tui.store.milestones import MilestoneStore
from mllens_tui.store.records import HistoryPoint
from mllens_tui.store.rows import (
    CHANGE,
    MILESTONE,
    MILESTONE_ANSWER,
    _decode,
    _from_db,
    _weights_from_db,
)


class TimelineStore(MilestoneStore):
    """The history series of a workload."""

    def history_series(
        self, workload: str, lens: Lens, *, include_changes: bool = True
    ) -> list[HistoryPoint]:
        """The score over time: one point per milestone and, with ``include_changes``, one per
        change to the answers (replayed from the history), oldest first.

        Milestones are scored with the profile frozen in them; changes with the workload's
        current profile. Both with ``lens``.
        """
        with self._session(write=False) as session:
            row = self._workload_row(session, workload)
            profile = Profile(row.default_target, _weights_from_db(row.pillar_weights))
            milestones = self._milestone_rows(session, row)
            answer_rows = session.execute(
                select(
                    MILESTONE_ANSWER.c.milestone_id,
                    MILESTONE_ANSWER.c.question_id,
                    MILESTONE_ANSWER.c.level,
                    MILESTONE_ANSWER.c.choices,
                    MILESTONE_ANSWER.c.not_applicable,
                    MILESTONE_ANSWER.c.target,
                )
                .join(MILESTONE, MILESTONE.c.id == MILESTONE_ANSWER.c.milestone_id)
                .where(MILESTONE.c.workload_id == row.id)
            ).all()
            change_rows = (
                session.execute(
                    select(
                        CHANGE.c.revision,
                        CHANGE.c.question_id,
                        CHANGE.c.field,
                        CHANGE.c.new,
                        CHANGE.c.old,
                        CHANGE.c.changed_by,
                        CHANGE.c.changed_at,
                    )
                    .where(CHANGE.c.workload_id == row.id)
                    .order_by(CHANGE.c.revision, CHANGE.c.id)
                ).all()
                if include_changes
                else []
            )
        known = {q.id for q in lens.questions}
        frozen: dict[int, dict[str, Answer]] = {}
        # Most answers are the same in many milestones: build each distinct one once.
        distinct: dict[tuple[Any, ...], Answer] = {}
        for milestone_id, question_id, *values in answer_rows:
            if question_id not in known:
                continue
            key = (question_id, *values)
            answer = distinct.get(key)
            if answer is None:
                level, choices, not_applicable, target = values
                decoded = _decode(choices)
                answer = distinct[key] = Answer(
                    question_id=question_id,
                    level=level,
                    choices=decoded if isinstance(decoded, tuple) else None,
                    not_applicable=bool(not_applicable),
                    target=target,
                )
            frozen.setdefault(milestone_id, {})[question_id] = answer
        states = [
            history.MilestoneState(
                name=m.name,
                at=_from_db(m.created_at),
                profile=Profile(m.default_target, _weights_from_db(m.pillar_weights)),
                answers=frozen.get(m.id or 0, {}),
                revision=m.revision,
            )
            for m in milestones
        ]
        changes = [
            history.ChangeRow(
                revision=r.revision,
                question_id=r.question_id,
                field=r.field,
                new=_decode(r.new),
                old=_decode(r.old),
                by=r.changed_by,
                at=_from_db(r.changed_at),
            )
            for r in change_rows
        ]
        return history.series(lens, profile, changes, states)
