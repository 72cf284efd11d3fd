"""Live updates: what other processes change appears in every open app within two seconds.

The app polls the store's change counter once a second in a thread worker (one SELECT of one
row: an idle app costs next to nothing, and the event loop never waits on the disk). When the
number moved, the same worker reads what changed and, if the open workload is concerned, its
answers, question revisions and workshop, all before posting one ``StoreChanged`` message.
The app applies it on the event loop (keeping answers of its own still waiting to be written),
tells the screen in view to redraw, and shows who changed what.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

from textual import work
from textual.message import Message

if TYPE_CHECKING:
    from mllens_tui.app.app import MLLensApp
    from mllens_tui.assessment import Answer, Ownership
    from mllens_tui.store.records import ChangeRecord, WorkloadRecord, WorkshopRecord

POLL_SECONDS = 1.0
# Notices for a burst of changes: the first few by name, then a count.
MAX_NOTICES = 3


@dataclass(frozen=True)
class Reload:
    """The open workload as the store has it now."""

    workload_id: int
    record: WorkloadRecord | None  # None: it was deleted
    answers: dict[str, Answer]
    revisions: dict[str, int]
    workshop: WorkshopRecord | None
    owners: dict[str, Ownership] = field(default_factory=dict)


class StoreChanged(Message):
    """Other writers changed the database: what they did, and the open workload reloaded."""

    def __init__(self, counter: int, changes: list[ChangeRecord], reload: Reload | None) -> None:
        super().__init__()
        self.counter = counter
        self.changes = changes
        self.reload = reload


class LiveUpdates:
    """The part of ``MLLensApp`` that watches the store; mixed into the app."""

    seen_counter: int | None = None
    polling = False

    @property
    def _app(self) -> MLLensApp:
        return cast("MLLensApp", self)

    def start_watching(self) -> None:
        """Poll from now on (called once the store is open)."""
        self._app.set_interval(POLL_SECONDS, self._poll, name="store-poll")
        self._poll()

    def _poll(self) -> None:
        # One poll at a time; not an exclusive worker, since cancelling one that is being
        # waited on (by a test, by ``settle``) fails the wait.
        if self._app.store is not None and not self.polling:
            self.polling = True
            self._check_changes()

    @work(thread=True, group="poll", exit_on_error=False)
    def _check_changes(self) -> None:
        try:
            self._look_for_changes()
        finally:
            self.polling = False

    def _look_for_changes(self) -> None:
        from mllens_tui.store.errors import StoreError

        app = self._app
        store = app.store
        if store is None:
            return
        try:
            counter = store.change_counter()
            if self.seen_counter is None:
                self.seen_counter = counter
                return
            if counter == self.seen_counter:
                return
            changes = store.changes_since(self.seen_counter)
            reload = self._reload(changes)
        except StoreError:
            return  # a busy or vanished database: the next poll tries again
        app.post_message(StoreChanged(counter, changes, reload))

    def _reload(self, changes: list[ChangeRecord]) -> Reload | None:
        from mllens_tui.store.changes import MAX_CHANGES
        from mllens_tui.store.errors import NotFound

        app = self._app
        workload = app.current
        if workload is None or workload.read_only or app.store is None:
            return None
        wid = workload.record.id
        # A full page of changes may hide ours behind it: reload to be sure.
        if not any(c.workload_id == wid for c in changes) and len(changes) < MAX_CHANGES:
            return None
        if any(c.workload_id == wid and c.kind == "delete" for c in changes):
            return Reload(wid, None, {}, {}, None)
        name = next(
            (c.workload for c in reversed(changes) if c.workload_id == wid and c.kind == "rename"),
            workload.name,
        )
        try:
            record = app.store.get_workload(name)
            answers, revisions = app.store.answers_with_revisions(name)
            workshop = app.store.workshop(name, viewer=app.participant)
            owners = app.store.plan_owners(name)
        except NotFound:
            return Reload(wid, None, {}, {}, None)
        return Reload(wid, record, answers, revisions, workshop, owners)

    def on_store_changed(self, message: StoreChanged) -> None:
        app = self._app
        self.seen_counter = max(self.seen_counter or 0, message.counter)
        reload = message.reload
        workload = app.current
        if reload is not None and workload is not None and workload.record.id == reload.workload_id:
            if reload.record is None:
                app.notify(f"Workload {workload.name!r} was deleted elsewhere.", severity="warning")
                app.current = None
                app.call_later(app.switch_mode, "workloads")
                return
            pending = app.pending_questions()
            before = (dict(workload.answers), dict(workload.revisions), workload.owners)
            for qid in set(workload.answers) | set(reload.answers):
                if qid in pending:
                    continue  # ours, still on its way to the database
                if qid in reload.answers:
                    workload.answers[qid] = reload.answers[qid]
                else:
                    workload.answers.pop(qid, None)
            for qid, revision in reload.revisions.items():
                if qid not in pending:
                    workload.revisions[qid] = revision
            changed = before != (workload.answers, workload.revisions, reload.owners) or (
                workload.record != reload.record or workload.workshop != reload.workshop
            )
            workload.record = reload.record
            workload.owners = reload.owners
            was_voting = workload.in_workshop
            workload.workshop = reload.workshop
            if was_voting != workload.in_workshop:
                app.show_participant()
            if changed:
                # Only then: a redraw resets what a screen shows (its cursor, its scroll).
                app.answer_version += 1
        if any(c.kind == "milestone" for c in message.changes):
            app.milestone_version += 1
        others = [c for c in message.changes if c.by != app.participant]
        for change in others[:MAX_NOTICES]:
            app.notify(change.text, title=change.workload, timeout=6)
        if len(others) > MAX_NOTICES:
            app.notify(f"and {len(others) - MAX_NOTICES} more changes", timeout=6)
        self.screen_store_changed()

    def screen_store_changed(self) -> None:
        """Tell the screen in view (and the one below a dialog) to redraw from the app state;
        a screen that lists from the store (workloads, history) reloads."""
        for screen in self._app.screen_stack[-2:]:
            for name in ("store_changed", "reload", "answers_changed"):
                hook = getattr(screen, name, None)
                if callable(hook):
                    hook()
                    break
