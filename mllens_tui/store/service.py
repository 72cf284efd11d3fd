"""The store's service: what the app's screens and the CLI call to read and change workloads.

Every method opens its own session and transaction and closes it before returning, and hands
out frozen records (``records.py``) or core objects (``Answer``, ``Snapshot``), never ORM rows.

``Store`` is the one entry point; its parts live by concern: ``session`` (the database and the
transaction helper), ``workloads``, ``answers`` (with their history), ``milestones`` and
``timeline`` (the score over time), ``plans`` (plan item owners and due dates),
``portfolio`` (every workload in one read), ``changes`` (the change counter and log every
open app polls) and ``workshops`` (ballots, reveal, agreement, merge), on the row
conversions of ``rows``. Here are what spans
them: a workload as a snapshot, and importing one. Importing a snapshot or creating a milestone
is one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import TracebackType

from sqlalchemy import select
from sqlmodel import Session

from mllens_tui import paths
from mllens_tui.assessment import Profile
from mllens_tui.lens.model import Lens
from mllens_tui.snapshot import Snapshot
from mllens_tui.store.engine import DEFAULT_BUSY_TIMEOUT, open_database
from mllens_tui.store.errors import AlreadyExists, InvalidInput
from mllens_tui.store.milestones import _milestone_time, milestone_name_for
from mllens_tui.store.plans import PlanStore
from mllens_tui.store.portfolio import PortfolioStore
from mllens_tui.store.records import (
    AnswerChangeRecord,
    HistoryPoint,
    MilestoneRecord,
    PortfolioRecord,
    TrashedWorkload,
    WorkloadRecord,
)
from mllens_tui.store.rows import (
    WORKLOAD,
    _check_name,
    _check_tag,
    _check_weights,
    _normalise,
    _weights_from_db,
    _weights_to_db,
)
from mllens_tui.store.tables import WorkloadRow
from mllens_tui.store.workshops import WorkshopStore

__all__ = [
    "AnswerChangeRecord",
    "HistoryPoint",
    "MilestoneRecord",
    "PortfolioRecord",
    "Store",
    "TrashedWorkload",
    "WorkloadRecord",
    "milestone_name_for",
]


class Store(WorkshopStore, PlanStore, PortfolioStore):
    """One database. Safe to share between threads; open one per app or CLI command."""

    @classmethod
    def open(cls, url: str | None = None, *, busy_timeout: float = DEFAULT_BUSY_TIMEOUT) -> Store:
        """Open the database at ``url`` (default: ``paths.default_db_url()``).

        Creates the directory (0700) and file (0600) when missing, upgrades an older schema
        after copying the file beside itself, and refuses a newer schema without touching it.
        """
        return cls(open_database(url or paths.default_db_url(), busy_timeout=busy_timeout))

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def snapshot(self, workload: str) -> Snapshot:
        """The current state as a snapshot; ``exported_at`` is left to the last answer's time."""
        with self._session(write=False) as session:
            row = self._workload_row(session, workload)
            assert row.id is not None
            answers = self._answers(session, row.id)
            plan = self._plan(session, row.id)
            tags = self._tags(session, row.id).get(row.id)
        return Snapshot(
            lens_id=row.lens_id,
            lens_version=row.lens_version,
            content_hash=row.lens_hash,
            workload_name=row.name,
            description=row.description,
            environment=row.environment,
            profile=Profile(row.default_target, _weights_from_db(row.pillar_weights)),
            answers=answers,
            plan=plan,
            tags=tags,
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
        A snapshot's ``[plan]`` becomes the workload's plan owners; one without leaves them
        as they are (older files and AWS reviews say nothing about owners). Milestones keep no
        owners.
        """
        return self.import_snapshots([(snapshot, as_milestone)], lens, workload=workload)

    def import_snapshots(
        self,
        steps: Sequence[tuple[Snapshot, bool]],
        lens: Lens,
        *,
        workload: str | None = None,
        new: bool = False,
    ) -> WorkloadRecord:
        """Several imports in one transaction, in order, as ``import_snapshot`` does each
        (``(snapshot, as_milestone)``): all of them are stored or none, so a failure half-way
        (a full disk) leaves no half-made workload. With ``new``, the workload must not exist.
        """
        if not steps:
            raise InvalidInput("nothing to import")
        with self._session(write=True) as session:
            for index, (snapshot, as_milestone) in enumerate(steps):
                row = self._import(
                    session,
                    snapshot,
                    lens,
                    workload=workload,
                    as_milestone=as_milestone,
                    new=new and index == 0,
                )
            return self._record(session, row)

    def _import(
        self,
        session: Session,
        snapshot: Snapshot,
        lens: Lens,
        *,
        workload: str | None,
        as_milestone: bool,
        new: bool,
    ) -> WorkloadRow:
        name = _check_name(workload or snapshot.workload_name, "workload")
        if snapshot.lens_id != lens.id:
            raise InvalidInput(f"the snapshot is for lens {snapshot.lens_id!r}, not {lens.id!r}")
        weights = _check_weights(snapshot.profile.pillar_weights, lens)
        profile = Profile(snapshot.profile.default_target, weights)
        answers = {qid: _normalise(a, imported=True) for qid, a in snapshot.answers.items()}
        lens_version = snapshot.lens_version or lens.version
        lens_hash = snapshot.content_hash or lens.content_hash
        row = session.scalars(
            select(WorkloadRow).where(WORKLOAD.c.name == name, WORKLOAD.c.deleted_at.is_(None))
        ).first()
        if row is not None and new:
            raise AlreadyExists(f"a workload named {name!r} exists already; choose another name")
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
            self._log_change(
                session,
                workload_id=row.id,
                workload=name,
                kind="milestone",
                summary=f"imported milestone {milestone_name_for(snapshot)!r} into {name!r}",
                by="",
            )
        else:
            row.description = snapshot.description
            row.environment = snapshot.environment
            row.default_target = profile.default_target
            row.pillar_weights = _weights_to_db(profile.pillar_weights)
            row.lens_version = lens_version
            row.lens_hash = lens_hash
            before = self._answers(session, row.id)
            self._write_answers(
                session, row, before, answers, "", summary=f"imported a snapshot into {name!r}"
            )
            if snapshot.plan:
                self._write_plan(session, row.id, snapshot.plan, replace=True)
            if snapshot.tags is not None:
                self._set_tags(session, row, [_check_tag(tag) for tag in snapshot.tags])
        session.flush()
        return row
