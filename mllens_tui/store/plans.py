"""Who owns each improvement-plan item of a workload, and by when (``plan_item``).

Kept out of ``answer``: assigning work is not a change to the assessment, so it adds no
answer history, no revision, and milestones (which freeze answers) leave it out.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import delete, insert, select
from sqlmodel import Session

from mllens_tui.assessment import Ownership
from mllens_tui.store.errors import InvalidInput
from mllens_tui.store.rows import PLAN_ITEM, _check_name
from mllens_tui.store.workloads import WorkloadStore


def _check_ownership(question_id: str, ownership: Ownership) -> Ownership:
    if not question_id:
        raise InvalidInput("a plan item needs a question id")
    if ownership.owner:
        _check_name(ownership.owner, "owner")
    return ownership


class PlanStore(WorkloadStore):
    """Plan item owners and due dates."""

    def _plan(self, session: Session, workload_id: int) -> dict[str, Ownership]:
        found = session.execute(
            select(PLAN_ITEM.c.question_id, PLAN_ITEM.c.owner, PLAN_ITEM.c.due).where(
                PLAN_ITEM.c.workload_id == workload_id
            )
        ).all()
        return {qid: Ownership(owner or "", due) for qid, owner, due in found}

    def plan_owners(self, workload: str) -> dict[str, Ownership]:
        """The owner and due date of each plan item of a workload that has one, by question."""
        with self._session(write=False) as session:
            row = self._workload_row(session, workload)
            assert row.id is not None
            return self._plan(session, row.id)

    def set_ownership(self, workload: str, question_id: str, ownership: Ownership) -> None:
        """Give a plan item an owner and due date; an empty ``Ownership`` clears both."""
        _check_ownership(question_id, ownership)
        with self._session(write=True) as session:
            row = self._workload_row(session, workload)
            assert row.id is not None
            self._write_plan(session, row.id, {question_id: ownership}, replace=False)
            owner = f"to {ownership.owner}" if ownership.owner else "(none)"
            self._log_change(
                session,
                workload_id=row.id,
                workload=row.name,
                kind="plan",
                question_id=question_id,
                summary=f"assigned {question_id} {owner}"
                + (f", due {ownership.due:%Y-%m-%d}" if ownership.due else ""),
                by="",
            )

    def _write_plan(
        self,
        session: Session,
        workload_id: int,
        plan: Mapping[str, Ownership],
        *,
        replace: bool,
    ) -> None:
        """Store ``plan``; with ``replace`` it becomes the whole plan, else it updates it."""
        for qid, ownership in plan.items():
            _check_ownership(qid, ownership)
        stale = delete(PLAN_ITEM).where(PLAN_ITEM.c.workload_id == workload_id)
        if not replace:
            stale = stale.where(PLAN_ITEM.c.question_id.in_(list(plan)))
        session.execute(stale)
        values = [
            {"workload_id": workload_id, "question_id": qid, "owner": o.owner, "due": o.due}
            for qid, o in plan.items()
            if not o.empty
        ]
        if values:
            session.execute(insert(PLAN_ITEM), values)
