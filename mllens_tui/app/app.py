"""The Textual app: modes for the top-level areas, a store opened off the event loop, and an
ordered writer so every answer is committed the moment it is given, in the order given.

Nothing typed is lost: screens save what is still being typed when they are left or closed,
the writer's queue is committed before the app ends, and a hang-up (SIGHUP: the terminal
closed, SSH dropped) or SIGTERM commits everything before anything touches the terminal.

Answers are written against the revision the screen showed: when another process changed the
question meanwhile, nothing is written and the conflict dialog lets the user choose. What other
processes change comes back through ``live.LiveUpdates``. While a workshop runs, level keys
cast the participant's own ballot instead of changing the workload's answer.
"""

from __future__ import annotations

import asyncio
import gc
import getpass
import os
import queue
import select
import signal
import sys
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen

from mllens_tui.app.live import LiveUpdates
from mllens_tui.app.screens.base import AppScreen

if TYPE_CHECKING:
    from textual.widget import AwaitMount

    from mllens_tui.app.screens.workloads import FirstRows
    from mllens_tui.assessment import Answer, Ownership, Profile
    from mllens_tui.lens.model import Lens
    from mllens_tui.scoring import Scores
    from mllens_tui.store.errors import StaleAnswer
    from mllens_tui.store.quickread import QuickRead
    from mllens_tui.store.records import WorkshopRecord
    from mllens_tui.store.service import Store, WorkloadRecord

# The top-level areas (the app's modes): the module under app/screens and the class of each.
AREAS = {
    "workloads": ("workloads", "WorkloadsScreen"),
    "dashboard": ("dashboard", "DashboardScreen"),
    "pillars": ("questions", "PillarsScreen"),
    "phases": ("questions", "PhasesScreen"),
    "plan": ("plan", "PlanScreen"),
    "history": ("history", "HistoryScreen"),
    "charts": ("charts", "ChartsScreen"),
}


# Seconds that frames are held while the app switches to an area's own screen (Textual: 0.05).
SWITCH_HOLD = 0.001

# Pauses, in seconds, between tries of an answer whose commit failed for a passing reason.
WRITE_RETRY_FIRST = 0.5
WRITE_RETRY_MAX = 5.0


@dataclass
class OpenWorkload:
    """The workload being assessed: its record, its lens, its current answers and who owns
    which plan item by when (none for a milestone)."""

    record: WorkloadRecord
    lens: Lens
    answers: dict[str, Answer]
    read_only: bool = False  # a milestone opened for viewing
    milestone: str | None = None
    owners: dict[str, Ownership] = field(default_factory=dict)
    # The revision of each question as last read or written: an answer is written only
    # while the question is still at the revision shown.
    revisions: dict[str, int] = field(default_factory=dict)
    workshop: WorkshopRecord | None = None  # the running (else last) one, as we may see it

    @property
    def in_workshop(self) -> bool:
        return self.workshop is not None and self.workshop.is_open and not self.read_only

    @property
    def name(self) -> str:
        return self.record.name

    @property
    def profile(self) -> Profile:
        from mllens_tui.assessment import Profile

        return Profile(
            default_target=self.record.default_target,
            pillar_weights=dict(self.record.pillar_weights),
        )


@dataclass(frozen=True)
class _Write:
    """One item for the writer thread: an answer (or a ballot) and what it was written over."""

    workload: str
    answer: Answer
    previous: Answer | None
    started: float
    expected: int | None
    ballot: bool = False


