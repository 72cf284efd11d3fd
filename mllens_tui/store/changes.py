"""The change counter and the change log: how every open app learns what other processes did.

Every write transaction that changes what a screen shows calls ``_log_change`` once per thing
changed: it bumps the one-row ``change_counter`` (``UPDATE ... SET counter = counter + 1``,
which takes the row's lock on any backend, so two writers never get the same number) and
records who changed what under the new value in ``change_log``. The write and its record
commit together or not at all.

A reader polls ``change_counter()`` (one SELECT of one row) and asks ``changes_since(n)`` only
when the number moved. This is plain SQL, unlike SQLite's ``PRAGMA data_version``, so it works
the same on a server database.
"""

from __future__ import annotations

from sqlalchemy import insert, select, update
from sqlmodel import Session

from mllens_tui.store import rows
from mllens_tui.store.records import ChangeRecord
from mllens_tui.store.rows import COUNTER, LOG, _from_db, _to_db
from mllens_tui.store.session import StoreBase

# At most this many changes are handed out per call; a reader far behind reloads anyway.
MAX_CHANGES = 200


class ChangeLogStore(StoreBase):
    """The change counter, bumped by every write, and the log of what each write did."""

    def _log_change(
        self,
        session: Session,
        *,
        workload_id: int | None,
        workload: str,
        kind: str,
        summary: str,
        by: str,
        question_id: str | None = None,
    ) -> int:
        session.execute(
            update(COUNTER).where(COUNTER.c.id == 1).values(counter=COUNTER.c.counter + 1)
        )
        counter = int(
            session.execute(select(COUNTER.c.counter).where(COUNTER.c.id == 1)).scalar_one()
        )
        session.execute(
            insert(LOG).values(
                counter=counter,
                workload_id=workload_id,
                workload=workload,
                kind=kind,
                question_id=question_id,
                summary=summary,
                changed_by=by,
                changed_at=_to_db(rows._now()),
            )
        )
        return counter

    def change_counter(self) -> int:
        """The number of the last change made by anyone: one cheap SELECT, for polling."""
        with self._session(write=False) as session:
            value = session.execute(select(COUNTER.c.counter).where(COUNTER.c.id == 1)).scalar()
            return int(value or 0)

    def changes_since(self, counter: int) -> list[ChangeRecord]:
        """The changes after ``counter``, oldest first (at most ``MAX_CHANGES``)."""
        with self._session(write=False) as session:
            found = session.execute(
                select(LOG)
                .where(LOG.c.counter > counter)
                .order_by(LOG.c.counter)
                .limit(MAX_CHANGES)
            ).all()
        return [
            ChangeRecord(
                counter=r.counter,
                workload_id=r.workload_id,
                workload=r.workload,
                kind=r.kind,
                question_id=r.question_id,
                summary=r.summary,
                by=r.changed_by,
                at=_from_db(r.changed_at),
            )
            for r in found
        ]
