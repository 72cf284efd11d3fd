"""The workloads: list, create, update, rename, tag and delete, with their answer and milestone
counts, and the trash deleted workloads wait in.

Deleting a workload moves it to the trash: ``deleted_at`` is set and its name moves to
``deleted_name``, leaving ``name`` a placeholder that no user name can equal (names refuse
control characters), so a new workload may take the name and no look-up by name finds it.
Restoring brings it back with everything. A trashed workload is purged ``TRASH_DAYS`` after it
was deleted: by the first write of each ``Store`` (one query over the workload rows, which
are few) or at once by ``empty_trash``.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime, timedelta

from sqlalchemy import case, delete, func, insert, select
from sqlmodel import Session

from mllens_tui.assessment import Profile
from mllens_tui.inputs import sorted_tags, tag_key
from mllens_tui.lens.model import Lens
from mllens_tui.store import rows
from mllens_tui.store.changes import ChangeLogStore
from mllens_tui.store.errors import (
    AlreadyExists,
    NotFound,
)
from mllens_tui.store.records import TrashedWorkload, WorkloadRecord
from mllens_tui.store.rows import (
    ANSWER,
    BALLOT,
    CHANGE,
    MILESTONE,
    MILESTONE_ANSWER,
    PLAN_ITEM,
    WORKLOAD,
    WORKLOAD_TAG,
    WORKSHOP,
    WORKSHOP_QUESTION,
    _check_name,
    _check_tag,
    _check_target,
    _check_weights,
    _from_db,
    _to_db,
    _weights_from_db,
    _weights_to_db,
)
from mllens_tui.store.tables import WorkloadRow

TRASH_DAYS = 30


def _trash_name(workload_id: int) -> str:
    """The placeholder name of a trashed workload: unique, and refused as a user's name."""
    return f"\x1ftrash:{workload_id}"


