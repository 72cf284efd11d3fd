"""Explain this score: the questions in it, their values, weights and contributions."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Header, Static

from mllens_tui.app.screens.base import AppScreen
from mllens_tui.app.text import pct, plural
from mllens_tui.app.widgets.tables import FitTable


class ExplainScreen(AppScreen):
    """How the score of one group (overall, a pillar, a phase or a cell) is computed."""

    TITLE = "Explain"
    BINDINGS = [
        Binding("escape", "back", "Back", id="explain.back"),
        Binding("enter", "open", "Answer", id="explain.open", show=False),
    ]

    def __init__(self, pillar: str | None = None, phase: str | None = None) -> None:
        super().__init__()
        self.pillar = pillar
        self.phase = phase

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="explain"):
            yield Static(id="explain-formula", classes="group-summary")
            yield FitTable(id="explain-table", cursor_type="row", flex="title")
        yield self.footer()

    def group_name(self) -> str:
        workload = self.workload
        assert workload is not None
        lens = workload.lens
        names = []
        if self.pillar:
            pillar = lens.pillar(self.pillar)
            names.append(pillar.name if pillar else self.pillar)
        if self.phase:
            phase = lens.phase(self.phase)
            names.append(phase.name if phase else self.phase)
        return " × ".join(names) or "Overall"

    def on_mount(self) -> None:
        workload = self.workload
        scores = self.mllens.scores()
        if workload is None or scores is None:
            return
        self.sub_title = f"{workload.name}: {self.group_name()}"
        questions = workload.lens.questions_in(self.pillar, self.phase)
        table = self.query_one(FitTable)
        table.add_column("ID", key="id", width=9)
        table.add_column("Counts as", key="status", width=10)
        table.add_column("Value", key="value", width=5)
        table.add_column("Weight", key="weight", width=6)
        table.add_column("Adds", key="ev", width=5)
        table.add_column("Best practice", key="title")
        table.fit()
        num = den = 0.0
        included = excluded = 0
        rows = []
        for q in questions:
            qs = scores.questions[q.id]
            if qs.status == "answered":
                value = qs.value or 0.0
                num += qs.contribution
                den += qs.weight
                included += 1
                rows.append((qs.contribution, q.id, "answered", f"{value:.2f}",
                             f"{qs.weight:g}", f"{qs.contribution:.2f}", q.title))  # fmt: skip
            else:
                excluded += 1
                why = "N/A" if qs.status == "not_applicable" else "unanswered"
                rows.append((-1.0, q.id, why, "-", f"{qs.weight:g}", "-", q.title))
        # Largest contributions first; excluded questions last, in lens order.
        for _, qid, status, value, weight, ev, title in sorted(rows, key=lambda r: -r[0]):
            style = "dim" if status != "answered" else ""
            table.add_row(Text(qid, style=style), Text(status, style=style), value, weight, ev,
                          Text(title, style=style), key=qid)  # fmt: skip
        score = num / den if den else None
        formula = (
            f"[b]{self.group_name()}: {pct(score, 1)}[/b] = Σ weight×value / Σ weight = "
            f"{num:.2f} / {den:.2f}\n"
            if den
            else f"[b]{self.group_name()}: no score yet[/b]\n"
        )
        lens = workload.lens
        if lens.is_choice_based:
            value_text = "the share of its choices selected"
        else:
            value_text = (
                "its level's value (" + ", ".join(f"{lv.value:g}" for lv in lens.levels) + ")"
            )
        self.query_one("#explain-formula", Static).update(
            formula
            + f"{included} answered {plural(included, 'question counts', 'questions count')}; "
            f"{excluded} N/A or unanswered {plural(excluded, 'is', 'are')} left out. "
            f"Weight = the question's lens weight × its pillar's weight; value = {value_text}; "
            "adds = weight × value."
        )
        table.focus()

    def action_open(self) -> None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return
        order = [str(row.key.value) for row in table.ordered_rows]
        self.mllens.open_question(order[table.cursor_row], order)

    def on_data_table_row_selected(self) -> None:
        self.action_open()

    def action_back(self) -> None:
        self.dismiss()
