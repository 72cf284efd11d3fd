"""The store's service: what the app's screens and the CLI call to read and change workloads.

Every method opens its own session and transaction and closes it before returning, and hands
out frozen records (``records.py``) or core objects (``Answer``, ``Snapshot``), never ORM rows.
Writes take the write lock first (see ``engine.py``), so one ``Store`` can be shared by the
app's thread workers and two processes can write to one file.

Each answer is written in its own transaction, together with one history row per field that
changed (``answer_change``: field, old, new, who, when, and a ``revision`` number shared by the
rows of one transaction). Importing a snapshot or creating a milestone is one transaction.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
from collections.abc import Iterator, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from sqlalchemy import Row, case, delete, func, insert, select, update
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from mllens_tui import paths
from mllens_tui.assessment import Answer, Confidence, NAReason, Profile
from mllens_tui.inputs import name_problem, weight_problem
from mllens_tui.lens.model import Lens
from mllens_tui.snapshot import MilestoneInfo, Snapshot, last_change, utc
from mllens_tui.store import series as history
from mllens_tui.store.engine import DEFAULT_BUSY_TIMEOUT, Database, open_database
from mllens_tui.store.errors import (
    AlreadyExists,
    InvalidInput,
    NotFound,
    StoreError,
    translate,
)
from mllens_tui.store.records import (
    AnswerChangeRecord,
    FieldValue,
    HistoryPoint,
    MilestoneRecord,
    WorkloadRecord,
)
from mllens_tui.store.tables import MilestoneRow, WorkloadRow, table

__all__ = [
    "AnswerChangeRecord",
    "HistoryPoint",
    "MilestoneRecord",
    "Store",
    "WorkloadRecord",
    "milestone_name_for",
]

ANSWER = table("answer")
CHANGE = table("answer_change")
MILESTONE = table("milestone")
MILESTONE_ANSWER = table("milestone_answer")
WORKLOAD = table("workload")

# The columns an answer is stored in, in both ``answer`` and ``milestone_answer``: the
# fields its history follows, plus who gave it and when.
ANSWER_COLUMNS = ("question_id", *history.TRACKED_FIELDS, "answered_by", "answered_at")


# -- conversions ------------------------------------------------------------------------------


def _now() -> datetime:
    return utc(datetime.now(UTC))


def _to_db(moment: datetime) -> datetime:
    """UTC at second precision, the precision snapshots keep."""
    return utc(moment)


def _from_db(moment: datetime) -> datetime:
    """Aware UTC, whether the column type hands back aware or naive (UTC) values."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _encode(value: FieldValue) -> str | None:
    if value is None:
        return None
    return json.dumps(list(value) if isinstance(value, tuple) else value, ensure_ascii=False)


def _decode(text: str | None) -> FieldValue:
    if text is None:
        return None
    value = json.loads(text)
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    if isinstance(value, bool | int | str):
        return value
    return str(value)


def _weights_to_db(weights: Mapping[str, float]) -> str:
    return json.dumps({k: float(v) for k, v in weights.items()}, sort_keys=True)


def _weights_from_db(text: str) -> dict[str, float]:
    return {str(k): float(v) for k, v in json.loads(text or "{}").items()}


def _answer_values(answer: Answer) -> dict[str, Any]:
    """An answer's row: its tracked fields as its history records them, plus who and when."""
    values: dict[str, Any] = history.field_values(answer)
    if values["choices"] is not None:
        values["choices"] = _encode(values["choices"])
    return {
        "question_id": answer.question_id,
        **values,
        "answered_by": answer.answered_by,
        "answered_at": _to_db(answer.answered_at) if answer.answered_at is not None else None,
    }


def _answer_from_row(row: Row[Any]) -> Answer:
    data = row._mapping
    choices = _decode(data["choices"])
    return Answer(
        question_id=data["question_id"],
        level=data["level"],
        choices=choices if isinstance(choices, tuple) else None,
        not_applicable=bool(data["not_applicable"]),
        reason=NAReason(data["reason"]) if data["reason"] else None,
        target=data["target"],
        notes=data["notes"] or "",
        evidence=data["evidence"] or "",
        confidence=Confidence(data["confidence"]) if data["confidence"] else None,
        answered_by=data["answered_by"] or "",
        answered_at=_from_db(data["answered_at"]) if data["answered_at"] is not None else None,
    )