class WorkloadStore(ChangeLogStore):
    """Workloads: the part of ``Store`` that every other part finds its workload with."""

    _trash_checked = False

    @contextlib.contextmanager
    def _session(self, *, write: bool) -> Iterator[Session]:
        with super()._session(write=write) as session:
            if write and not self._trash_checked:
                self._trash_checked = True
                self._purge(session, self._expired(session))
            yield session

    def _workload_row(self, session: Session, name: str) -> WorkloadRow:
        row = session.scalars(
            select(WorkloadRow).where(WORKLOAD.c.name == name, WORKLOAD.c.deleted_at.is_(None))
        ).first()
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

    def _tags(self, session: Session, workload_id: int | None = None) -> dict[int, tuple[str, ...]]:
        """The tags per workload id, sorted, for one workload or for all."""
        query = select(WORKLOAD_TAG.c.workload_id, WORKLOAD_TAG.c.tag)
        if workload_id is not None:
            query = query.where(WORKLOAD_TAG.c.workload_id == workload_id)
        found: dict[int, list[str]] = {}
        for wid, tag in session.execute(query):
            found.setdefault(wid, []).append(tag)
        return {wid: sorted_tags(tags) for wid, tags in found.items()}

    def _record(
        self,
        session: Session,
        row: WorkloadRow,
        counts: tuple[int, int, int] | None = None,
        tags: tuple[str, ...] | None = None,
    ) -> WorkloadRecord:
        assert row.id is not None
        if counts is None:
            counts = self._counts(session, row.id).get(row.id, (0, 0, 0))
        if tags is None:
            tags = self._tags(session, row.id).get(row.id, ())
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
            tags=tags,
        )

    def list_workloads(self) -> list[WorkloadRecord]:
        """Every workload, by name."""
        with self._session(write=False) as session:
            rows = session.scalars(
                select(WorkloadRow).where(WORKLOAD.c.deleted_at.is_(None)).order_by(WORKLOAD.c.name)
            ).all()
            counts = self._counts(session)
            tags = self._tags(session)
            return [
                self._record(
                    session, row, counts.get(row.id or 0, (0, 0, 0)), tags.get(row.id or 0, ())
                )
                for row in rows
            ]

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
        by: str = "",
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
            self._log_change(
                session,
                workload_id=row.id,
                workload=name,
                kind="workload",
                summary=f"created workload {name!r}",
                by=by,
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
        now = _to_db(rows._now())
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
        by: str = "",
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
            row.updated_at = _to_db(rows._now())
            session.flush()
            self._log_change(
                session,
                workload_id=row.id,
                workload=row.name,
                kind="workload",
                summary=f"changed the profile of {row.name!r}",
                by=by,
            )
            return self._record(session, row)

    def rename_workload(self, old: str, new: str, *, by: str = "") -> WorkloadRecord:
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
                row.updated_at = _to_db(rows._now())
                session.flush()
                self._log_change(
                    session,
                    workload_id=row.id,
                    workload=new,
                    kind="rename",
                    summary=f"renamed workload {old!r} to {new!r}",
                    by=by,
                )
            return self._record(session, row)

    def tag_workload(self, name: str, tags: Iterable[str]) -> WorkloadRecord:
        """Add tags; one the workload has already, in any case, is kept as it was spelt."""
        wanted = [_check_tag(tag) for tag in tags]
        with self._session(write=True) as session:
            row = self._workload_row(session, name)
            self._add_tags(session, row, wanted)
            return self._record(session, row)

    def _add_tags(self, session: Session, row: WorkloadRow, tags: Iterable[str]) -> None:
        have = set(
            session.scalars(
                select(WORKLOAD_TAG.c.tag_key).where(WORKLOAD_TAG.c.workload_id == row.id)
            )
        )
        new: dict[str, str] = {}
        for tag in tags:
            key = tag_key(tag)
            if key not in have and key not in new:
                new[key] = tag
        if new:
            session.execute(
                insert(WORKLOAD_TAG),
                [{"workload_id": row.id, "tag_key": k, "tag": t} for k, t in new.items()],
            )

    def _set_tags(self, session: Session, row: WorkloadRow, tags: Iterable[str]) -> None:
        session.execute(delete(WORKLOAD_TAG).where(WORKLOAD_TAG.c.workload_id == row.id))
        self._add_tags(session, row, tags)

    def untag_workload(self, name: str, tags: Iterable[str]) -> WorkloadRecord:
        """Remove tags, in any case; a tag the workload does not have is refused."""
        keys = {tag_key(tag): tag for tag in tags}
        with self._session(write=True) as session:
            row = self._workload_row(session, name)
            have = set(
                session.scalars(
                    select(WORKLOAD_TAG.c.tag_key).where(WORKLOAD_TAG.c.workload_id == row.id)
                )
            )
            missing = [tag for key, tag in keys.items() if key not in have]
            if missing:
                raise NotFound(f"workload {row.name!r} has no tag {missing[0]!r}")
            session.execute(
                delete(WORKLOAD_TAG).where(
                    (WORKLOAD_TAG.c.workload_id == row.id) & WORKLOAD_TAG.c.tag_key.in_(keys)
                )
            )
            return self._record(session, row)

    def delete_workload(self, name: str, *, by: str = "") -> None:
        """Move a workload to the trash with its answers, history and milestones; it can be
        restored for ``TRASH_DAYS`` days (``restore_workload``)."""
        with self._session(write=True) as session:
            row = self._workload_row(session, name)
            assert row.id is not None
            row.deleted_name = row.name
            row.name = _trash_name(row.id)
            row.deleted_at = _to_db(rows._now())
            session.flush()
            self._log_change(
                session,
                workload_id=row.id,
                workload=name,
                kind="delete",
                summary=f"deleted workload {name!r} (to the trash)",
                by=by,
            )

    def trash(self) -> list[TrashedWorkload]:
        """The trashed workloads, most recently deleted first, with when each is purged."""
        now = rows._now()
        with self._session(write=False) as session:
            found = session.scalars(
                select(WorkloadRow)
                .where(WORKLOAD.c.deleted_at.isnot(None))
                .order_by(WORKLOAD.c.deleted_at.desc(), WORKLOAD.c.id.desc())
            ).all()
            counts = self._counts(session)
            out = []
            for row in found:
                assert row.id is not None and row.deleted_at is not None
                deleted = _from_db(row.deleted_at)
                purge = deleted + timedelta(days=TRASH_DAYS)
                answered, na, milestones = counts.get(row.id, (0, 0, 0))
                out.append(
                    TrashedWorkload(
                        name=row.deleted_name or "",
                        deleted_at=deleted,
                        purge_at=purge,
                        days_left=max(0, math.ceil((purge - now) / timedelta(days=1))),
                        answered_count=answered,
                        not_applicable_count=na,
                        milestone_count=milestones,
                    )
                )
            return out

    def restore_workload(self, name: str, *, as_name: str | None = None) -> WorkloadRecord:
        """Bring the most recently trashed workload called ``name`` back, under ``as_name``
        if given. Raises NotFound, or AlreadyExists when a workload has the name now."""
        new = _check_name(as_name if as_name is not None else name, "workload")
        with self._session(write=True) as session:
            row = session.scalars(
                select(WorkloadRow)
                .where(WORKLOAD.c.deleted_at.isnot(None), WORKLOAD.c.deleted_name == name)
                .order_by(WORKLOAD.c.deleted_at.desc(), WORKLOAD.c.id.desc())
            ).first()
            if row is None:
                raise NotFound(f"no workload named {name!r} in the trash")
            taken = session.scalars(select(WORKLOAD.c.id).where(WORKLOAD.c.name == new)).first()
            if taken is not None:
                raise AlreadyExists(
                    f"a workload named {new!r} exists already; restore {name!r} under another name"
                )
            row.name = new
            row.deleted_at = None
            row.deleted_name = None
            session.flush()
            self._log_change(
                session,
                workload_id=row.id,
                workload=new,
                kind="workload",
                summary=f"restored workload {new!r} from the trash",
                by="",
            )
            return self._record(session, row)

    def empty_trash(self) -> int:
        """Delete every trashed workload for good, however recent; how many went."""
        with self._session(write=True) as session:
            ids = list(
                session.scalars(select(WORKLOAD.c.id).where(WORKLOAD.c.deleted_at.isnot(None)))
            )
            self._purge(session, ids)
            return len(ids)

    def _expired(self, session: Session) -> list[int]:
        cutoff: datetime = _to_db(rows._now() - timedelta(days=TRASH_DAYS))
        return list(
            session.scalars(
                select(WORKLOAD.c.id).where(
                    WORKLOAD.c.deleted_at.isnot(None), WORKLOAD.c.deleted_at <= cutoff
                )
            )
        )

    def _purge(self, session: Session, ids: list[int]) -> None:
        """Delete workloads with their answers, history, milestones, plan items and tags."""
        if not ids:
            return
        milestones = select(MILESTONE.c.id).where(MILESTONE.c.workload_id.in_(ids))
        workshops = select(WORKSHOP.c.id).where(WORKSHOP.c.workload_id.in_(ids))
        # ON DELETE CASCADE does this too; explicit deletes also hold where a backend does not
        # enforce foreign keys.
        session.execute(
            delete(MILESTONE_ANSWER).where(MILESTONE_ANSWER.c.milestone_id.in_(milestones))
        )
        for child in (BALLOT, WORKSHOP_QUESTION):
            session.execute(delete(child).where(child.c.workshop_id.in_(workshops)))
        for child in (WORKSHOP, MILESTONE, CHANGE, ANSWER, PLAN_ITEM, WORKLOAD_TAG):
            session.execute(delete(child).where(child.c.workload_id.in_(ids)))
        session.execute(delete(WORKLOAD).where(WORKLOAD.c.id.in_(ids)))
