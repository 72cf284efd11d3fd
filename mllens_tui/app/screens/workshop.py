"""The facilitator's workshop screen: every question with ballots, widest spread first, who
said what once revealed, and the summary (participation, questions without consensus, the
widest disagreements, time per pillar).

Ballots are cast from the question screen (or presentation mode): while a workshop runs, the
level keys record the participant's own ballot, not the workload's answer. The actions here
(start, reveal, agree, close) go to the store in a worker; the change counter brings the new
state back to every open app, this one included.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from rich.markup import escape
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Footer, Header, Static

from mllens_tui.app.screens.base import AppScreen
from mllens_tui.app.widgets.tables import FitTable
from mllens_tui.assessment import Answer, NAReason
from mllens_tui.workshop import discussion_order

if TYPE_CHECKING:
    from mllens_tui.app.app import MLLensApp
    from mllens_tui.store.records import WorkshopQuestion, WorkshopRecord
    from mllens_tui.store.service import Store
    from mllens_tui.workshop import WorkshopSummary


def workshop_order(app: MLLensApp) -> list[str]:
    """The questions of the running workshop in discussion order: revealed ones by spread,
    widest first, then the hidden ones with ballots, in lens order."""
    workload = app.current
    if workload is None or workload.workshop is None:
        return []
    lens = workload.lens
    questions = workload.workshop.questions
    revealed = {qid: list(q.visible) for qid, q in questions.items() if q.revealed}
    hidden = [q.id for q in lens.questions if q.id in questions and q.id not in revealed]
    return [*discussion_order(lens, revealed), *hidden]


def run_store_action(
    app: MLLensApp, action: Callable[[Store], str | None], *, failed: str = "Workshop"
) -> None:
    """Run ``action`` on the store in a thread; notify its message, then look for changes at
    once instead of at the next poll."""

    def work() -> None:
        from mllens_tui.store.errors import StoreError

        if app.store is None:
            return
        try:
            message = action(app.store)
        except StoreError as exc:
            app.call_from_thread(app.notify, exc.message, title=failed, severity="error")
            return
        if message:
            app.call_from_thread(app.notify, message)
        app.call_from_thread(app.refresh_from_store)

    app.run_worker(work, thread=True, group="workshop-action")


def agree_flow(app: MLLensApp, question_id: str) -> None:
    """Ask the facilitator for the agreed answer (a level or N/A with its reason), then a
    note recording the discussion, and store it as the workload's answer."""
    from mllens_tui.app.screens.dialogs import Choose, TextPrompt

    workload = app.current
    if workload is None:
        return
    lens = workload.lens
    question = lens.question(question_id)
    if question is None or question.kind != "level":
        app.notify("Workshops agree on levels; answer choice questions on their screen.")
        return
    state = workload.workshop.questions.get(question_id) if workload.workshop else None
    hint = f"ballots: {state.spread.text}" if state and state.spread else "ballots not revealed"
    options = [(str(lv.level), f"{lv.level} {lv.name}") for lv in lens.levels]
    options += [(f"na:{r.value}", f"N/A: {r.label}") for r in NAReason]
    current = workload.answers.get(question_id)
    name = workload.name
    expected = workload.revisions.get(question_id, 0)

    def chosen(value: str | None) -> None:
        if value is None:
            return

        def noted(note: str | None) -> None:
            if note is None:
                return
            na = value.startswith("na:")
            # Target, evidence and confidence stay as they were; the level and note are new.
            answer = replace(
                current or Answer(question_id),
                level=None if na else int(value),
                not_applicable=na,
                reason=NAReason(value.removeprefix("na:")) if na else None,
                choices=None,
                notes=note,
                answered_at=None,
            )
            by = app.participant
            run_store_action(
                app,
                lambda store: _agree(store, name, answer, by, expected),
                failed="Not agreed",
            )

        app.push_screen(
            TextPrompt(
                f"{question_id}: what did the group conclude?",
                value=current.notes if current else "",
                hint="a note recording the discussion (may be empty); enter to agree",
                validate=lambda _text: None,
            ),
            noted,
        )

    median = state.spread.median if state and state.spread else None
    start = str(round(median)) if median is not None else None
    app.push_screen(
        Choose(
            f"Agreed answer for {question_id}",
            options,
            current=start,
            hint=f"{hint} · arrows and enter (the median is highlighted) · escape cancels",
        ),
        chosen,
    )


