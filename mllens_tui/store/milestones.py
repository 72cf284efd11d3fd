"""Milestones: a workload's answers frozen under a name, in one transaction."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import insert, select, text
from sqlmodel import Session

from mllens_tui.assessment import Answer, Profile
from mllens_tui.lens.model import Lens
from mllens_tui.snapshot import MilestoneInfo, Snapshot, last_change, utc
from mllens_tui.store import rows
from mllens_tui.store import series as history
from mllens_tui.store.answers import AnswerStore
from mllens_tui.store.errors import (
    AlreadyExists,
    InvalidInput,
    NotFound,
)
from mllens_tui.store.records import MilestoneRecord
from mllens_tui.store.rows import (
    ANSWER_COLUMNS,
    MILESTONE,
    MILESTONE_ANSWER,
    _answer_from_row,
    _answer_values,
    _check_name,
    _from_db,
    _to_db,
    _totals_to_db,
    _weights_from_db,
    _weights_to_db,
)
from mllens_tui.store.tables import MilestoneRow, WorkloadRow


class MilestoneColumns(NamedTuple):
    """The columns of a milestone that listing it and its history read."""

    id: int
    name: str
    created_at: datetime
    lens_id: str
    lens_version: str
    lens_hash: str
    default_target: int
    pillar_weights: str
    overall_score: float | None
    answered_count: int
    revision: int
    scores_lens_hash: str | None
    scores: str | None
    sort_key: str = ""  # SQLite's text of created_at, which the SQL order sorts by

    @classmethod
    def _unpack(cls, values: list[Any]) -> MilestoneColumns:
        """One milestone of ``_PACKED_MILESTONES``, the columns in ``_fields`` order."""
        (mid, name, created_at, lens_id, lens_version, lens_hash, target, weights, overall,
         answered, revision, scores_lens_hash, scores) = values  # fmt: skip
        return cls(
            mid,
            name,
            datetime.fromisoformat(created_at),
            lens_id,
            lens_version,
            lens_hash,
            target,
            weights,
            None if overall is None else float(overall),
            answered,
            revision,
            scores_lens_hash,
            scores,
            sort_key=created_at,
        )


# One row for all the milestones of a workload (see ``_milestone_list``). The score goes as
# text with 17 digits: SQLite's JSON writes a REAL with 15, which does not read back the same.
_PACKED_MILESTONES = text(
    "SELECT json_group_array(json_array(id, name, created_at, lens_id, lens_version, "
    "lens_hash, default_target, pillar_weights, "
    "CASE WHEN overall_score IS NULL THEN NULL ELSE printf('%!.17g', overall_score) END, "
    "answered_count, revision, scores_lens_hash, scores)) "
    "FROM milestone WHERE workload_id = :workload"
)


class MilestoneStore(AnswerStore):
    """Create, list and read milestones."""

    def _freeze(
        self,
        session: Session,
        row: WorkloadRow,
        name: str,
        *,
        created_at: datetime,
        workload_name: str,
        description: str,
        environment: str,
        profile: Profile,
        lens: Lens,
        lens_version: str,
        lens_hash: str,
        answers: Mapping[str, Answer],
    ) -> MilestoneRow:
        from mllens_tui.scoring import score

        _check_name(name, "milestone")
        taken = session.scalars(
            select(MILESTONE.c.id).where(
                (MILESTONE.c.workload_id == row.id) & (MILESTONE.c.name == name)
            )
        ).first()
        if taken is not None:
            raise AlreadyExists(
                f"workload {row.name!r} already has a milestone named {name!r}; choose another name"
            )
        assert row.id is not None
        scores = score(lens, answers, profile)
        # Its point of the history, kept so that the history need not replay its answers.
        totals = history.state_totals(lens, answers, profile, history.QuestionScores(lens))
        milestone = MilestoneRow(
            workload_id=row.id,
            name=name,
            created_at=_to_db(created_at),
            workload_name=workload_name,
            description=description,
            environment=environment,
            lens_id=lens.id,
            lens_version=lens_version,
            lens_hash=lens_hash,
            default_target=profile.default_target,
            pillar_weights=_weights_to_db(profile.pillar_weights),
            overall_score=scores.overall.score,
            answered_count=sum(1 for a in answers.values() if a.status == "answered"),
            revision=row.revision,
            scores_lens_hash=lens.content_hash,
            scores=_totals_to_db(totals),
        )
        session.add(milestone)
        session.flush()
        if answers:
            session.execute(
                insert(MILESTONE_ANSWER),
                [{"milestone_id": milestone.id, **_answer_values(a)} for a in answers.values()],
            )
        return milestone

    def _milestone_record(
        self, workload: str, row: MilestoneRow | MilestoneColumns
    ) -> MilestoneRecord:
        assert row.id is not None
        return MilestoneRecord(
            id=row.id,
            workload=workload,
            name=row.name,
            created_at=_from_db(row.created_at),
            lens_id=row.lens_id,
            lens_hash=row.lens_hash,
            overall_score=row.overall_score,
            answered_count=row.answered_count,
            lens_version=row.lens_version,
        )

    def create_milestone(
        self, workload: str, name: str, lens: Lens, *, by: str = ""
    ) -> MilestoneRecord:
        """Freeze the current answers, profile and lens hash under ``name``; one transaction.

        It freezes what is in the database, whatever a screen shows; the change log tells
        every open app, which then shows the same answers."""
        with self._session(write=True) as session:
            row = self._workload_row(session, workload)
            assert row.id is not None
            if lens.id != row.lens_id:
                raise InvalidInput(
                    f"workload {workload!r} is assessed against lens {row.lens_id!r}, "
                    f"not {lens.id!r}"
                )
            milestone = self._freeze(
                session,
                row,
                name,
                created_at=rows._now(),
                workload_name=row.name,
                description=row.description,
                environment=row.environment,
                profile=Profile(row.default_target, _weights_from_db(row.pillar_weights)),
                lens=lens,
                lens_version=lens.version,
                lens_hash=lens.content_hash,
                answers=self._answers(session, row.id),
            )
            self._log_change(
                session,
                workload_id=row.id,
                workload=row.name,
                kind="milestone",
                summary=f"saved milestone {name!r} of {row.name!r}",
                by=by,
            )
            return self._milestone_record(row.name, milestone)

    def _milestone_list(self, session: Session, row: WorkloadRow) -> list[MilestoneColumns]:
        """The milestones of a workload, oldest first, as plain rows: building a thousand
        ORM objects costs more than reading them.

        On SQLite they come as one JSON row: the driver lets go of the interpreter lock for
        every row it steps through, and while the app's event loop is busy (a screen being
        drawn) each row then waits up to 5 ms to get it back; a thousand rows took 0.2-0.4 s
        that way instead of 10 ms."""
        if session.get_bind().dialect.name != "sqlite":
            found = session.execute(
                select(*(MILESTONE.c[name] for name in MilestoneColumns._fields[:-1]))
                .where(MILESTONE.c.workload_id == row.id)
                .order_by(MILESTONE.c.created_at, MILESTONE.c.id)
            )
            return [MilestoneColumns(*r) for r in found]
        packed = session.execute(_PACKED_MILESTONES, {"workload": row.id}).scalar_one()
        listed = [MilestoneColumns._unpack(values) for values in json.loads(packed)]
        return sorted(listed, key=lambda m: (m.sort_key, m.id))

    def list_milestones(self, workload: str) -> list[MilestoneRecord]:
        """The milestones of a workload, oldest first."""
        with self._session(write=False) as session:
            row = self._workload_row(session, workload)
            return [self._milestone_record(row.name, m) for m in self._milestone_list(session, row)]

    def _milestone_row(self, session: Session, row: WorkloadRow, name: str) -> MilestoneRow:
        milestone = session.scalars(
            select(MilestoneRow).where(
                (MILESTONE.c.workload_id == row.id) & (MILESTONE.c.name == name)
            )
        ).first()
        if milestone is None:
            raise NotFound(
                f"workload {row.name!r} has no milestone named {name!r} "
                f"(see: mllens milestone list {row.name!r})"
            )
        return milestone

    def get_milestone(self, workload: str, name: str) -> MilestoneRecord:
        with self._session(write=False) as session:
            row = self._workload_row(session, workload)
            return self._milestone_record(row.name, self._milestone_row(session, row, name))

    def milestone_snapshot(self, workload: str, name: str) -> Snapshot:
        """The milestone as a snapshot: exactly what ``mllens export --milestone`` writes."""
        with self._session(write=False) as session:
            row = self._workload_row(session, workload)
            milestone = self._milestone_row(session, row, name)
            rows = session.execute(
                select(*(MILESTONE_ANSWER.c[n] for n in ANSWER_COLUMNS)).where(
                    MILESTONE_ANSWER.c.milestone_id == milestone.id
                )
            ).all()
        return Snapshot(
            lens_id=milestone.lens_id,
            lens_version=milestone.lens_version,
            content_hash=milestone.lens_hash,
            workload_name=milestone.workload_name,
            description=milestone.description,
            environment=milestone.environment,
            profile=Profile(milestone.default_target, _weights_from_db(milestone.pillar_weights)),
            answers={r.question_id: _answer_from_row(r) for r in rows},
            milestone=MilestoneInfo(milestone.name, _from_db(milestone.created_at)),
        )


def _milestone_time(snapshot: Snapshot) -> datetime:
    if snapshot.milestone is not None:
        return snapshot.milestone.created_at
    return last_change(snapshot) or rows._now()


def milestone_name_for(snapshot: Snapshot) -> str:
    """The name a snapshot gets as a milestone: its own, else ``imported <its last change>``."""
    if snapshot.milestone is not None:
        return snapshot.milestone.name
    return f"imported {utc(_milestone_time(snapshot)):%Y-%m-%d %H:%M:%S}"