def _check_name(name: str, what: str) -> str:
    problem = name_problem(name, what)
    if problem is not None:
        raise InvalidInput(problem)
    return name


def _check_weights(weights: Mapping[str, float], lens: Lens | None) -> dict[str, float]:
    out: dict[str, float] = {}
    for pillar_id, weight in weights.items():
        if lens is not None and lens.pillar(pillar_id) is None:
            known = ", ".join(p.id for p in lens.pillars)
            raise InvalidInput(f"unknown pillar {pillar_id!r} (expected one of: {known})")
        if isinstance(weight, bool) or not isinstance(weight, int | float):
            raise InvalidInput(f"the weight of {pillar_id!r} must be a number, got {weight!r}")
        if (problem := weight_problem(weight)) is not None:
            raise InvalidInput(f"the weight of {pillar_id!r}: {problem}")
        out[pillar_id] = float(weight)
    return out


def _check_target(target: int, lens: Lens | None) -> int:
    if isinstance(target, bool) or not isinstance(target, int) or target < 0:
        raise InvalidInput(f"a target level is a whole number from 0, got {target!r}")
    if lens is not None and not lens.is_choice_based and lens.level(target) is None:
        raise InvalidInput(f"target {target} is not a level of lens {lens.id!r}")
    return target


def _normalise(answer: Answer, *, imported: bool = False) -> Answer:
    """The answer as it is stored: checked, N/A reason only on N/A, time in UTC seconds.

    A new answer without a time is stamped now; an imported one keeps its own time (None
    stays None), so that exporting it again gives the same bytes.
    """
    if not answer.question_id:
        raise InvalidInput("an answer needs a question id")
    if answer.not_applicable and (answer.level is not None or answer.choices is not None):
        raise InvalidInput(
            f"{answer.question_id}: an answer is either N/A or has a level or choices, not both"
        )
    at = answer.answered_at
    return replace(
        answer,
        choices=tuple(answer.choices) if answer.choices is not None else None,
        reason=answer.reason if answer.not_applicable else None,
        answered_at=(None if imported else _now()) if at is None else utc(at),
    )


# -- the store --------------------------------------------------------------------------------


