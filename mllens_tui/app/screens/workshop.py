"""The facilitator's workshop screen: every question with ballots, widest spread first, who
said what once revealed, and the summary (participation, questions without consensus, the
widest disagreements, time per pillar).

Ballots are cast from the question screen (or presentation mode): while a workshop runs, the
level keys record the participant's own ballot, not the workload's answer. The actions here
(start, reveal, agree, close) go to the store in a worker; the change counter brings the new
state back to every open app, this one included.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.markup import escape
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Header, Static

from mllens_tui.app.screens.base import AppScreen
from mllens_tui.app.widgets.tables import FitTable
from mllens_tui.app.workshop_actions import (
    agree_flow,
    ballots_text,
    reveal,
    run_store_action,
    workshop_order,
)

if TYPE_CHECKING:
    from mllens_tui.store.records import WorkshopRecord
    from mllens_tui.store.service import Store
    from mllens_tui.workshop import WorkshopSummary


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
        yield self.footer()

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
