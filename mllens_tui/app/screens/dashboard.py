"""The dashboard of a workload: headline numbers, a bar per pillar and the pillar x phase matrix."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Header, Static

from mllens_tui.app.screens.base import AppScreen
from mllens_tui.app.text import pct, risk_label
from mllens_tui.app.widgets.bars import Bar, ScoreBars
from mllens_tui.app.widgets.heatmap import HeatmapTable
from mllens_tui.charts.specs import target_score

TALL = 40  # rows from which the dashboard lists the biggest gaps too


def _move(level: int | None, target: int | None, value: float, target_value: float) -> str:
    if level is not None and target is not None:
        return f"{level} → {target}"
    return f"{pct(value)} → {pct(target_value)}"


class GapList(Static):
    """The top of the plan, as many rows as the widget has lines; the rest is one "…" line."""

    DEFAULT_CSS = """
    GapList {
        height: 1fr;
        min-height: 3;
    }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.items: list[tuple[str, str, str, str]] = []

    def show(self, items: list[tuple[str, str, str, str]]) -> None:
        self.items = items
        self.refresh()

    def render(self) -> Text:
        if not self.items:
            return Text("Every answered question meets its target.", style="dim")
        room = max(1, self.size.height)
        shown = self.items if len(self.items) <= room else self.items[: room - 1]
        title_width = max(10, self.size.width - 9 - 1 - 8 - 1 - 6 - 1)
        out = Text(no_wrap=True, overflow="ellipsis")
        for i, (qid, title, move, risk) in enumerate(shown):
            if i:
                out.append("\n")
            cut = title if len(title) <= title_width else title[: title_width - 1] + "…"
            out.append(f"{qid:<9} ")
            out.append(f"{cut:<{title_width}} ")
            out.append(f"{move:>8} ")
            out.append(risk_label(risk), style="bold" if risk == "HIGH" else "")
        if len(shown) < len(self.items):
            out.append(f"\n… and {len(self.items) - len(shown)} more in the plan", style="dim")
        return out