class Store:
    """One database. Safe to share between threads; open one per app or CLI command."""

    def __init__(self, database: Database) -> None:
        self._db = database
        # An in-memory SQLite database is one connection shared by every thread.
        self._lock: contextlib.AbstractContextManager[Any] = (
            threading.RLock() if database.memory else contextlib.nullcontext()
        )

    @classmethod
    def open(cls, url: str | None = None, *, busy_timeout: float = DEFAULT_BUSY_TIMEOUT) -> Store:
        """Open the database at ``url`` (default: ``paths.default_db_url()``).

        Creates the directory (0700) and file (0600) when missing, upgrades an older schema
        after copying the file beside itself, and refuses a newer schema without touching it.
        """
        return cls(open_database(url or paths.default_db_url(), busy_timeout=busy_timeout))

    def close(self) -> None:
        self._db.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def where(self) -> str:
        """The database file (or URL without password), for messages."""
        return self._db.where

    @property
    def path(self) -> Path | None:
        return self._db.path

    @property
    def backup_path(self) -> Path | None:
        """The copy made before this open upgraded the schema, if it did."""
        return self._db.backup

    @property
    def schema_version(self) -> int:
        return self._db.version

    @contextlib.contextmanager
    def _session(self, *, write: bool) -> Iterator[Session]:
        engine = self._db.write_engine if write else self._db.engine
        with self._lock:
            try:
                with Session(engine, expire_on_commit=False) as session, session.begin():
                    yield session
            except StoreError:
                raise
            except (DBAPIError, sqlite3.Error, OSError) as exc:
                raise translate(exc, self._db.where, self._db.path) from exc

    # -- workloads ------------------------------------------------------------------------------

    def _workload_row(self, session: Session, name: str) -> WorkloadRow:
        row = session.scalars(select(WorkloadRow).where(WORKLOAD.c.name == name)).first()
        if row is None:
            raise NotFound(f"no workload named {name!r} (see: mllens workload list)")
        return row

    def _counts(
        self, session: Session, workload_id: int | None = None
    ) -> dict[int, tuple[int, int, int]]:
        """(answered, N/A, milestones) per workload id, for one workload or for all."""
        answered = ANSWER.c.level.isnot(None) | ANSWER.c.choices.isnot(None)
        answers = select(
            ANSWER.c.workload_id,
            func.count(case((answered, 1))),
            func.count(case((ANSWER.c.not_applicable.is_(True), 1))),
        ).group_by(ANSWER.c.workload_id)
        milestones = select(MILESTONE.c.workload_id, func.count()).group_by(MILESTONE.c.workload_id)
        if workload_id is not None:
            answers = answers.where(ANSWER.c.workload_id == workload_id)
            milestones = milestones.where(MILESTONE.c.workload_id == workload_id)
        out: dict[int, list[int]] = {}
        for wid, n_answered, n_na in session.execute(answers):
            out.setdefault(wid, [0, 0, 0])[:2] = [n_answered, n_na]
        for wid, n_milestones in session.execute(milestones):
            out.setdefault(wid, [0, 0, 0])[2] = n_milestones
        return {wid: (c[0], c[1], c[2]) for wid, c in out.items()}

    def _record(
        self, session: Session, row: WorkloadRow, counts: tuple[int, int, int] | None = None
    ) -> WorkloadRecord:
        assert row.id is not None
        if counts is None:
            counts = self._counts(session, row.id).get(row.id, (0, 0, 0))
        return WorkloadRecord(
            id=row.id,
            name=row.name,
            description=row.description,
            environment=row.environment,
            lens_id=row.lens_id,
            lens_hash=row.lens_hash,
            default_target=row.default_target,
            pillar_weights=_weights_from_db(row.pillar_weights),
            created_at=_from_db(row.created_at),
            updated_at=_from_db(row.updated_at),
            answered_count=counts[0],
            lens_version=row.lens_version,
            not_applicable_count=counts[1],
            milestone_count=counts[2],
        )

    def list_workloads(self) -> list[WorkloadRecord]:
        """Every workload, by name."""
        with self._session(write=False) as session:
            rows = session.scalars(select(WorkloadRow).order_by(WORKLOAD.c.name)).all()
            counts = self._counts(session)
            return [self._record(session, row, counts.get(row.id or 0, (0, 0, 0))) for row in rows]

    def get_workload(self, name: str) -> WorkloadRecord:
        with self._session(write=False) as session:
            return self._record(session, self._workload_row(session, name))

    def create_workload(
        self,
        name: str,
        lens: Lens,
        *,
        description: str = "",
        environment: str = "",
        default_target: int = 3,
        pillar_weights: Mapping[str, float] | None = None,
    ) -> WorkloadRecord:
        """A new workload assessed against ``lens``. Raises AlreadyExists."""
        _check_name(name, "workload")
        if environment:
            _check_name(environment, "environment")
        target = _check_target(default_target, lens)
        weights = _check_weights(pillar_weights or {}, lens)
        with self._session(write=True) as session:
            row = self._new_workload(
                session,
                name,
                lens_id=lens.id,
                lens_version=lens.version,
                lens_hash=lens.content_hash,
                description=description,
                environment=environment,
                profile=Profile(target, weights),
            )
            return self._record(session, row)

    def _new_workload(
        self,
        session: Session,
        name: str,
        *,
        lens_id: str,
        lens_version: str,
        lens_hash: str,
        description: str,
        environment: str,
        profile: Profile,
    ) -> WorkloadRow:
        exists = session.scalars(select(WORKLOAD.c.id).where(WORKLOAD.c.name == name)).first()
        if exists is not None:
            raise AlreadyExists(f"a workload named {name!r} exists already; choose another name")
        now = _to_db(_now())
        row = WorkloadRow(
            name=name,
            description=description,
            environment=environment,
            lens_id=lens_id,
            lens_version=lens_version,
            lens_hash=lens_hash,
            default_target=profile.default_target,
            pillar_weights=_weights_to_db(profile.pillar_weights),
            revision=0,
            created_at=now,
            updated_at=now,
        )
        session.add(row)
        session.flush()
        return row

    def update_workload(
        self,
        name: str,
        *,
        description: str | None = None,
        environment: str | None = None,
        default_target: int | None = None,
        pillar_weights: Mapping[str, float] | None = None,
    ) -> WorkloadRecord:
        """Change what is given; ``None`` leaves a field as it is."""
        if environment:
            _check_name(environment, "environment")
        target = _check_target(default_target, None) if default_target is not None else None
        weights = _check_weights(pillar_weights, None) if pillar_weights is not None else None
        with self._session(write=True) as session:
            row = self._workload_row(session, name)
            if description is not None:
                row.description = description
            if environment is not None:
                row.environment = environment
            if target is not None:
                row.default_target = target
            if weights is not None:
                row.pillar_weights = _weights_to_db(weights)
            row.updated_at = _to_db(_now())
            session.flush()
            return self._record(session, row)

    def rename_workload(self, old: str, new: str) -> WorkloadRecord:
        """Rename; milestones keep the name they were frozen with."""
        _check_name(new, "workload")
        with self._session(write=True) as session:
            row = self._workload_row(session, old)
            if new != old:
                taken = session.scalars(select(WORKLOAD.c.id).where(WORKLOAD.c.name == new))
                if taken.first() is not None:
                    raise AlreadyExists(
                        f"a workload named {new!r} exists already; choose another name"
                    )
                row.name = new
                row.updated_at = _to_db(_now())
                session.flush()
            return self._record(session, row)

    def delete_workload(self, name: str) -> None:
        """Delete a workload with its answers, history and milestones."""
        with self._session(write=True) as session:
            row = self._workload_row(session, name)
            for child in (MILESTONE_ANSWER, MILESTONE, CHANGE, ANSWER):
                # ON DELETE CASCADE does this too; explicit deletes also hold where a backend
                # does not enforce foreign keys.
                if child is MILESTONE_ANSWER:
                    ids = select(MILESTONE.c.id).where(MILESTONE.c.workload_id == row.id)
                    session.execute(delete(child).where(child.c.milestone_id.in_(ids)))
                else:
                    session.execute(delete(child).where(child.c.workload_id == row.id))
            session.delete(row)

    # -- answers --------------------------------------------------------------------------------

    def _answers(self, session: Session, workload_id: int) -> dict[str, Answer]:
        rows = session.execute(
            select(*(ANSWER.c[name] for name in ANSWER_COLUMNS)).where(
                ANSWER.c.workload_id == workload_id
            )
        ).all()
        return {row.question_id: _answer_from_row(row) for row in rows}

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
        now = _to_db(_now())
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

    # -- snapshots ------------------------------------------------------------------------------

    def snapshot(self, workload: str) -> Snapshot:
        """The current state as a snapshot; ``exported_at`` is left to the last answer's time."""
        with self._session(write=False) as session:
            row = self._workload_row(session, workload)
            assert row.id is not None
            answers = self._answers(session, row.id)
        return Snapshot(
            lens_id=row.lens_id,
            lens_version=row.lens_version,
            content_hash=row.lens_hash,
            workload_name=row.name,
            description=row.description,
            environment=row.environment,
            profile=Profile(row.default_target, _weights_from_db(row.pillar_weights)),
            answers=answers,
        )

    def import_snapshot(
        self,
        snapshot: Snapshot,
        lens: Lens,
        *,
        workload: str | None = None,
        as_milestone: bool = False,
    ) -> WorkloadRecord:
        """Create or update a workload from a snapshot, or store it as a milestone; one
        transaction. Updating makes the workload's answers exactly those of the snapshot.

        ``workload`` defaults to the snapshot's workload name. As a milestone, the name and
        time come from the snapshot's ``[milestone]`` table, else from its last change.
        """
        name = _check_name(workload or snapshot.workload_name, "workload")
        if snapshot.lens_id != lens.id:
            raise InvalidInput(f"the snapshot is for lens {snapshot.lens_id!r}, not {lens.id!r}")
        weights = _check_weights(snapshot.profile.pillar_weights, lens)
        profile = Profile(snapshot.profile.default_target, weights)
        answers = {qid: _normalise(a, imported=True) for qid, a in snapshot.answers.items()}
        lens_version = snapshot.lens_version or lens.version
        lens_hash = snapshot.content_hash or lens.content_hash
        with self._session(write=True) as session:
            row = session.scalars(select(WorkloadRow).where(WORKLOAD.c.name == name)).first()
            if row is not None and row.lens_id != lens.id:
                raise InvalidInput(
                    f"workload {name!r} is assessed against lens {row.lens_id!r}; the snapshot "
                    f"is for lens {lens.id!r}. Import it under another name with --workload."
                )
            if row is None:
                row = self._new_workload(
                    session,
                    name,
                    lens_id=lens.id,
                    lens_version=lens_version,
                    lens_hash=lens_hash,
                    description=snapshot.description,
                    environment=snapshot.environment,
                    profile=profile,
                )
            assert row.id is not None
            if as_milestone:
                self._freeze(
                    session,
                    row,
                    milestone_name_for(snapshot),
                    created_at=_milestone_time(snapshot),
                    workload_name=name,
                    description=snapshot.description,
                    environment=snapshot.environment,
                    profile=profile,
                    lens=lens,
                    lens_version=lens_version,
                    lens_hash=lens_hash,
                    answers=answers,
                )
            else:
                row.description = snapshot.description
                row.environment = snapshot.environment
                row.default_target = profile.default_target
                row.pillar_weights = _weights_to_db(profile.pillar_weights)
                row.lens_version = lens_version
                row.lens_hash = lens_hash
                before = self._answers(session, row.id)
                self._write_answers(session, row, before, answers, "")
            session.flush()
            return self._record(session, row)

    # -- milestones -----------------------------------------------------------------------------

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
        )
        session.add(milestone)
        session.flush()
        if answers:
            session.execute(
                insert(MILESTONE_ANSWER),
                [{"milestone_id": milestone.id, **_answer_values(a)} for a in answers.values()],
            )
        return milestone

    def _milestone_record(self, workload: str, row: MilestoneRow) -> MilestoneRecord:
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

    def create_milestone(self, workload: str, name: str, lens: Lens) -> MilestoneRecord:
        """Freeze the current answers, profile and lens hash under ``name``; one transaction."""
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
                created_at=_now(),
                workload_name=row.name,
                description=row.description,
                environment=row.environment,
                profile=Profile(row.default_target, _weights_from_db(row.pillar_weights)),
                lens=lens,
                lens_version=lens.version,
                lens_hash=lens.content_hash,
                answers=self._answers(session, row.id),
            )
            return self._milestone_record(row.name, milestone)

    def _milestone_rows(self, session: Session, row: WorkloadRow) -> list[MilestoneRow]:
        return list(
            session.scalars(
                select(MilestoneRow)
                .where(MILESTONE.c.workload_id == row.id)
                .order_by(MILESTONE.c.created_at, MILESTONE.c.id)
            ).all()
        )

    def list_milestones(self, workload: str) -> list[MilestoneRecord]:
        """The milestones of a workload, oldest first."""
        with self._session(write=False) as session:
            row = self._workload_row(session, workload)
            return [self._milestone_record(row.name, m) for m in self._milestone_rows(session, row)]

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

    # -- history --------------------------------------------------------------------------------

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


def _milestone_time(snapshot: Snapshot) -> datetime:
    if snapshot.milestone is not None:
        return snapshot.milestone.created_at
    return last_change(snapshot) or _now()


def milestone_name_for(snapshot: Snapshot) -> str:
    """The name a snapshot gets as a milestone: its own, else ``imported <its last change>``."""
    if snapshot.milestone is not None:
        return snapshot.milestone.name
    return f"imported {utc(_milestone_time(snapshot)):%Y-%m-%d %H:%M:%S}"
