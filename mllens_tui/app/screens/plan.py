"""The improvement plan: the ranked gaps to target, with the next step, owner and due date of
each; sorted by priority or by due date.

For a choice question the next steps are the improvement plans of the unchosen choices that
would lower its risk (``risk_lowering_choices``).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from rich.markup import escape
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Header, Static

from mllens_tui.app.screens.base import AppScreen
from mllens_tui.app.screens.dialogs import Choose, TextPrompt
from mllens_tui.app.text import pct, plural, risk_label
from mllens_tui.app.widgets.tables import FitTable
from mllens_tui.assessment import Answer, Ownership
from mllens_tui.lens.model import Question
from mllens_tui.scoring import risk_lowering_choices

if TYPE_CHECKING:
    from mllens_tui.lens.model import Lens
    from mllens_tui.scoring import PlanItem

ALL = "all"
SORTS = ("priority", "due")


class PlanScreen(AppScreen):
    """Answered questions below target, most urgent first; unanswered ones listed apart."""

    TITLE = "Improvement plan"
    # The footer shows the keys used on every visit, the way back first; at 80 columns the
    # rest would push it past the edge, so help (?) lists them.
    BINDINGS = [
        Binding("enter", "open", "Answer", id="plan.open", show=False),
        Binding("escape", "back", "Back", id="plan.back"),
        Binding("o", "owner", "Owner", id="plan.owner", tooltip="Owner and due date of this item"),
        Binding("s", "sort", "Sort", id="plan.sort", tooltip="Sort by priority or by due date"),
        Binding(
            "P", "filter('pillar')", "Pillar", id="plan.filter_pillar", tooltip="Pillar filter"
        ),
        Binding("F", "filter('phase')", "Phase", id="plan.filter_phase", tooltip="Phase filter"),
        Binding("R", "filter('risk')", "Risk", id="plan.filter_risk", tooltip="Risk filter"),
        Binding(
            "M",
            "export_markdown",
            "Export",
            id="plan.export",
            tooltip="Export the plan as shown to Markdown",
            show=False,
        ),
        Binding(
            "x",
            "explain",
            "Explain",
            id="plan.explain",
            tooltip="How the score is computed",
            show=False,
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.filters: dict[str, str] = {"pillar": ALL, "phase": ALL, "risk": ALL}
        self.sort = "priority"
        self._filters_for: str | None = None  # the workload the filters were chosen on

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="plan"):
            yield Static(id="plan-summary", classes="group-summary")
            yield FitTable(id="plan-table", cursor_type="row", flex="title")
            yield Static(id="plan-detail", classes="plan-detail")
        yield self.footer()

    def on_mount(self) -> None:
        table = self.query_one(FitTable)
        table.add_column("#", key="rank", width=3)
        table.add_column("ID", key="id", width=9)
        table.add_column("Best practice", key="title")
        table.add_column("Now", key="now", width=4)
        table.add_column("Tgt", key="target", width=4)
        table.add_column("Risk", key="risk", width=6)
        table.add_column("Owner", key="owner", width=10)
        table.add_column("Due", key="due", width=10)
        table.fit()
        self.refresh_view()

    def on_screen_resume(self) -> None:
        self.refresh_view()

    def _matches(self, qid: str) -> bool:
        workload = self.workload
        scores = self.mllens.scores()
        assert workload is not None and scores is not None
        q = workload.lens.question(qid)
        if q is None:
            return False
        if self.filters["pillar"] != ALL and q.pillar != self.filters["pillar"]:
            return False
        if self.filters["phase"] != ALL and q.phase != self.filters["phase"]:
            return False
        risk = scores.questions[qid].risk
        return self.filters["risk"] == ALL or risk == self.filters["risk"]

    def refresh_view(self) -> None:
        workload = self.workload
        scores = self.mllens.scores()
        if workload is None or scores is None:
            return
        if self._filters_for != workload.name:
            # Filters chosen on one workload would hide rows of the next one without a word.
            self.filters = dict.fromkeys(self.filters, ALL)
            self._filters_for = workload.name
        owners = workload.owners
        if not self.state_changed(repr(self.filters), self.sort, repr(owners)):
            return
        self.sub_title = workload.name
        lens = workload.lens
        table = self.query_one(DataTable)
        table.clear()
        ranks = {item.question_id: rank for rank, item in enumerate(scores.plan, start=1)}
        items, unanswered = self.shown()
        for item in items:
            q = lens.question(item.question_id)
            now = str(item.level) if item.level is not None else pct(item.value)
            target = str(item.target) if item.target is not None else pct(item.target_value)
            risk = Text(risk_label(item.risk), style="bold" if item.risk == "HIGH" else "")
            table.add_row(
                str(ranks[item.question_id]),
                item.question_id,
                _fitted(q.title if q else ""),
                now,
                target,
                risk,
                *_owner_cells(owners.get(item.question_id)),
                key=item.question_id,
            )
        if unanswered:
            table.add_row(
                "",
                "",
                Text(f"Not answered yet ({len(unanswered)})", style="bold"),
                "",
                "",
                "",
                "",
                "",
                key="heading:unanswered",
            )
            for qid in unanswered:
                q = lens.question(qid)
                table.add_row(
                    "",
                    qid,
                    _fitted(q.title if q else ""),
                    "-",
                    "",
                    "-",
                    *_owner_cells(owners.get(qid)),
                    key=qid,
                )
        active = self.filter_text()
        shown = f" · filtered by {active}" if active else ""
        if self.sort == "due":
            shown += " · by due date"
        self.query_one("#plan-summary", Static).update(
            f"[b]{len(items)}[/b] {plural(len(items), 'gap')} to target, "
            f"[b]{len(unanswered)}[/b] unanswered{shown}"
            "   (P pillar · F phase · R risk · M export)"
        )
        if not items and not unanswered:
            self.query_one("#plan-detail", Static).update(
                "Nothing to improve here: every answered question meets its target."
            )
        table.focus()

    def shown(self) -> tuple[list[PlanItem], list[str]]:
        """The plan items and unanswered question ids the filters let through, in the order
        shown (by priority, or by due date)."""
        workload = self.workload
        scores = self.mllens.scores()
        assert workload is not None and scores is not None
        items = [item for item in scores.plan if self._matches(item.question_id)]
        unanswered = [qid for qid in scores.unanswered if self._matches(qid)]
        if self.sort == "due":
            from mllens_tui.scoring import by_due

            owners = workload.owners
            order = {qid: n for n, qid in enumerate(by_due([i.question_id for i in items], owners))}
            items.sort(key=lambda item: order[item.question_id])
            unanswered = by_due(unanswered, owners)
        return items, unanswered

    def filter_text(self) -> str:
        """The active filters in words ("pillar Security, risk high"), "" when none."""
        return ", ".join(
            f"{k} {self._filter_label(k, v)}" for k, v in self.filters.items() if v != ALL
        )

    def _filter_label(self, kind: str, value: str) -> str:
        workload = self.workload
        assert workload is not None
        if kind == "pillar":
            pillar = workload.lens.pillar(value)
            return pillar.label if pillar else value
        if kind == "phase":
            phase = workload.lens.phase(value)
            return phase.label if phase else value
        return risk_label(value)

    @on(DataTable.RowHighlighted)
    def highlighted(self, event: DataTable.RowHighlighted) -> None:
        qid = event.row_key.value
        workload = self.workload
        scores = self.mllens.scores()
        detail = self.query_one("#plan-detail", Static)
        if not qid or qid.startswith("heading:") or workload is None or scores is None:
            detail.update("")
            return
        q = workload.lens.question(qid)
        if q is None:
            return
        qs = scores.questions[qid]
        gap = qs.target_value - (qs.value or 0.0)
        step = q.guidance_from(qs.level)
        lines = [f"[b]{q.id} {escape(q.title)}[/b]"]
        if qs.status == "answered":
            lines.append(f"Gap {pct(gap)} of the scale · weight {qs.weight:g}")
        if step:
            lines.append(f"Next step: {escape(step)}")
        if q.kind == "choice" and qs.status == "answered":
            answer = workload.answers.get(qid)
            lines += _choice_plans(q, answer.choices or () if answer else ())
        if q.url:
            lines.append(f"[dim]{q.url}[/dim]")
        detail.update("\n".join(lines))

    @on(DataTable.RowSelected)
    def selected(self, event: DataTable.RowSelected) -> None:
        qid = event.row_key.value
        workload = self.workload
        if not qid or qid.startswith("heading:") or workload is None:
            return
        from mllens_tui.app.screens.question import QuestionScreen

        table = self.query_one(DataTable)
        order = [
            str(row.key.value)
            for row in table.ordered_rows
            if not str(row.key.value).startswith("heading:")
        ]
        self.app.push_screen(QuestionScreen(order, order.index(qid)))

    def action_open(self) -> None:
        table = self.query_one(DataTable)
        if table.row_count:
            table.action_select_cursor()

    def action_filter(self, kind: str) -> None:
        workload = self.workload
        if workload is None:
            return
        lens = workload.lens
        options = [(ALL, "All")]
        if kind == "pillar":
            options += [(p.id, p.name) for p in lens.pillars]
        elif kind == "phase":
            if not lens.phases:
                self.notify("This lens has no phases.")
                return
            options += [(p.id, p.name) for p in lens.phases]
        else:
            options += [("HIGH", "High risk"), ("MEDIUM", "Medium risk"), ("NONE", "No risk")]

        def chosen(value: str | None) -> None:
            if value is not None:
                self.filters[kind] = value
                self.refresh_view()

        self.app.push_screen(
            Choose(f"Show the plan for which {kind}?", options, current=self.filters[kind]), chosen
        )

    def action_export_markdown(self) -> None:
        workload = self.workload
        if workload is None:
            return
        from mllens_tui.app.app import _slug

        items, unanswered = self.shown()
        shown = ", ".join(
            x for x in (self.filter_text(), "by due date" if self.sort == "due" else "") if x
        )
        owners = dict(workload.owners)
        answers = dict(workload.answers)

        def chosen(path: str | None) -> None:
            if path:
                self._write_markdown(
                    path, workload.lens, workload.name, items, unanswered, shown, owners, answers
                )

        self.app.push_screen(
            TextPrompt("Export the plan as Markdown", value=f"{_slug(workload.name)}-plan.md"),
            chosen,
        )

    @work(thread=True, group="plan-export")
    def _write_markdown(
        self,
        path: str,
        lens: Lens,
        name: str,
        items: list[PlanItem],
        unanswered: list[str],
        shown: str,
        owners: dict[str, Ownership],
        answers: dict[str, Answer],
    ) -> None:
        from mllens_tui.files import write_atomic
        from mllens_tui.report import plan_markdown

        text = plan_markdown(lens, name, items, unanswered, shown, owners, answers)
        target = Path(path).expanduser()
        try:
            write_atomic(target, text)
        except OSError as exc:
            self.app.call_from_thread(self.notify, f"Export failed: {exc}", severity="error")
            return
        self.app.call_from_thread(self.notify, f"Plan written to {target}")

    def action_sort(self) -> None:
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        self.refresh_view()
        self.notify(f"Sorted by {'due date' if self.sort == 'due' else 'priority'}")

    def action_owner(self) -> None:
        workload = self.workload
        table = self.query_one(DataTable)
        if workload is None or not table.row_count:
            return
        if workload.read_only:
            self.notify("A milestone is read-only.", severity="warning")
            return
        qid = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        if qid.startswith("heading:"):
            return
        from mllens_tui.app.screens.plan_owner import OwnerDialog

        def chosen(ownership: Ownership | None) -> None:
            if ownership is not None:
                self._save_owner(workload.name, qid, ownership)

        current = workload.owners.get(qid, Ownership())
        self.app.push_screen(OwnerDialog(f"Who owns {qid}, by when?", current), chosen)

    @work(thread=True, group="plan-owner")
    def _save_owner(self, name: str, qid: str, ownership: Ownership) -> None:
        from mllens_tui.store.errors import StoreError

        app = self.mllens
        store = app.wait_for_store()  # opened after the first screen
        if store is None:
            return
        try:
            store.set_ownership(name, qid, ownership, by=app.participant)
        except StoreError as exc:
            app.call_from_thread(app.notify, str(exc), severity="error")
            return
        app.call_from_thread(self._owner_saved, name, qid, ownership)

    def _owner_saved(self, name: str, qid: str, ownership: Ownership) -> None:
        workload = self.workload
        if workload is None or workload.name != name:
            return
        if ownership.empty:
            workload.owners.pop(qid, None)
        else:
            workload.owners[qid] = ownership
        self.refresh_view()
        table = self.query_one(DataTable)
        if qid in table.rows:
            table.move_cursor(row=table.get_row_index(qid))

    async def action_back(self) -> None:
        await self.app.switch_mode("dashboard")


def _fitted(text: str) -> Text:
    """A cell cut with an ellipsis where its column is narrower, so that a cut shows."""
    return Text(text, no_wrap=True, overflow="ellipsis")


def _owner_cells(ownership: Ownership | None) -> tuple[Text, str]:
    if ownership is None:
        return _fitted(""), ""
    return _fitted(ownership.owner), ownership.due.isoformat() if ownership.due else ""


def _choice_plans(question: Question, chosen: Iterable[str]) -> list[str]:
    """The improvement plan of each unchosen choice that would lower the risk, as lines."""
    lines = []
    for choice in risk_lowering_choices(question, chosen):
        plan = f": {escape(choice.improvement_plan)}" if choice.improvement_plan else ""
        url = f" [dim]{escape(choice.improvement_url)}[/dim]" if choice.improvement_url else ""
        lines.append(f" • [b]{escape(choice.title)}[/b]{plan}{url}")
    if lines:
        lines.insert(0, "To lower the risk:")
    return lines