class MLLensApp(LiveUpdates, App[None]):
    """Assess an ML workload against a Well-Architected lens."""

    TITLE = "mllens"
    CSS_PATH = "mllens.tcss"
    ENABLE_COMMAND_PALETTE = True

    # The modes are added in __init__, one per area (AREAS): each screen is imported and built
    # when first shown, so start-up pays only for the workload list.
    DEFAULT_MODE = "workloads"

    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True, show=False),
        Binding("question_mark", "help", "Help", id="app.help", tooltip="Every key of this screen"),
        Binding("slash", "screen.search", "Search", id="app.search", tooltip="Find a question"),
        Binding("d", "area('dashboard')", "Dashboard", id="app.dashboard", show=False),
        Binding("p", "area('pillars')", "Pillars", id="app.pillars", show=False),
        Binding("f", "area('phases')", "Phases", id="app.phases", show=False),
        Binding("i", "area('plan')", "Plan", id="app.plan", show=False),
        Binding("h", "area('history')", "History", id="app.history", show=False),
        Binding("g", "area('charts')", "Charts", id="app.charts", show=False),
        Binding("w", "area('workloads')", "Workloads", id="app.workloads", show=False),
    ]

    current: reactive[OpenWorkload | None] = reactive(None, init=False, always_update=True)

    class StoreReady(Message):
        """The database is open."""

    class StoreFailed(Message):
        def __init__(self, error: str) -> None:
            super().__init__()
            self.error = error

    class WorkloadOpened(Message):
        def __init__(
            self, workload: OpenWorkload, question: str | None, mode: str = "dashboard"
        ) -> None:
            super().__init__()
            self.workload = workload
            self.question = question
            self.mode = mode

    class AnswerSaved(Message):
        """An answer is committed; ``elapsed`` is seconds from the key press to the commit."""

        def __init__(self, answer: Answer, elapsed: float, revision: int) -> None:
            super().__init__()
            self.answer = answer
            self.elapsed = elapsed
            self.revision = revision

    class AnswerPending(Message):
        """A commit failed for a reason that may pass (a lock, a lost server): the answer
        stays on screen and the writer keeps trying it; ``saved`` once it went through."""

        def __init__(self, answer: Answer, error: str, saved: bool) -> None:
            super().__init__()
            self.answer = answer
            self.error = error
            self.saved = saved

    class AnswerFailed(Message):
        def __init__(self, answer: Answer, previous: Answer | None, error: str) -> None:
            super().__init__()
            self.answer = answer
            self.previous = previous
            self.error = error

    class AnswerStale(Message):
        """Someone else changed the question since it was shown; nothing was written."""

        def __init__(self, answer: Answer, error: StaleAnswer) -> None:
            super().__init__()
            self.answer = answer
            self.error = error

    class WriteDropped(Message):
        """An answer given over a revision already found stale: not written (see the dialog)."""

        def __init__(self, question_id: str) -> None:
            super().__init__()
            self.question_id = question_id

    class BallotSaved(Message):
        def __init__(self, answer: Answer) -> None:
            super().__init__()
            self.answer = answer

    def __init__(
        self,
        db_url: str | None = None,
        lens: Lens | None = None,
        workload: str | None = None,
        question: str | None = None,
        ask_name: bool = False,
        present: bool = False,
    ) -> None:
        if workload:
            # Straight to the workload's dashboard: its first frame shows the workload when
            # on_load could read it, else the dashboard fills once the store has it (or the
            # app goes to the list, saying why it could not open it).
            self.DEFAULT_MODE = "dashboard"
        super().__init__()
        for mode in AREAS:
            self.add_mode(mode, partial(self._area_screen, mode))
        self._area_screens: dict[str, Screen[Any]] = {}  # each area's screen, once built
        self._switching = False
        self.db_url = db_url
        self.ask_name = ask_name
        self._lens = lens
        self.start_workload = workload
        self.start_question = question
        self.start_present = present
        self.store: Store | None = None
        self.store_error: str | None = None
        # Reads for the first screen, before the store (SQLAlchemy) is loaded; None when the
        # database is not a SQLite file that store.quickread can read safely.
        self.reader: QuickRead | None = None
        self._store_settled = threading.Event()  # the store is open, or failed to open
        self._usable = threading.Event()  # the first screen shows what it is for
        self._opened_start = False
        self._first_rows: FirstRows | None = None  # read before the first frame
        self._draining = False  # the app is ending: drain_writes commits what is queued
        self._writes: queue.Queue[_Write | None] = queue.Queue()
        self._writer_started = False
        self._writer_done = threading.Event()
        self._signals: list[signal.Signals] = []
        self._pending: dict[str, int] = {}  # question id -> writes queued, not yet done
        # Used by the one thread that commits (the writer, or drain_writes once it stopped):
        # (workload, question) -> (revision shown, revision written) of its last own write,
        # and the (workload, question, revision shown) found stale.
        self._own_revisions: dict[tuple[str, str], tuple[int, int]] = {}
        self._stale: set[tuple[str, str, int]] = set()
        self._stop_writing = threading.Event()
        # (workload, question) with the conflict dialog open: text typed there is held, not
        # saved, until the user chooses.
        self.conflicts: set[tuple[str, str]] = set()
        self._scores_key: tuple[int, int] | None = None
        self._scores: Scores | None = None
        self.answer_version = 0
        self.milestone_version = 0
        # Who answers: recorded on every answer. In a workshop, whoever has the keyboard
        # sets it from the command palette ("Who is answering").
        self.participant = os.environ.get("MLLENS_USER") or getpass.getuser()
        self.save_times: list[float] = []

    def format_title(self, title: str, sub_title: str) -> Content:
        """Every screen's header ends with who is answering (and that ballots are private
        while a workshop runs)."""
        workload = self.current
        doing = "voting" if workload is not None and workload.in_workshop else "answering"
        return Content.assemble(
            super().format_title(title, sub_title), (f"  · {self.participant} {doing}", "bold")
        )

    def show_participant(self) -> None:
        """Redraw the headers on the screens open now (the name or the workshop changed)."""
        from textual.css.query import NoMatches
        from textual.widgets import Header
        from textual.widgets._header import HeaderTitle

        if not self.is_running:
            return
        for screen in self.screen_stack:
            for header in screen.query(Header):
                try:
                    header.query_one(HeaderTitle).update(header.format_title())
                except NoMatches:
                    continue

    # -- lens and scores ---------------------------------------------------------------------

    @property
    def lens(self) -> Lens:
        """The lens new workloads are created on (--lens, else the built-in ML Lens)."""
        if self._lens is None:
            from mllens_tui.lens.registry import builtin_lens

            self._lens = builtin_lens()
        return self._lens

    def scores(self) -> Scores | None:
        """Scores of the open workload, recomputed only when an answer changed."""
        workload = self.current
        if workload is None:
            return None
        key = (id(workload), self.answer_version)
        if self._scores is None or self._scores_key != key:
            from mllens_tui.scoring import score

            self._scores = score(workload.lens, workload.answers, workload.profile)
            self._scores_key = key
        return self._scores

    # -- start-up ----------------------------------------------------------------------------

    def on_load(self) -> None:
        """Read what the first screen shows before it is composed, so that the first frame
        is the workload list (or the workload asked for) itself, not a placeholder: through
        ``quickread`` (the standard library's sqlite3, milliseconds), when it can read the
        database; else the store opens off the event loop and the screen waits for it."""
        from mllens_tui import paths
        from mllens_tui.store.errors import StoreError
        from mllens_tui.store.quickread import QuickRead

        reader = QuickRead.open(self.db_url or paths.default_db_url())
        if reader is None:
            return
        self.reader = reader
        try:
            if self.start_workload:
                opened = self._read_workload(self.start_workload, wait=False)
                if opened is not None:
                    self._opened_start = True
                    self.answer_version += 1
                    self.current = opened  # on_mount goes on to the question asked for
            else:
                import shutil

                from mllens_tui.app.screens.workloads import first_rows

                # Only the rows a terminal this tall shows: the rest follow a chunk at a time.
                self._first_rows = first_rows(reader, shutil.get_terminal_size().lines)
        except (StoreError, LookupError):
            pass  # left to the store, which shows the error once the screen is up

    def take_first_rows(self) -> FirstRows | None:
        """The list read before the first frame, once (later shows read it again)."""
        first, self._first_rows = self._first_rows, None
        return first

    async def on_mount(self) -> None:
        from mllens_tui.app.palette import use_sixteen_colours

        use_sixteen_colours(self)
        # Draw the first screen before the database and lens imports compete for the GIL.
        self.call_after_refresh(self._connect)
        self._catch_signals()
        self._watch_terminal()
        if self.current is not None:  # read by on_load
            self.show_participant()
            await self._arrive(self.current, self.start_question)

    @work(thread=True, exclusive=True, group="connect")
    def _connect(self) -> None:
        """Open the store (SQLAlchemy, half a second) for the first write: once the first
        screen, read by ``on_load`` through the reader, is drawn; at once without a reader
        (the screen waits for the store then)."""
        from mllens_tui.store.errors import StoreError

        if self.reader is not None:
            # Importing the store holds the GIL for most of half a second: let the first
            # screen draw its rows first. The timeout covers a screen that never says so.
            self._usable.wait(timeout=2.0)
        if not gc.isenabled():
            # ``mllens open`` started without the cycle collector; the first screen is drawn.
            # What start-up built is kept for good: freeze it first, so that the collector's
            # first passes do not walk all of it (hundreds of thousands of objects) while the
            # user presses the first keys.
            gc.freeze()
            gc.enable()
        from mllens_tui.store.service import Store

        try:
            store = Store.open(self.db_url)
        except StoreError as exc:
            self.store_error = str(exc)
            self._store_settled.set()
            self.post_message(self.StoreFailed(str(exc)))
            return
        _ = self.lens
        self.store = store
        self._store_settled.set()
        self.post_message(self.StoreReady())
        # The other screens and the chart code: load them now, in this worker, while the user
        # reads the first screen, so that a first visit does not pay for the imports.
        import importlib

        for module in ("questions", "question", "plan", "history", "charts", "help"):
            importlib.import_module(f"mllens_tui.app.screens.{module}")
        _freeze_long_lived(self)

    def mark_usable(self) -> None:
        """The first screen shows what it is for: the store may load now."""
        self._usable.set()

    def wait_for_store(self) -> Store | None:
        """For workers: the store once it is open, or None when it failed to open (the
        failure is on screen already)."""
        self._usable.set()  # needed now: open it without waiting for the first screen
        self._store_settled.wait()
        return self.store

    async def _open_failed(self) -> None:
        """A workload could not be opened: back to the list, unless one is open already; a
        list in view is read again (the workload may be gone)."""
        from mllens_tui.app.screens.workloads import WorkloadsScreen

        if self.current is None and self.current_mode != "workloads":
            await self.switch_mode("workloads")
        elif isinstance(self.screen, WorkloadsScreen):
            self.screen.reload()

    @on(StoreReady)
    def _store_ready(self) -> None:
        if not self._draining:  # else drain_writes commits in its own thread
            self._writer()
        if self.reader is not None and self.seen_counter is None:
            # Watch from what the first screens showed, not from now.
            self.seen_counter = self.reader.counter
        self.start_watching()
        if self.ask_name:
            # Asked once the first screen has settled, so no key typed into it is lost.
            self.set_timer(0.5, self.action_participant)
        hook = getattr(self.screen, "store_ready", None)
        if callable(hook):
            hook()
        self._open_start()

    def _open_start(self) -> None:
        if self.start_workload and not self._opened_start:
            self._opened_start = True
            self.open_workload(self.start_workload, question=self.start_question)

    @on(StoreFailed)
    def _store_failed(self, message: StoreFailed) -> None:
        self.store_error = message.error
        if not self._draining:
            self._writer()  # to refuse, visibly, any answer given while the reader showed it
        self.notify(message.error, title="Cannot open the database", severity="error", timeout=30)
        screen = self.screen
        if hasattr(screen, "show_store_error"):
            screen.show_store_error(message.error)

    # -- opening a workload ------------------------------------------------------------------

    # -- navigation that screens ask for ------------------------------------------------------
    # Screens reach one another through the app, which imports them, so no screen module imports
    # another that imports it back (tests/test_import_graph.py forbids import circles).

    def open_question(self, question_id: str, order: list[str] | None = None) -> None:
        """The question screen at ``question_id``; ``]``/``[`` walk ``order`` (default: the
        whole lens). When the screen below is already that question, go back to it instead."""
        from mllens_tui.app.screens.question import QuestionScreen

        workload = self.current
        if workload is None:
            return
        below = self.screen_stack[-2] if len(self.screen_stack) > 1 else None
        if (
            order is None
            and isinstance(below, QuestionScreen)
            and below.order[below.index] == question_id
        ):
            self.pop_screen()
            return
        order = order or [q.id for q in workload.lens.questions]
        self.push_screen(QuestionScreen(order, order.index(question_id)))

    def open_answer_history(self, question_id: str) -> None:
        from mllens_tui.app.screens.changes import AnswerHistoryScreen

        self.push_screen(AnswerHistoryScreen(question_id))

    def open_search(self) -> None:
        from mllens_tui.app.screens.search import SearchScreen

        self.push_screen(SearchScreen())

    def open_explain(self) -> None:
        from mllens_tui.app.screens.explain import ExplainScreen

        self.push_screen(ExplainScreen())

    def _read_workload(
        self, name: str, milestone: str | None = None, *, wait: bool = True
    ) -> OpenWorkload | None:
        """A workload (or one of its milestones, read-only) with its lens and answers: through
        the reader while the store is not open, unless the workload has a workshop (the store
        builds what each participant may see of it). None when the store failed to open, or,
        without ``wait``, when only the store can read it. Raises ``StoreError`` and
        ``LookupError`` (its lens is not installed)."""
        from mllens_tui.lens.registry import find_lens

        state = None
        if self.store is None and self.reader is not None and milestone is None:
            state = self.reader.workload_state(name)
        workshop = None
        revisions: dict[str, int] = {}
        owners = {}
        if state is not None:
            record, answers = state.record, state.answers
            revisions, owners = state.revisions, state.owners
        else:
            if not wait:
                return None
            store = self.wait_for_store()
            if store is None:
                return None
            record = store.get_workload(name)
            if milestone is not None:
                answers = dict(store.milestone_snapshot(name, milestone).answers)
            else:
                answers, revisions = store.answers_with_revisions(name)
                workshop = store.workshop(name, viewer=self.participant)
                owners = store.plan_owners(name)
        lens = self.lens if record.lens_id == self.lens.id else find_lens(record.lens_id)
        if lens is None:
            raise LookupError(
                f"Workload {name!r} is assessed against lens {record.lens_id!r}, "
                "which is not installed (mllens lens import FILE)."
            )
        return OpenWorkload(
            record,
            lens,
            answers,
            read_only=milestone is not None,
            milestone=milestone,
            revisions=revisions,
            workshop=workshop,
            owners=owners,
        )

    @work(thread=True, exclusive=True, group="open")
    def open_workload(
        self,
        name: str,
        *,
        question: str | None = None,
        milestone: str | None = None,
        mode: str = "dashboard",
    ) -> None:
        """Load a workload (or one of its milestones, read-only) and switch to its dashboard
        (or to ``mode``)."""
        from mllens_tui.store.errors import StoreError

        try:
            opened = self._read_workload(name, milestone)
        except (StoreError, LookupError) as exc:
            self.mark_usable()
            self.call_from_thread(self._open_failed)
            self.call_from_thread(self.notify, str(exc), severity="error", timeout=10)
            return
        if opened is None:
            return
        self.post_message(self.WorkloadOpened(opened, question, mode))

    @on(WorkloadOpened)
    async def _workload_opened(self, message: WorkloadOpened) -> None:
        self.answer_version += 1
        self.current = message.workload
        if self.current_mode == message.mode:
            # Already in that mode (the dashboard a start waited on): redraw it.
            hook = getattr(self.screen, "answers_changed", None)
            if callable(hook):
                hook()
        await self.switch_mode(message.mode)
        self.show_participant()
        await self._arrive(message.workload, message.question)

    async def _arrive(self, workload: OpenWorkload, question: str | None) -> None:
        """The workload's screen is shown: go on to the question or the presentation asked
        for, and mark the app usable once that is drawn."""
        self.call_after_refresh(self.mark_usable)
        if self.start_present:
            self.start_present = False
            from mllens_tui.app.screens.present import PresentScreen

            order = [q.id for q in workload.lens.questions]
            start = order.index(question) if question in order else 0
            await self.push_screen(PresentScreen(order, start))
            return
        if question:
            wanted = workload.lens.question(question)
            if wanted is None:
                self.notify(
                    f"Unknown question id {question!r} in lens {workload.lens.id!r}",
                    severity="error",
                )
                return
            from mllens_tui.app.screens.question import QuestionScreen

            order = [q.id for q in workload.lens.questions]
            await self.push_screen(QuestionScreen(order, order.index(wanted.id)))

    # -- saving answers ----------------------------------------------------------------------

    def save_answer(
        self, answer: Answer, *, expected: int | None = None, vote: bool = False
    ) -> bool:
        """Record an answer now (the screens see it at once) and queue its commit, against
        the revision shown (``expected``, else the one last read). While a workshop runs, a
        new level or N/A is the participant's own ballot instead, and the workload's answer
        stays as it is (``vote``: the answer is a verdict given on purpose, such as N/A with
        its explanation, even where it carries notes). True when the workload's answer is
        to change, False for a ballot or nothing."""
        workload = self.current
        if workload is None or workload.read_only:
            self.notify("A milestone is read-only.", severity="warning")
            return False
        qid = answer.question_id
        previous = workload.answers.get(qid)
        if expected is None:
            expected = workload.revisions.get(qid, 0)
        if workload.in_workshop and (vote or _is_vote(workload, answer, previous)):
            question = workload.lens.question(qid)
            if question is not None and question.kind != "level":
                # A ballot holds a level or N/A; writing the workload's answer instead would
                # show everyone this participant's view before the reveal.
                self.notify(
                    f"{qid} is answered by choosing options, and workshop ballots hold a "
                    "level or N/A: nothing was recorded. Answer it once the workshop is "
                    "closed (c on the workshop screen).",
                    title="Choice questions take no ballots",
                    severity="warning",
                    timeout=10,
                )
                return False
            self._writes.put(
                _Write(workload.name, answer, previous, time.perf_counter(), None, True)
            )
            return False
        workload.answers[qid] = answer
        self.answer_version += 1
        self._pending[qid] = self._pending.get(qid, 0) + 1
        self._writes.put(_Write(workload.name, answer, previous, time.perf_counter(), expected))
        return True

    def pending_questions(self) -> set[str]:
        """Questions with answers given here and not yet written."""
        return {qid for qid, n in self._pending.items() if n > 0}

    def _done(self, question_id: str) -> None:
        left = self._pending.get(question_id, 0) - 1
        if left > 0:
            self._pending[question_id] = left
        else:
            self._pending.pop(question_id, None)

    def refresh_from_store(self) -> None:
        """Look for changes now rather than at the next poll (after an action of our own)."""
        self._poll()

    @work(thread=True, group="writer", exit_on_error=False)
    def _writer(self) -> None:
        """The one thread that writes answers: commits in the order they were given."""
        self._writer_started = True
        try:
            while True:
                item = self._writes.get()
                try:
                    if item is None:
                        return
                    self._commit(item)
                finally:
                    self._writes.task_done()
        finally:
            self._writer_done.set()

    def _commit(self, item: _Write) -> None:
        """Write one answer (or ballot), trying again while it fails for a passing reason (a
        lock, a lost server, a statement timeout); later answers wait behind it, so they keep
        their order. Once the app is closing, a failure is final."""
        from mllens_tui.store.errors import StoreError

        pause, pending = WRITE_RETRY_FIRST, False
        while True:
            try:
                self._commit_once(item)
            except StoreError as exc:
                if self._stop_writing.is_set():
                    self.post_message(self.AnswerFailed(item.answer, item.previous, str(exc)))
                    return
                if not pending:
                    self.post_message(self.AnswerPending(item.answer, str(exc), saved=False))
                pending = True
                self._stop_writing.wait(pause)
                pause = min(pause * 2, WRITE_RETRY_MAX)
                continue
            if pending:
                self.post_message(self.AnswerPending(item.answer, "", saved=True))
            return

    def _commit_once(self, item: _Write) -> None:
        """Write one answer (or ballot) and post what happened; a failure that may pass is
        raised for ``_commit`` to try again.

        Each answer is written against the revision shown when it was given. Answers given
        one after another to the same question were all shown at the revision before the
        first: the writer carries its own new revision forward to the next, and after a
        stale write it drops the rest given over the same revision (the dialog shows the
        latest of them).
        """
        from mllens_tui.store.errors import StaleAnswer, StoreError
        from mllens_tui.workshop import Ballot

        answer = item.answer
        key = (item.workload, answer.question_id)
        store = self.store
        if store is None:
            # The store failed to open after the reader had shown the workload.
            error = self.store_error or "the database is not open"
            self.post_message(self.AnswerFailed(answer, item.previous, error))
            return
        try:
            if item.ballot:
                # An N/A's explanation ("Other") is the ballot's note; the workload's notes
                # carried in the answer are not this participant's to copy.
                before = item.previous.notes if item.previous is not None else ""
                said = answer.notes if answer.not_applicable and answer.notes != before else ""
                store.cast_ballot(
                    item.workload,
                    Ballot(
                        answer.question_id,
                        answer.answered_by or self.participant,
                        level=answer.level,
                        not_applicable=answer.not_applicable,
                        reason=answer.reason,
                        notes=said,
                    ),
                )
                self.post_message(self.BallotSaved(answer))
                return
            expected = item.expected
            if expected is not None and (*key, expected) in self._stale:
                self.post_message(self.WriteDropped(answer.question_id))
                return
            # Every revision from the first one shown to the last one written is this app's
            # own (each write in between was refused unless the question was exactly there),
            # so an answer given over any of them goes over the last.
            own = self._own_revisions.get(key)
            ours = expected is not None and own is not None and own[0] <= expected <= own[1]
            if ours:
                assert own is not None
                expected = own[1]
            saved = store.save_answer(item.workload, answer, expect_revision=expected)
            if item.expected is not None:
                start = own[0] if ours and own is not None else item.expected
                self._own_revisions[key] = (start, saved.revision)
        except StaleAnswer as exc:
            if item.expected is not None:
                self._stale.add((*key, item.expected))
            self.post_message(self.AnswerStale(answer, exc))
            return
        except StoreError as exc:
            if exc.transient and not self._stop_writing.is_set():
                raise
            self.post_message(self.AnswerFailed(answer, item.previous, str(exc)))
            return
        self.post_message(
            self.AnswerSaved(
                saved.answer or answer, time.perf_counter() - item.started, saved.revision
            )
        )

    def wait_for_writes(self) -> None:
        """Block until every queued answer is committed (or has failed)."""
        self._writes.join()

    def drain_writes(self, timeout: float = 30.0) -> None:
        """Stop the writer once it has committed everything queued, then commit in this thread
        whatever was queued after it stopped. Safe to call more than once."""
        self._draining = True
        self._writes.put(None)
        if self._writer_started:
            self._writer_done.wait(timeout)
            if not self._writer_done.is_set():
                return  # the writer is stuck on the disk; committing beside it would race it
        else:
            # Answers given on a screen read through the reader, before the store (which
            # opens after the first screen) was ready: open it now and commit them here.
            self._usable.set()
            self._store_settled.wait(timeout)
        while True:
            try:
                item = self._writes.get_nowait()
            except queue.Empty:
                return
            try:
                if item is not None and self.store is not None:
                    self._commit(item)
            finally:
                self._writes.task_done()

    def flush_edits(self) -> None:
        """Queue what is typed but not yet saved, on every screen that has some."""
        for screen in self.screen_stack:
            flush = getattr(screen, "flush_edits", None)
            if callable(flush):
                flush()

    @on(AnswerSaved)
    def _answer_saved(self, message: AnswerSaved) -> None:
        self.save_times.append(message.elapsed)
        qid = message.answer.question_id
        self._done(qid)
        workload = self.current
        if workload is not None:
            workload.revisions[qid] = max(workload.revisions.get(qid, 0), message.revision)
            current = workload.answers.get(message.answer.question_id)
            # Keep the stored timestamp unless a newer answer was given meanwhile.
            if current is not None and _same_answer(current, message.answer):
                workload.answers[message.answer.question_id] = message.answer

    @on(AnswerPending)
    def _answer_pending(self, message: AnswerPending) -> None:
        qid = message.answer.question_id
        if message.saved:
            self.notify(f"{qid} is saved now.", title="Answer saved")
            return
        self.notify(
            f"{qid} is not saved yet: {message.error} It stays on screen; mllens keeps trying "
            f"to save it.",
            title="Answer not saved yet",
            severity="warning",
            timeout=30,
        )

    @on(AnswerFailed)
    def _answer_failed(self, message: AnswerFailed) -> None:
        self._done(message.answer.question_id)
        workload = self.current
        if workload is not None:
            if message.previous is None:
                workload.answers.pop(message.answer.question_id, None)
            else:
                workload.answers[message.answer.question_id] = message.previous
            self.answer_version += 1
        self.notify(
            f"{message.answer.question_id} was not saved: {message.error}",
            title="Answer not saved",
            severity="error",
            timeout=30,
        )
        hook = getattr(self.screen, "answers_changed", None)
        if callable(hook):
            hook()

    @on(AnswerStale)
    def _answer_stale(self, message: AnswerStale) -> None:
        """Show theirs at once (nothing of ours was written) and ask what to do with ours."""
        from mllens_tui.app.screens.conflict import ConflictDialog
        from mllens_tui.assessment import Answer

        qid = message.answer.question_id
        self._done(qid)
        workload = self.current
        if workload is None:
            return
        name = workload.name
        if (name, qid) in self.conflicts:
            return  # the dialog is open already; it shows the latest answer given here
        # Yours: the latest answer given here, with the text still being typed.
        mine = workload.answers.get(qid, message.answer)
        typed: dict[str, str] = {}
        for screen in self.screen_stack:
            hook = getattr(screen, "typed", None)
            if callable(hook):
                typed.update(hook(qid))
        mine = replace(mine, **typed) if typed else mine
        theirs = message.error.current if isinstance(message.error.current, Answer) else None
        revision = message.error.revision
        self.conflicts.add((name, qid))

        def show_theirs(current: OpenWorkload) -> None:
            if current.revisions.get(qid, 0) > revision:
                return  # a newer change came in meanwhile and is shown already
            if theirs is None:
                current.answers.pop(qid, None)
            else:
                current.answers[qid] = theirs
            current.revisions[qid] = revision
            self.answer_version += 1

        if qid not in self._pending:
            show_theirs(workload)
        self.screen_store_changed()

        def chosen(choice: str | None) -> None:
            self.conflicts.discard((name, qid))
            current = self.current
            if current is None or current.name != name:
                return
            show_theirs(current)
            keep: dict[str, str] = {}
            if choice == "mine":
                self.save_answer(mine, expected=revision)
            elif choice == "edit":
                # Theirs is in place; what you typed stays in the boxes to edit, unsaved.
                keep = {
                    k: v
                    for k, v in (("notes", mine.notes), ("evidence", mine.evidence))
                    if theirs is None or getattr(theirs, k) != v
                }
                self._edit_question(qid)
            for screen in self.screen_stack:
                hook = getattr(screen, "resolved", None)
                if callable(hook):
                    hook(qid, keep)
            self.screen_store_changed()

        self.push_screen(ConflictDialog(workload.lens, qid, theirs, revision, mine), chosen)

    def _edit_question(self, question_id: str) -> None:
        from mllens_tui.app.screens.question import QuestionScreen

        workload = self.current
        if workload is None:
            return
        screen = self.screen
        if isinstance(screen, QuestionScreen) and screen.order[screen.index] == question_id:
            return  # the conflict's screen: it shows theirs once resolved
        order = [q.id for q in workload.lens.questions]
        self.push_screen(QuestionScreen(order, order.index(question_id)))

    @on(WriteDropped)
    def _write_dropped(self, message: WriteDropped) -> None:
        self._done(message.question_id)

    @on(BallotSaved)
    def _ballot_saved(self, message: BallotSaved) -> None:
        answer = message.answer
        said = "N/A" if answer.not_applicable else f"level {answer.level}"
        self.notify(
            f"Your ballot on {answer.question_id}: {said} (hidden until revealed)",
            title=f"Workshop · {answer.answered_by or self.participant}",
        )
        self.refresh_from_store()

    def on_app_focus(self) -> None:
        # In a browser (mllens serve) the app starts unfocused until the page is clicked, and
        # a screen shown meanwhile (the name prompt) focuses nothing; once the page has focus,
        # give it the widget it would have focused, or typing there goes nowhere.
        self.call_later(self._focus_unfocused_screen)

    def _focus_unfocused_screen(self) -> None:
        screen = self.screen
        selector = self.AUTO_FOCUS if screen.AUTO_FOCUS is None else screen.AUTO_FOCUS
        if screen.focused is not None or not selector:
            return
        for widget in screen.query(selector):
            if widget.focusable:
                screen.set_focus(widget)
                return

    async def on_unmount(self) -> None:
        # Screens have saved their drafts when they closed; commit all of it before the
        # process ends (the writer is a worker, and nothing else waits for it).
        await asyncio.to_thread(self.drain_writes)
        # An answer still being retried after that has no one left to see it saved.
        self._stop_writing.set()
        self._release_signals()

    # -- hang-up and termination -------------------------------------------------------------

    def _catch_signals(self) -> None:
        """Commit before dying on SIGHUP and SIGTERM: by default both kill the process at once,
        losing queued answers and text still being typed."""
        if threading.current_thread() is not threading.main_thread():
            return
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGHUP, signal.SIGTERM):
            try:
                loop.add_signal_handler(signum, self._signalled, signum)
            except (NotImplementedError, RuntimeError, ValueError):
                continue
            self._signals.append(signum)

    def _watch_terminal(self) -> None:
        """End as on SIGHUP when the terminal hangs up without one: a program started in a
        session of its own (a benchmark, a supervisor, ``setsid``) has no controlling
        terminal, so closing the terminal sends nothing, and Textual's input thread, reading
        an end of file, spins at full CPU for ever. One ``poll`` a second sees the hang-up."""
        stdin = sys.__stdin__
        if self.is_headless or stdin is None or not hasattr(select, "poll"):  # Windows: no poll
            return
        try:
            fd = stdin.fileno()
        except (OSError, ValueError):
            return
        if not os.isatty(fd):
            return
        poller = select.poll()
        poller.register(fd, select.POLLIN)
        gone = select.POLLHUP | select.POLLERR | select.POLLNVAL

        def check() -> None:
            if any(events & gone for _, events in poller.poll(0)):
                timer.stop()
                self._signalled(signal.SIGHUP)

        timer = self.set_interval(1.0, check, name="terminal-watch")

    def _release_signals(self) -> None:
        loop = asyncio.get_running_loop()
        for signum in self._signals:
            loop.remove_signal_handler(signum)
        self._signals.clear()

    def _signalled(self, signum: signal.Signals) -> None:
        # Commit first, synchronously, before anything writes to a terminal that may be gone.
        self.flush_edits()
        self.drain_writes()
        # Restoring the terminal can block forever when it has hung up (Textual's output
        # thread dies on EIO and its queue fills); the answers are safe now, so end anyway.
        watchdog = threading.Timer(5.0, os._exit, (128 + signum,))
        watchdog.daemon = True
        watchdog.start()
        self.exit(return_code=128 + signum)

    # -- navigation --------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "area" and parameters and parameters[0] != "workloads":
            return self.current is not None
        return True

    def _area_screen(self, mode: str) -> Screen[Any]:
        """The screen of an area, built the first time the area is shown."""
        import importlib

        module, name = AREAS[mode]
        screen_class = getattr(importlib.import_module(f"mllens_tui.app.screens.{module}"), name)
        screen: Screen[Any] = screen_class()
        # Its widgets are styled as they mount, with the CSS as it is now. Textual cannot tell
        # a new screen from one that missed a change of theme while it was away: it would
        # reparse every stylesheet and restyle every widget of the app, twice, as the area is
        # first shown (about 40% of a first visit). A theme changed later still counts.
        if self._area_screens:  # the first screen is built before the theme is applied
            screen._css_update_count = self._css_update_count
        self._area_screens[mode] = screen
        return screen

    def switch_mode(self, mode: str) -> AwaitMount:
        # Textual holds every frame for 50 ms when it switches modes, to hide the new screen
        # while it is built: half of a return visit, a fifth of a first one. An area's own
        # screen needs a millisecond: a new one draws nothing before it has composed and
        # mounted (and fills itself as it mounts), and one shown again is brought up to date
        # first. A screen pushed over it (a question) keeps the 50 ms.
        screen = self._area_screens.get(mode)
        stack = self._screen_stacks.get(mode) or [screen]
        fast = mode != self.current_mode and stack[-1] is screen
        if fast and isinstance(screen, AppScreen) and screen.is_mounted:
            screen.before_resume()
        self._switching = fast
        try:
            return super().switch_mode(mode)
        finally:
            self._switching = False

    def delay_update(self, delay: float = 0.05) -> None:
        # Still held, and the whole screen still drawn afresh once released: only sooner.
        super().delay_update(SWITCH_HOLD if self._switching else delay)

    async def action_area(self, mode: str) -> None:
        if self.current_mode == mode:
            # Already there: go back to the top of the area.
            while len(self.screen_stack) > 1:
                self.pop_screen()
            return
        await self.switch_mode(mode)

    def action_help(self) -> None:
        from mllens_tui.app.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    # -- command palette ---------------------------------------------------------------------

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Switch workload", "Go to the workload list", self._go_workloads)
        yield SystemCommand(
            "Who is answering",
            f"The name recorded on answers (now: {self.participant})",
            self.action_participant,
        )
        if self.current is not None and not self.current.read_only:
            yield SystemCommand(
                "Workshop",
                "Start or run a workshop: private ballots, reveal, spread, agreed answers",
                self.action_workshop,
            )
            yield SystemCommand(
                "Present",
                "One question at a time in large type, for a projector",
                self.action_present,
            )
        if self.current is not None:
            yield SystemCommand(
                "Export snapshot", "Write the workload as a TOML snapshot", self.action_export
            )
            yield SystemCommand(
                "New milestone", "Freeze the current answers under a name", self.action_milestone
            )
        if self.store is not None:
            yield SystemCommand(
                "Import snapshot",
                "Create or update a workload from a TOML file",
                self.action_import,
            )

    def action_participant(self) -> None:
        from mllens_tui.app.screens.dialogs import TextPrompt

        def chosen(name: str | None) -> None:
            if name:
                self.participant = name
                self.ask_name = False
                self.show_participant()
                self.notify(f"Answers are now recorded as given by {name}")
                if self.current is not None:
                    self.open_workload(self.current.name)  # their own ballots to show

        self.push_screen(
            TextPrompt(
                "Who is answering?",
                # A browser of `mllens serve` starts blank: the server's user is nobody there.
                value="" if self.ask_name else self.participant,
                hint="recorded on each answer from now on; enter to keep",
            ),
            chosen,
        )

    def action_workshop(self) -> None:
        from mllens_tui.app.screens.workshop import WorkshopScreen

        if self.current is not None and not isinstance(self.screen, WorkshopScreen):
            self.push_screen(WorkshopScreen())

    def action_present(self) -> None:
        from mllens_tui.app.screens.present import PresentScreen
        from mllens_tui.app.screens.question import QuestionScreen
        from mllens_tui.app.workshop_actions import workshop_order

        workload = self.current
        if workload is None or isinstance(self.screen, PresentScreen):
            return
        screen = self.screen
        if isinstance(screen, QuestionScreen):
            order, index = screen.order, screen.index
        else:
            order = workshop_order(self) or [q.id for q in workload.lens.questions]
            index = 0
        self.push_screen(PresentScreen(order, index))

    async def _go_workloads(self) -> None:
        await self.switch_mode("workloads")

    def action_export(self) -> None:
        from mllens_tui.app.screens.dialogs import TextPrompt

        workload = self.current
        if workload is None:
            return
        default = f"{_slug(workload.name)}.toml"

        def chosen(path: str | None) -> None:
            if path:
                self._export(workload.name, path, workload.milestone)

        self.push_screen(
            TextPrompt("Export snapshot to file", value=default, hint="a path; enter to write"),
            chosen,
        )

    @work(thread=True, group="export")
    def _export(self, name: str, path: str, milestone: str | None) -> None:
        from mllens_tui.files import write_atomic
        from mllens_tui.snapshot import dumps
        from mllens_tui.store.errors import StoreError

        store = self.wait_for_store()
        if store is None or self.current is None:
            return
        self.wait_for_writes()
        try:
            if milestone:
                snapshot = store.milestone_snapshot(name, milestone)
            else:
                snapshot = store.snapshot(name)
            target = Path(path).expanduser()
            write_atomic(target, dumps(snapshot, self.current.lens))
        except (StoreError, OSError) as exc:
            self.call_from_thread(self.notify, f"Export failed: {exc}", severity="error")
            return
        self.call_from_thread(self.notify, f"Exported {name} to {target}")
        # The file holds what is in the database: show that here too, now.
        self.call_from_thread(self.refresh_from_store)

    def action_import(self) -> None:
        from mllens_tui.app.screens.dialogs import TextPrompt

        def chosen(path: str | None) -> None:
            if path:
                self._import(path)

        self.push_screen(
            TextPrompt("Import snapshot from file", placeholder="path/to/file.toml"), chosen
        )

    @work(thread=True, group="import")
    def _import(self, path: str) -> None:
        from mllens_tui.lens.registry import find_lens
        from mllens_tui.problems import InputError
        from mllens_tui.snapshot import read_snapshot_file
        from mllens_tui.store.errors import StoreError

        store = self.wait_for_store()
        if store is None:
            return
        try:
            snapshot, lens = read_snapshot_file(Path(path).expanduser(), find_lens)
            record = store.import_snapshot(snapshot, lens, by=self.participant)
        except InputError as exc:
            self.call_from_thread(
                self.notify, exc.report(), title="Import refused", severity="error", timeout=30
            )
            return
        except StoreError as exc:
            self.call_from_thread(self.notify, str(exc), title="Import failed", severity="error")
            return
        self.call_from_thread(self.notify, f"Imported {record.name} from {path}")
        self.open_workload(record.name)

    def action_milestone(self) -> None:
        from mllens_tui.app.screens.dialogs import TextPrompt

        workload = self.current
        if workload is None or workload.read_only:
            return

        def chosen(name: str | None) -> None:
            if name:
                self._milestone(workload.name, name)

        self.push_screen(
            TextPrompt(
                "New milestone",
                placeholder="e.g. 2026 Q4 review",
                hint="freezes the current answers under this name",
            ),
            chosen,
        )

    @work(thread=True, group="milestone")
    def _milestone(self, workload: str, name: str) -> None:
        from mllens_tui.store.errors import StoreError

        store = self.wait_for_store()
        if store is None or self.current is None:
            return
        self.wait_for_writes()
        try:
            store.create_milestone(workload, name, self.current.lens, by=self.participant)
        except StoreError as exc:
            self.call_from_thread(self.notify, str(exc), severity="error")
            return
        self.call_from_thread(self.notify, f"Milestone {name!r} saved")
        # It froze what is in the database: show that here too, now.
        self.call_from_thread(self.refresh_from_store)
        self.post_message(self.MilestoneSaved(name))

    class MilestoneSaved(Message):
        def __init__(self, name: str) -> None:
            super().__init__()
            self.name = name

    @on(MilestoneSaved)
    def _milestone_saved(self) -> None:
        self.milestone_version += 1
        hook = getattr(self.screen, "milestones_changed", None)
        if callable(hook):
            hook()