def _agree(store: Store, name: str, answer: Answer, by: str, expected: int) -> str:
    from mllens_tui.store.answers import describe_answer

    saved = store.agree(name, answer, by=by, expect_revision=expected)
    return f"{answer.question_id} agreed at {describe_answer(saved.answer)}"


def reveal(app: MLLensApp, question_ids: list[str] | None) -> None:
    """Reveal these questions' ballots (None: every question with hidden ballots)."""
    workload = app.current
    if workload is None:
        return
    name, by = workload.name, app.participant

    def action(store: Store) -> str:
        shown = store.reveal(name, question_ids, by=by)
        return f"Revealed {', '.join(shown)}" if shown else "Nothing left to reveal"

    run_store_action(app, action)


def ballots_text(state: WorkshopQuestion) -> str:
    return ", ".join(f"{b.participant} {b.label}" for b in state.visible)


class WorkshopScreen(AppScreen):
    """Run a workshop: reveal, read the spread, agree, close."""

    TITLE = "Workshop"
    BINDINGS = [
        Binding("s", "start", "Start", id="workshop.start", tooltip="Start a workshop"),
        Binding("r", "reveal", "Reveal", id="workshop.reveal", tooltip="Reveal this question"),
        Binding("R", "reveal_all", "Reveal all", id="workshop.reveal_all"),
        Binding("a", "agree", "Agree", id="workshop.agree", tooltip="Record the agreed answer"),
        Binding("enter", "present", "Present", id="workshop.present"),
        Binding("c", "close", "Close", id="workshop.close", show=False),
        Binding("escape", "back", "Back", id="workshop.back"),
    ]

    summary: WorkshopSummary | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="workshop"):
            yield Static(id="workshop-state", classes="group-summary")
            yield FitTable(id="workshop-table", cursor_type="row", flex="ballots")
            yield Static(id="workshop-summary", classes="status")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(FitTable)
        table.add_column("ID", key="id", width=9)
        table.add_column("Votes", key="count", width=5)
        table.add_column("Spread", key="spread", width=22)
        table.add_column("State", key="state", width=8)
        table.add_column("Who said what", key="ballots")
        table.fit()
        self.refresh_view()
        self.load_summary()

    def on_screen_resume(self) -> None:
        self.refresh_view()

    def store_changed(self) -> None:
        self.refresh_view()
        self.load_summary()

    @property
    def record(self) -> WorkshopRecord | None:
        workload = self.workload
        return workload.workshop if workload is not None else None

    def refresh_view(self) -> None:
        workload = self.workload
        if workload is None:
            return
        self.sub_title = workload.name
        record = self.record
        state = self.query_one("#workshop-state", Static)
        table = self.query_one(DataTable)
        selected = self.selected
        table.clear()
        if record is None:
            state.update(
                "No workshop has run on this workload. [b]s[/b] starts one: from then on, each "
                "participant's level keys record their own ballot, hidden from the others "
                "until you reveal it."
            )
            return
        hidden = sum(1 for q in record.questions.values() if q.ballot_count and not q.revealed)
        agreed = sum(1 for q in record.questions.values() if q.agreed)
        started = f"{record.started_at:%H:%M} UTC by {escape(record.started_by or 'someone')}"
        status = "running" if record.is_open else "closed"
        state.update(
            f"[b]Workshop {status}[/b] (started {started}) · "
            f"{len(record.questions)} questions with ballots · {hidden} hidden · "
            f"{agreed} agreed · you are [b]{escape(self.mllens.participant)}[/b]"
        )
        for qid in workshop_order(self.mllens):
            q = record.questions[qid]
            spread = q.spread.text if q.spread is not None else "hidden"
            label = "agreed" if q.agreed else ("open" if q.revealed else "hidden")
            table.add_row(
                qid,
                str(q.ballot_count),
                spread,
                Text(label, style="bold" if label == "open" else ""),
                ballots_text(q) if q.revealed else "",
                key=qid,
            )
        if selected is not None and selected in record.questions:
            table.move_cursor(row=table.get_row_index(selected))

    @property
    def selected(self) -> str | None:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return str(key) if key is not None else None

    def load_summary(self) -> None:
        workload = self.workload
        app = self.mllens
        if workload is None or workload.workshop is None or app.store is None:
            return
        name, lens, store = workload.name, workload.lens, app.store

        def work() -> None:
            from mllens_tui.store.errors import StoreError
            from mllens_tui.workshop import summarise

            try:
                ballots, agreed = store.workshop_ballots(name)
            except StoreError:
                return
            summary = summarise(lens, ballots, agreed)
            app.call_from_thread(self.show_summary, summary)

        self.run_worker(work, thread=True, exclusive=True, group="workshop-summary")

    def show_summary(self, summary: WorkshopSummary) -> None:
        workload = self.workload
        record = self.record
        if workload is None or record is None:
            return
        revealed = {qid for qid, q in record.questions.items() if q.revealed}
        people = ", ".join(f"{escape(p)} {n}" for p, n in summary.participation.items())
        lines = [f"[b]Ballots cast[/b]  {people or 'none yet'}"]
        if summary.without_consensus:
            lines.append(f"[b]Without consensus[/b]  {', '.join(summary.without_consensus)}")
        widest = [f"{qid} {s.text}" for qid, s in summary.widest if qid in revealed]
        if widest:
            lines.append(f"[b]Widest disagreement[/b]  {'; '.join(widest[:3])}")
        if summary.seconds_per_pillar:
            names = {p.id: p.short or p.name for p in workload.lens.pillars}
            spent = ", ".join(
                f"{escape(names.get(p, p))} {int(s // 60)}m{int(s % 60):02d}s"
                for p, s in summary.seconds_per_pillar.items()
            )
            lines.append(f"[b]Time per pillar[/b]  {spent}")
        self.query_one("#workshop-summary", Static).update("\n".join(lines))

    # -- actions -----------------------------------------------------------------------------

    def action_start(self) -> None:
        workload = self.workload
        if workload is None:
            return
        name, by = workload.name, self.mllens.participant

        def start(store: Store) -> str:
            store.start_workshop(name, by=by)
            return "Workshop started: level keys now record each participant's own ballot"

        run_store_action(self.mllens, start)

    def action_reveal(self) -> None:
        if self.selected is not None:
            reveal(self.mllens, [self.selected])

    def action_reveal_all(self) -> None:
        reveal(self.mllens, None)

    def action_agree(self) -> None:
        if self.selected is not None:
            agree_flow(self.mllens, self.selected)

    def action_close(self) -> None:
        workload = self.workload
        if workload is None:
            return
        name, by = workload.name, self.mllens.participant

        def close(store: Store) -> str:
            store.close_workshop(name, by=by)
            return "Workshop closed; the ballots stay on record"

        run_store_action(self.mllens, close)

    @on(DataTable.RowSelected)
    def row_selected(self) -> None:
        self.action_present()

    def action_present(self) -> None:
        from mllens_tui.app.screens.present import PresentScreen

        order = workshop_order(self.mllens)
        if not order:
            workload = self.workload
            order = [q.id for q in workload.lens.questions] if workload else []
        selected = self.selected
        index = order.index(selected) if selected in order else 0
        if order:
            self.app.push_screen(PresentScreen(order, index))

    def action_back(self) -> None:
        self.dismiss()