class DashboardScreen(AppScreen):
    """Where a workload stands, at a glance."""

    TITLE = "Dashboard"
    BINDINGS = [
        Binding("a", "answer", "Answer", id="dashboard.answer", tooltip="Next unanswered question"),
        Binding("escape", "back", "Workloads", id="dashboard.back"),
        Binding("p", "app.area('pillars')", "Pillars", id="dashboard.pillars"),
        Binding("f", "app.area('phases')", "Phases", id="dashboard.phases", show=False),
        Binding("i", "app.area('plan')", "Plan", id="dashboard.plan"),
        Binding("h", "app.area('history')", "History", id="dashboard.history"),
        Binding("g", "app.area('charts')", "Charts", id="dashboard.charts", show=False),
        Binding(
            "x",
            "explain",
            "Explain",
            id="dashboard.explain",
            tooltip="How the overall score is computed",
        ),
        Binding("m", "app.milestone", "Milestone", id="dashboard.milestone", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="dashboard"):
            yield Static(id="headline", classes="headline")
            yield Static(id="risks", classes="risks")
            yield Static("Pillars  (┃ marks the target)", classes="section-title")
            yield ScoreBars(id="pillar-bars")
            yield Static(
                "Pillar × phase  (enter opens a cell)", id="matrix-title", classes="section-title"
            )
            yield HeatmapTable(id="matrix")
            yield Static("Biggest gaps to target  (i opens the plan)", classes="section-title")
            yield GapList(id="gaps")
        yield self.footer()

    def on_mount(self) -> None:
        self.refresh_view()
        self._fit_height()

    def on_resize(self) -> None:
        self._fit_height()

    def _fit_height(self) -> None:
        # On a tall terminal the headline, bars and matrix leave half the screen empty: fill
        # it with the top of the plan. On a short one it would only push the matrix away.
        tall = self.app.size.height >= TALL
        self.query_one("#gaps", GapList).display = tall
        self.query(".section-title").last().display = tall

    def on_screen_resume(self) -> None:
        self.refresh_view()

    def refresh_view(self) -> None:
        workload = self.workload
        scores = self.mllens.scores()
        if workload is None or scores is None:
            return
        if not self.state_changed():
            return
        lens = workload.lens
        o = scores.overall
        suffix = f"  [read-only milestone {workload.milestone}]" if workload.read_only else ""
        self.sub_title = f"{workload.name}{suffix}"
        level = f" · level {o.level:.1f} of {scores.max_level}" if o.level is not None else ""
        floor = ""
        if scores.floor is not None:
            pillar = lens.pillar(scores.floor.pillar)
            name = pillar.name if pillar else scores.floor.pillar
            floor = f"   Floor: [b]{name}[/b] {pct(scores.floor.score)}"
        if o.score is None:
            self.query_one("#headline", Static).update(
                f"[b]Nothing answered yet[/b] · {o.applicable} questions to go\n"
                "Press [b]a[/b] to answer the first question, or p / f to browse."
            )
        else:
            self.query_one("#headline", Static).update(
                f"[b]Overall {pct(o.score)}[/b]{level}{floor}\n"
                f"Answered {o.answered}/{o.applicable} ({pct(o.completeness)}) · "
                f"coverage {pct(o.coverage)} · to target {pct(o.pct_to_target)}"
            )
        r = o.risks
        self.query_one("#risks", Static).update(
            f"Risks: [b]{r['HIGH']} high[/b] · {r['MEDIUM']} medium · {r['NONE']} none · "
            f"{r['NOT_APPLICABLE']} N/A · {r['UNANSWERED']} unanswered"
        )
        bars = []
        for pillar in lens.pillars:
            group = scores.pillars[pillar.id]
            ids = [q.id for q in lens.questions_in(pillar=pillar.id)]
            high = group.risks["HIGH"]
            note = f"{group.answered}/{group.applicable}" + (f" {high}▲" if high else "")
            bars.append(
                Bar(pillar.label, group.score, target_score(scores, ids), note, pillar.name)
            )
        self.query_one(ScoreBars).show(bars)
        self.query_one(GapList).show(
            [
                (
                    item.question_id,
                    q.title,
                    _move(item.level, item.target, item.value, item.target_value),
                    item.risk,
                )
                for item in scores.plan
                if (q := lens.question(item.question_id)) is not None
            ]
        )
        matrix = self.query_one(HeatmapTable)
        matrix.display = bool(lens.phases)
        self.query_one("#matrix-title", Static).display = bool(lens.phases)
        if lens.phases:
            from mllens_tui.charts.specs import heatmap

            matrix.show(heatmap(lens, scores))

    @on(HeatmapTable.CellChosen)
    def open_cell(self, message: HeatmapTable.CellChosen) -> None:
        from mllens_tui.app.screens.questions import CellScreen

        self.app.push_screen(CellScreen(pillar=message.pillar_id, phase=message.phase_id))

    def action_answer(self) -> None:
        workload = self.workload
        if workload is None:
            return
        from mllens_tui.app.screens.question import QuestionScreen

        order = [q.id for q in workload.lens.questions]
        start = next(
            (
                i
                for i, qid in enumerate(order)
                if workload.answers.get(qid) is None or workload.answers[qid].status == "unanswered"
            ),
            0,
        )
        self.app.push_screen(QuestionScreen(order, start))

    def action_explain(self) -> None:
        from mllens_tui.app.screens.explain import ExplainScreen

        self.app.push_screen(ExplainScreen())

    async def action_back(self) -> None:
        workload = self.workload
        if workload is not None and workload.read_only:
            # Leave the milestone for the live answers, back where it was opened from.
            self.mllens.open_workload(workload.name, mode="history")
            return
        await self.app.switch_mode("workloads")