_frozen = False


def _freeze_long_lived(app: App[Any]) -> None:
    """Leave what start-up loaded (modules, the lens, the store) out of every later garbage
    collection. Each full collection walked all of it: 120 to 150 ms of a frozen event loop
    that fell on screen switches. Once a process, in a terminal: tests run many headless apps
    in one process, and what is frozen is never freed."""
    global _frozen
    if _frozen or app.is_headless:
        return
    gc.freeze()
    _frozen = True


def _is_vote(workload: OpenWorkload, answer: Answer, previous: Answer | None) -> bool:
    """In a workshop, a level or N/A given on a level question is a ballot (even the one the
    workload's answer has already), and so is a change of choices or N/A on a choice question
    (which takes none); notes and the like still go to the workload's answer."""
    from mllens_tui.assessment import Answer

    question = workload.lens.question(answer.question_id)
    if question is None:
        return False
    before = previous if previous is not None else Answer(answer.question_id)
    verdict = (answer.level, answer.not_applicable, answer.reason, answer.choices)
    changed = verdict != (before.level, before.not_applicable, before.reason, before.choices)
    if question.kind != "level":
        return changed
    if answer.level is None and not answer.not_applicable:
        return False
    # Nothing but the verdict was given: a key press for a level or N/A.
    same_rest = (answer.notes, answer.evidence, answer.target, answer.confidence) == (
        before.notes,
        before.evidence,
        before.target,
        before.confidence,
    )
    return changed or same_rest


def _same_answer(a: Answer, b: Answer) -> bool:
    return (
        a.level,
        a.choices,
        a.not_applicable,
        a.reason,
        a.target,
        a.notes,
        a.evidence,
        a.confidence,
    ) == (
        b.level,
        b.choices,
        b.not_applicable,
        b.reason,
        b.target,
        b.notes,
        b.evidence,
        b.confidence,
    )


def _slug(name: str) -> str:
    keep = "".join(c.lower() if c.isalnum() else "-" for c in name)
    return "-".join(part for part in keep.split("-") if part) or "workload"
