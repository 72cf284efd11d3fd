"""Every workload at once, for the portfolio: records, tags, current answers and the latest
milestone of each, read in one transaction with a fixed number of queries (never one per
workload), so that a thousand workloads cost what ten do, times the rows."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from mllens_tui.assessment import Answer, Profile
from mllens_tui.lens.model import Lens
from mllens_tui.portfolio import Column, Row, pillar_columns, portfolio_row
from mllens_tui.store.records import PortfolioRecord
from mllens_tui.store.rows import (
    ANSWER,
    MILESTONE,
    WORKLOAD,
    _decode,
    _from_db,
)
from mllens_tui.store.tables import WorkloadRow
from mllens_tui.store.workloads import WorkloadStore


def _choices(text: str | None) -> tuple[str, ...] | None:
    choices = _decode(text)
    return choices if isinstance(choices, tuple) else None


class PortfolioStore(WorkloadStore):
    """The read the portfolio screen and ``mllens portfolio`` make."""

    def portfolio(self) -> list[PortfolioRecord]:
        """Every workload by name, with its current answers as scoring reads them (level,
        choices, N/A, target; no notes or times) and its latest milestone."""
        with self._session(write=False) as session:
            workloads = session.scalars(
                select(WorkloadRow).where(WORKLOAD.c.deleted_at.is_(None)).order_by(WORKLOAD.c.name)
            ).all()
            counts = self._counts(session)
            tags = self._tags(session)
            answers: dict[int, dict[str, Answer]] = {}
            # Only what scoring reads: times, notes and evidence of 100,000 answers would
            # cost more to convert than the scoring itself. Answers are immutable and a lens
            # has few distinct ones (question x level x target), so equal ones are shared.
            shared: dict[tuple[Any, ...], Answer] = {}
            # Through the driver's own cursor: a hundred thousand rows through SQLAlchemy's
            # result rows cost more than the query. Plain SQL, so any backend takes it.
            cursor = session.connection().connection.cursor()
            try:
                cursor.execute(
                    "SELECT workload_id, question_id, level, choices, not_applicable, target "
                    "FROM answer"
                )
                found = cursor.fetchall()
            finally:
                cursor.close()
            for wid, *values in found:
                key = tuple(values)
                answer = shared.get(key)
                if answer is None:
                    qid, level, choices, na, target = values
                    answer = shared[key] = Answer(
                        qid,
                        level=level,
                        choices=_choices(choices),
                        not_applicable=bool(na),
                        target=target,
                    )
                answers.setdefault(wid, {})[answer.question_id] = answer
            latest_answer = select(ANSWER.c.workload_id, func.max(ANSWER.c.answered_at))
            answered_at = {
                wid: moment
                for wid, moment in session.execute(latest_answer.group_by(ANSWER.c.workload_id))
            }
            newest = (
                func.row_number()
                .over(
                    partition_by=MILESTONE.c.workload_id,
                    order_by=(MILESTONE.c.created_at.desc(), MILESTONE.c.id.desc()),
                )
                .label("newest")
            )
            ranked = select(
                MILESTONE.c.workload_id,
                MILESTONE.c.name,
                MILESTONE.c.created_at,
                MILESTONE.c.overall_score,
                newest,
            ).subquery()
            latest = {
                m.workload_id: m
                for m in session.execute(select(ranked).where(ranked.c.newest == 1))
            }
            out = []
            for workload in workloads:
                wid = workload.id
                assert wid is not None
                record = self._record(
                    session, workload, counts.get(wid, (0, 0, 0)), tags.get(wid, ())
                )
                current = answers.get(wid, {})
                milestone = latest.get(wid)
                moment = answered_at.get(wid)
                last: datetime | None = _from_db(moment) if moment is not None else None
                if last is None and milestone is not None:
                    last = _from_db(milestone.created_at)
                out.append(
                    PortfolioRecord(
                        workload=record,
                        answers=current,
                        milestone=milestone.name if milestone is not None else None,
                        milestone_overall=milestone.overall_score if milestone else None,
                        last_assessed=last,
                    )
                )
            return out


def portfolio_rows(
    records: Iterable[PortfolioRecord], find_lens: Callable[[str], Lens | None]
) -> tuple[list[Row], list[Column]]:
    """Score every workload with its lens (looked up once per lens id): the portfolio's rows,
    and its pillar columns. A workload whose lens is not installed gets a row without scores."""
    from mllens_tui.scoring import score

    lenses: dict[str, Lens | None] = {}
    rows = []
    for record in records:
        workload = record.workload
        if workload.lens_id not in lenses:
            lenses[workload.lens_id] = find_lens(workload.lens_id)
        lens = lenses[workload.lens_id]
        profile = Profile(workload.default_target, dict(workload.pillar_weights))
        scores = None if lens is None else score(lens, record.answers, profile, pillars_only=True)
        rows.append(
            portfolio_row(
                workload.name,
                workload.lens_id,
                scores,
                environment=workload.environment,
                tags=workload.tags,
                last_assessed=record.last_assessed,
                milestone=record.milestone,
                milestone_overall=record.milestone_overall,
            )
        )
    return rows, list(pillar_columns(lens for lens in lenses.values() if lens is not None))
