"""Question lists: by pillar (grouped by phase), by phase (grouped by pillar), or one cell."""

from __future__ import annotations

from typing import Literal

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Static, Tab, Tabs

from mllens_tui.app.screens.base import AppScreen
from mllens_tui.app.text import STATUS_SYMBOL, pct, risk_label
from mllens_tui.app.widgets.tables import FitTable
from mllens_tui.lens.model import Lens, Question

Axis = Literal["pillar", "phase"]


def axis_order(lens: Lens, axis: Axis) -> list[str]:
    """Every question id, grouped by the axis and then by the other one (the list order)."""
    if axis == "pillar" or not lens.phases:
        return [q.id for q in lens.questions]
    return [q.id for phase in lens.phases for q in lens.questions_in(phase=phase.id)]


class QuestionTable(FitTable):
    """Questions with their status; heading rows group them. Left/right switch the group."""

    BINDINGS = [
        Binding("left", "group(-1)", "Prev group", id="questions.prev_group", show=False),
        Binding("right", "group(1)", "Next group", id="questions.next_group", show=False),
    ]

    def action_group(self, delta: int) -> None:
        screen = self.screen
        if isinstance(screen, GroupedQuestionsScreen):
            screen.move_group(delta)


class GroupedQuestionsScreen(AppScreen):
    """The questions of one pillar or one phase; enter answers the one under the cursor."""

    axis: Axis = "pillar"
    BINDINGS = [
        Binding("enter", "open", "Answer", id="questions.open", tooltip="Answer this question"),
        Binding(
            "x", "explain", "Explain", id="questions.explain", tooltip="How this score is computed"
        ),
        Binding("escape", "back", "Back", id="questions.back"),
    ]

    def __init__(self, pillar: str | None = None, phase: str | None = None) -> None:
        super().__init__()
        self.fixed_pillar = pillar
        self.fixed_phase = phase

    @property
    def is_cell(self) -> bool:
        return self.fixed_pillar is not None and self.fixed_phase is not None

    def compose(self) -> ComposeResult:
        yield Header()
        if not self.is_cell:
            yield Tabs(id="groups")
        yield Static(id="group-summary", classes="group-summary")
        yield QuestionTable(id="questions", cursor_type="row", zebra_stripes=False, flex="title")
        yield self.footer()

    def on_mount(self) -> None:
        table = self.query_one(QuestionTable)
        table.add_column(" ", key="status", width=1)
        table.add_column("ID", key="id", width=9)
        table.add_column("Best practice", key="title")
        table.add_column("Lvl", key="level", width=3)
        table.add_column("Tgt", key="target", width=3)
        table.add_column("Risk", key="risk", width=6)
        table.fit()
        self.refresh_view()

    def on_screen_resume(self) -> None:
        self.refresh_view()

    def groups(self) -> list[tuple[str, str]]:
        workload = self.workload
        if workload is None:
            return []
        items = workload.lens.pillars if self.axis == "pillar" else workload.lens.phases
        return [(item.id, item.label) for item in items]

    def refresh_view(self) -> None:
        workload = self.workload
        if workload is None:
            return
        self.sub_title = workload.name + ("  [read-only milestone]" if workload.read_only else "")
        if not self.is_cell:
            tabs = self.query_one(Tabs)
            wanted = [gid for gid, _ in self.groups()]
            have = [tab.id for tab in tabs.query(Tab)]
            if have != wanted:
                tabs.clear()
                for gid, label in self.groups():
                    tabs.add_tab(Tab(label, id=gid))
        if self.state_changed():
            self.fill_table()

    def current_group(self) -> str | None:
        if self.is_cell:
            return None
        active = self.query_one(Tabs).active
        return active or (self.groups()[0][0] if self.groups() else None)

    def move_group(self, delta: int) -> None:
        if self.is_cell:
            return
        tabs = self.query_one(Tabs)
        if delta > 0:
            tabs.action_next_tab()
        else:
            tabs.action_previous_tab()

    @on(Tabs.TabActivated)
    def tab_changed(self) -> None:
        self.fill_table()

    def visible_questions(self) -> list[tuple[str, list[Question]]]:
        """(heading, questions) sections of the current group, in lens order."""
        workload = self.workload
        assert workload is not None
        lens = workload.lens
        if self.is_cell:
            return [("", list(lens.questions_in(self.fixed_pillar, self.fixed_phase)))]
        group = self.current_group()
        if group is None:
            return []
        if self.axis == "pillar":
            if not lens.phases:
                return [("", list(lens.questions_in(pillar=group)))]
            sections = [(ph.name, list(lens.questions_in(group, ph.id))) for ph in lens.phases]
        else:
            sections = [(p.name, list(lens.questions_in(p.id, group))) for p in lens.pillars]
        return [(heading, qs) for heading, qs in sections if qs]

    def fill_table(self) -> None:
        workload = self.workload
        scores = self.mllens.scores()
        if workload is None or scores is None:
            return
        lens = workload.lens
        table = self.query_one(QuestionTable)
        cursor_key = None
        if table.row_count:
            cursor_key = table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value
        table.clear()
        group = self.current_group()
        if self.is_cell:
            pillar = lens.pillar(self.fixed_pillar or "")
            phase = lens.phase(self.fixed_phase or "")
            title = f"{pillar.name if pillar else ''} × {phase.name if phase else ''}"
            summary = scores.cells.get((self.fixed_pillar or "", self.fixed_phase or ""))
        elif self.axis == "pillar":
            item = lens.pillar(group or "")
            title = item.name if item else ""
            summary = scores.pillars.get(group or "")
        else:
            item_phase = lens.phase(group or "")
            title = item_phase.name if item_phase else ""
            summary = scores.phases.get(group or "")
        if summary is not None:
            level = f" · level {summary.level:.1f}" if summary.level is not None else ""
            self.query_one("#group-summary", Static).update(
                f"[b]{title}[/b]  score {pct(summary.score)}{level} · answered "
                f"{summary.answered}/{summary.applicable} · high risks {summary.risks['HIGH']}"
            )
        for heading, questions in self.visible_questions():
            if heading:
                table.add_row(
                    "", "", Text(heading, style="bold"), "", "", "", key=f"heading:{heading}"
                )
            for q in questions:
                qs = scores.questions[q.id]
                risk = Text(risk_label(qs.risk))
                if qs.risk == "HIGH":
                    risk.stylize("bold")
                table.add_row(
                    STATUS_SYMBOL[qs.status],
                    q.id,
                    q.title,
                    "N/A"
                    if qs.status == "not_applicable"
                    else ("-" if qs.level is None else str(qs.level)),
                    "" if qs.target is None else str(qs.target),
                    risk,
                    key=q.id,
                )
        if cursor_key is not None and cursor_key in table.rows:
            table.move_cursor(row=table.get_row_index(cursor_key))
        else:
            first = next(
                (
                    i
                    for i, row in enumerate(table.ordered_rows)
                    if not str(row.key.value).startswith("heading:")
                ),
                0,
            )
            table.move_cursor(row=first)
        table.focus()

    @on(DataTable.RowSelected)
    def open_question(self, event: DataTable.RowSelected) -> None:
        qid = event.row_key.value
        workload = self.workload
        if not qid or qid.startswith("heading:") or workload is None:
            return
        from mllens_tui.app.screens.question import QuestionScreen

        if self.is_cell:
            order = [q.id for _, qs in self.visible_questions() for q in qs]
        else:
            order = axis_order(workload.lens, self.axis)
        self.app.push_screen(QuestionScreen(order, order.index(qid)))

    def action_open(self) -> None:
        table = self.query_one(QuestionTable)
        if table.row_count:
            table.action_select_cursor()

    def action_explain(self) -> None:
        from mllens_tui.app.screens.explain import ExplainScreen

        if self.is_cell:
            screen = ExplainScreen(self.fixed_pillar, self.fixed_phase)
        elif self.axis == "pillar":
            screen = ExplainScreen(pillar=self.current_group())
        else:
            screen = ExplainScreen(phase=self.current_group())
        self.app.push_screen(screen)

    async def action_back(self) -> None:
        if self.is_cell or len(self.app.screen_stack) > 1:
            self.dismiss()
        else:
            await self.app.switch_mode("dashboard")


class PillarsScreen(GroupedQuestionsScreen):
    """Pick a pillar (left/right) and see its questions grouped by phase."""

    TITLE = "Pillars"
    axis: Axis = "pillar"


class PhasesScreen(GroupedQuestionsScreen):
    """Pick a lifecycle phase (left/right) and see its questions grouped by pillar."""

    TITLE = "Phases"
    axis: Axis = "phase"


class CellScreen(GroupedQuestionsScreen):
    """The questions of one pillar x phase cell of the dashboard matrix."""

    TITLE = "Cell"
