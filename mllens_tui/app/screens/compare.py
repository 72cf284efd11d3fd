"""Compare two states of a workload (milestones, or a milestone and now) side by side."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Header, Static

from mllens_tui.app.screens.base import AppScreen
from mllens_tui.app.text import arrow, pct, plural
from mllens_tui.app.widgets.charts import ComparePlot
from mllens_tui.app.widgets.tables import FitTable

if TYPE_CHECKING:
    from mllens_tui.lens.model import Lens
    from mllens_tui.scoring import Scores
    from mllens_tui.snapshot import Comparison

NOW = "__now__"


def label(key: str) -> str:
    return "now" if key == NOW else key


class CompareScreen(AppScreen):
    TITLE = "Compare"
    BINDINGS = [Binding("escape", "back", "Back", id="compare.back")]

    class Computed(Message):
        def __init__(self, lens: Lens, comparison: Comparison, a: Scores, b: Scores) -> None:
            super().__init__()
            self.lens = lens
            self.comparison = comparison
            self.a = a
            self.b = b

    def __init__(self, workload: str, a: str, b: str) -> None:
        super().__init__()
        self.workload_name = workload
        self.a = a
        self.b = b

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="compare"):
            yield Static(id="compare-summary", classes="group-summary")
            yield ComparePlot(id="compare-plot")
            yield Static(
                "Changed questions, the ones that moved the score most first\n"
                "[$text-muted](moved = change in value × weight)[/]",
                classes="section-title",
            )
            yield FitTable(id="compare-table", cursor_type="row", flex="title")
        yield self.footer()

    def on_mount(self) -> None:
        self.sub_title = f"{self.workload_name}: {label(self.a)} → {label(self.b)}"
        table = self.query_one(FitTable)
        table.add_column("ID", key="id", width=9)
        table.add_column("Change", key="change", width=10)
        for key, side in (("a", self.a), ("b", self.b)):
            table.add_column(_short(label(side)), key=key, width=min(8, max(4, len(label(side)))))
        table.add_column("Moved", key="moved", width=5)
        table.add_column("Best practice", key="title")
        table.fit()
        self.compute()

    @work(thread=True, exclusive=True, group="compare")
    def compute(self) -> None:
        from mllens_tui.scoring import score
        from mllens_tui.snapshot import compare
        from mllens_tui.store.errors import StoreError

        app = self.mllens
        workload = app.current
        store = app.wait_for_store()  # opened after the first screen
        if store is None or workload is None:
            return
        app.wait_for_writes()
        try:
            snaps = [
                store.snapshot(self.workload_name)
                if key == NOW
                else store.milestone_snapshot(self.workload_name, key)
                for key in (self.a, self.b)
            ]
        except StoreError as exc:
            app.call_from_thread(app.notify, str(exc), severity="error")
            return
        lens = workload.lens
        comparison = compare(snaps[0], lens, snaps[1], lens)
        a = score(lens, snaps[0].answers, snaps[0].profile)
        b = score(lens, snaps[1].answers, snaps[1].profile)
        self.post_message(self.Computed(lens, comparison, a, b))

    @on(Computed)
    def computed(self, message: Computed) -> None:
        comparison = message.comparison
        overall = comparison.overall
        delta = overall.delta
        change = "" if delta is None else f" {arrow(delta)} {delta * 100:+.1f} points"
        self.query_one("#compare-summary", Static).update(
            f"Overall [b]{pct(overall.a)}[/b] ({label(self.a)}) → [b]{pct(overall.b)}[/b] "
            f"({label(self.b)}){change} · {len(comparison.questions)} "
            f"{plural(len(comparison.questions), 'question')} changed"
        )
        from mllens_tui.charts.specs import compare_bars, target_score

        self.query_one(ComparePlot).show(
            compare_bars(
                message.lens,
                comparison,
                label(self.a),
                label(self.b),
                target=target_score(message.b),
            )
        )
        table = self.query_one(FitTable)
        table.clear()
        # The questions that moved the scores most come first (|change in value| x weight);
        # changes that move no value (a new target, N/A) follow in lens order.
        from mllens_tui.charts.specs import moved_questions

        moves = moved_questions(message.lens, comparison, message.a, message.b, limit=None)
        moved = {m.question_id for m in moves}
        by_id = {c.question_id: c for c in comparison.questions}
        ordered = [by_id[m.question_id] for m in moves]
        ordered += [c for c in comparison.questions if c.question_id not in moved]
        impact = {m.question_id: m.impact for m in moves}
        for change_item in ordered:
            q = message.lens.question(change_item.question_id)
            moved_by = impact.get(change_item.question_id)
            table.add_row(
                change_item.question_id,
                _change_words(change_item.change, change_item.b),
                _state(change_item.a),
                _state(change_item.b),
                "-" if moved_by is None else f"{moved_by:.2f}",
                q.title if q else "",
            )

    def action_back(self) -> None:
        self.dismiss()


def _change_words(change: str, after: dict[str, object]) -> str:
    """snapshot.compare's kind of change in ten characters or fewer, in words."""
    if change == "na_changed":
        return "now N/A" if after.get("status") == "not_applicable" else "N/A lifted"
    words = {
        "newly_answered": "answered",
        "no_longer_answered": "cleared",
        "target_changed": "new target",
    }
    return words.get(change, change.replace("_", " "))


def _short(text: str, width: int = 8) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _state(state: dict[str, object]) -> str:
    status = state.get("status")
    if status == "unanswered":
        return "-"
    if status == "not_applicable":
        return "N/A"
    if "level" in state:
        return f"L{state['level']}"
    choices = state.get("choices")
    return f"{len(choices)} ch" if isinstance(choices, list) else "?"
