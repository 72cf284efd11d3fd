"""The score over time of a stored workload: its milestones and its answer history read in
one transaction, then replayed by ``series`` (pure).

A milestone keeps its scores, computed when it was saved, with the content hash of the lens
they were computed with (``milestone.scores``, ``scores_lens_hash``). Only the answers of
milestones without scores for the lens asked about are read and scored, in one query, and
their scores written back, so the next read needs no answers at all.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, bindparam, or_, select, update

from mllens_tui.assessment import Answer, Profile
from mllens_tui.lens.model import Lens
from mllens_tui.store import series as replay
from mllens_tui.store.errors import StoreError
from mllens_tui.store.milestones import MilestoneStore
from mllens_tui.store.records import HistoryPoint, MilestoneRecord
from mllens_tui.store.rows import (
    CHANGE,
    MILESTONE,
    MILESTONE_ANSWER,
    _decode,
    _from_db,
    _totals_from_db,
    _totals_to_db,
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
        return self.history(workload, lens, include_changes=include_changes)[1]

    def history(
        self, workload: str, lens: Lens, *, include_changes: bool = True
    ) -> tuple[list[MilestoneRecord], list[HistoryPoint]]:
        """The milestones of a workload, oldest first (as ``list_milestones``), and its score
        over time (as ``history_series``), read in one transaction."""
        with self._session(write=False) as session:
            row = self._workload_row(session, workload)
            profile = Profile(row.default_target, _weights_from_db(row.pillar_weights))
            milestones = self._milestone_list(session, row)
            totals = {
                m.id: _totals_from_db(m.scores, lens)
                for m in milestones
                if m.scores_lens_hash == lens.content_hash
            }
            unscored = [m.id for m in milestones if totals.get(m.id) is None]
            answer_rows: list[Row[tuple[Any, ...]]] = []
            if unscored:
                stale = MILESTONE.c.workload_id == row.id
                if len(unscored) == len(milestones) - len(totals):
                    # No unreadable scores under this lens: only milestones without them.
                    stale &= or_(
                        MILESTONE.c.scores_lens_hash.is_(None),
                        MILESTONE.c.scores_lens_hash != lens.content_hash,
                    )
                answer_rows = list(
                    session.execute(
                        select(
                            MILESTONE_ANSWER.c.milestone_id,
                            MILESTONE_ANSWER.c.question_id,
                            MILESTONE_ANSWER.c.level,
                            MILESTONE_ANSWER.c.choices,
                            MILESTONE_ANSWER.c.not_applicable,
                            MILESTONE_ANSWER.c.target,
                        )
                        .join(MILESTONE, MILESTONE.c.id == MILESTONE_ANSWER.c.milestone_id)
                        .where(stale)
                    ).all()
                )
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
        profiles = {
            m.id: Profile(m.default_target, _weights_from_db(m.pillar_weights)) for m in milestones
        }
        if unscored:
            frozen = _frozen_answers(answer_rows, lens)
            cache = replay.QuestionScores(lens)
            scored = {
                mid: replay.state_totals(lens, frozen.get(mid, {}), profiles[mid], cache)
                for mid in unscored
            }
            totals.update(scored)
            self._keep_scores(lens, scored)
        states = [
            replay.MilestoneState(
                name=m.name,
                at=_from_db(m.created_at),
                profile=profiles[m.id],
                answers={},
                revision=m.revision,
                totals=totals[m.id],
            )
            for m in milestones
        ]
        changes = [
            replay.ChangeRow(
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
        records = [self._milestone_record(row.name, m) for m in milestones]
        return records, replay.series(lens, profile, changes, states)

    def _keep_scores(self, lens: Lens, scored: dict[int, replay.GroupTotals]) -> None:
        """Write back milestone scores computed from their answers (saved before schema 5,
        or under another lens). They only spare the next read that work: a database this
        process may not write to still shows its history."""
        with contextlib.suppress(StoreError), self._session(write=True) as session:
            session.execute(
                update(MILESTONE)
                .where(MILESTONE.c.id == bindparam("mid"))
                .values(scores=bindparam("kept"), scores_lens_hash=lens.content_hash),
                [{"mid": mid, "kept": _totals_to_db(t)} for mid, t in scored.items()],
            )


def _frozen_answers(
    answer_rows: Sequence[Sequence[Any]], lens: Lens
) -> dict[int, dict[str, Answer]]:
    """The scored fields of milestone answers, by milestone id, for the questions of ``lens``."""
    known = {q.id for q in lens.questions}
    frozen: dict[int, dict[str, Answer]] = {}
    # Most answers are the same in many milestones: build each distinct one once.
    distinct: dict[tuple[Any, ...], Answer] = {}
    for milestone_id, question_id, level, choices, not_applicable, target in answer_rows:
        if question_id not in known:
            continue
        key = (question_id, level, choices, not_applicable, target)
        answer = distinct.get(key)
        if answer is None:
            decoded = _decode(choices)
            answer = distinct[key] = Answer(
                question_id=question_id,
                level=level,
                choices=decoded if isinstance(decoded, tuple) else None,
                not_applicable=bool(not_applicable),
                target=target,
            )
        frozen.setdefault(milestone_id, {})[question_id] = answer
    return frozen
