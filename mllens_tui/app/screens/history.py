"""History: the milestones of a workload, its score over time, and comparisons."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Header, Static

from mllens_tui.app.screens.base import AppScreen
from mllens_tui.app.text import arrow, pct
from mllens_tui.app.widgets.charts import HistoryPlot
from mllens_tui.app.widgets.tables import FitTable

if TYPE_CHECKING:
    from mllens_tui.history import HistoryPoint
    from mllens_tui.store.service import MilestoneRecord

NOW = "__now__"
FILL_BATCH = 100  # rows added to the table at once: more than a tall terminal shows
FILL_PAUSE = 0.02  # seconds between two batches


class HistoryScreen(AppScreen):
    """Milestones oldest first, the score line over time, and compare any two."""

    TITLE = "History"
    BINDINGS = [
        Binding("escape", "back", "Back", id="history.back"),
        Binding("m", "app.milestone", "Milestone", id="history.new", tooltip="New milestone"),
        Binding("enter", "open", "Open read-only", id="history.open", show=False),
        Binding("space", "mark", "Mark", id="history.mark", tooltip="Mark for compare"),
        Binding("c", "compare", "Compare", id="history.compare"),
        Binding(
            "a",
            "toggle_changes",
            "Answer changes",
            id="history.changes",
            show=False,
            tooltip="Show every answer change on the chart, not only milestones",
        ),
        Binding(
            "s",
            "toggle_pillars",
            "Pillar lines",
            id="history.pillars",
            show=False,
            tooltip="Add a line per pillar to the chart",
        ),
        Binding(
            "x", "explain", "Explain", id="history.explain", tooltip="How the score is computed"
        ),
    ]

    class Loaded(Message):
        def __init__(
            self,
            milestones: list[MilestoneRecord],
            points: list[HistoryPoint],
            key: tuple[object, ...],
        ) -> None:
            super().__init__()
            self.milestones = milestones
            self.points = points
            self.key = key

    def __init__(self) -> None:
        super().__init__()
        self.marked: str | None = None
        self.include_changes = False
        self.pillar_lines = False
        self.points: list[HistoryPoint] = []
        self.milestones: list[MilestoneRecord] = []
        # The table's rows (key, then cells but the mark), added a batch at a time.
        self._rows: list[tuple[str, str, str, str, str]] = []
        self._filling = 0  # the fill under way: one per load
        self._now_for: int | None = None  # the answer version the "Now" row shows
        self._loaded_for: tuple[object, ...] | None = None
        # The state of the load asked for last: a screen resumed while it is under way (the
        # first visit mounts and resumes at once) does not start a second one.
        self._wanted: tuple[object, ...] | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="history"):
            yield HistoryPlot(id="history-plot")
            yield Static(id="history-summary", classes="group-summary")
            yield FitTable(id="milestones", cursor_type="row", flex="name")
        yield self.footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column(" ", key="mark", width=1)
        table.add_column("Milestone", key="name")
        table.add_column("Date", key="date", width=16)
        table.add_column("Overall", key="overall", width=7)
        table.add_column("Change", key="delta", width=9)
        table.fit()
        self.reload()

    def on_screen_resume(self) -> None:
        self.store_changed()

    def store_changed(self) -> None:
        """Read the history again only when what it shows from the store changed; a change
        of the answers alone, with milestones only on the chart, moves the "Now" row and
        point (the milestones' scores are their own)."""
        if self._wanted != self._state_key():
            self.reload()
        elif self._loaded_for is not None and self._now_for != self.mllens.answer_version:
            self.show_now()
        if self._rows and self.query_one(DataTable).row_count < len(self._rows):
            self._fill(self._filling)

    def milestones_changed(self) -> None:
        self.reload()

    def _state_key(self) -> tuple[object, ...]:
        """What the history read from the store depends on: the workload, its milestones, the
        view, and its answers when the chart shows every change."""
        app = self.mllens
        workload = app.current
        name = workload.name if workload else None
        milestone = workload.milestone if workload else None
        answers = app.answer_version if self.include_changes else None
        return (name, milestone, answers, app.milestone_version, self.include_changes)

    def reload(self) -> None:
        """Read the milestones and the series again, in a worker."""
        self._wanted = self._state_key()
        self._load(self._wanted)

    @work(thread=True, exclusive=True, group="history")
    def _load(self, key: tuple[object, ...]) -> None:
        from mllens_tui.store.errors import StoreError

        app = self.mllens
        workload = app.current
        store = app.wait_for_store()  # opened after the first screen
        if workload is None or store is None:
            return
        app.wait_for_writes()
        try:
            milestones, points = store.history(
                workload.name, workload.lens, include_changes=self.include_changes
            )
        except StoreError as exc:
            app.call_from_thread(app.notify, str(exc), severity="error")
            return
        self.post_message(self.Loaded(milestones, points, key))

    @on(Loaded)
    def loaded(self, message: Loaded) -> None:
        workload = self.workload
        scores = self.mllens.scores()
        if workload is None or scores is None or message.key != self._wanted:
            return  # a load asked for before the latest one: its rows would only be redrawn
        self.sub_title = workload.name
        self.milestones = message.milestones
        self.points = message.points
        self._loaded_for = message.key
        self.draw_chart()
        rows: list[tuple[str, str, str, str, str]] = []
        previous: float | None = None
        for ms in message.milestones:
            delta = (
                None
                if previous is None or ms.overall_score is None
                else ms.overall_score - previous
            )
            change = "" if delta is None else f"{arrow(delta)} {delta * 100:+.1f}"
            date = ms.created_at.strftime("%Y-%m-%d %H:%M")
            rows.append((ms.name, ms.name, date, pct(ms.overall_score), change))
            if ms.overall_score is not None:
                previous = ms.overall_score
        rows.append(self._now_row(previous))
        table = self.query_one(DataTable)
        table.clear()
        self._rows = rows
        self._filling += 1
        self._fill(self._filling)
        count = len(message.milestones)
        self.query_one("#history-summary", Static).update(
            f"{count} milestone{'s' if count != 1 else ''} · m saves one · enter opens read-only · "
            "space marks, c compares with the row under the cursor"
        )
        table.focus()

    def _now_row(self, last: float | None) -> tuple[str, str, str, str, str]:
        """The table's last row: the current answers' score and its change since ``last``,
        the last milestone's score."""
        scores = self.mllens.scores()
        now = scores.overall.score if scores is not None else None
        delta = None if last is None or now is None else now - last
        change = "" if delta is None else f"{arrow(delta)} {delta * 100:+.1f}"
        self._now_for = self.mllens.answer_version
        return (NOW, "Now (current answers)", "", pct(now), change)

    def show_now(self) -> None:
        """Show the current answers' score in the "Now" row and on the chart."""
        scores = [m.overall_score for m in self.milestones if m.overall_score is not None]
        row = self._now_row(scores[-1] if scores else None)
        self._rows[-1] = row
        table = self.query_one(DataTable)
        if NOW in table.rows:
            for column, value in zip(("overall", "delta"), row[3:], strict=True):
                table.update_cell(NOW, column, value)
        self.draw_chart()

    def _fill(self, filling: int) -> None:
        """Add the next rows to the table: a long history is drawn with its first rows, the
        rest follow a batch at a time (each row costs Textual about half a millisecond)."""
        if filling != self._filling:
            return  # a later load cleared the table and fills it
        if not self.is_current:
            return  # the screen the user went to gets the loop; resuming goes on
        table = self.query_one(DataTable)
        start = table.row_count
        for row_key, *cells in self._rows[start : start + FILL_BATCH]:
            table.add_row("*" if self.marked == row_key else "", *cells, key=row_key)
        if table.row_count < len(self._rows):
            # A pause between batches keeps keys answered while the rest comes in.
            self.set_timer(FILL_PAUSE, lambda: self._fill(filling))

    def draw_chart(self) -> None:
        from mllens_tui.charts.specs import history_chart, target_score
        from mllens_tui.history import HistoryPoint
        from mllens_tui.snapshot import utc

        workload = self.workload
        scores = self.mllens.scores()
        if workload is None or scores is None:
            return
        pillars = [p.id for p in workload.lens.pillars] if self.pillar_lines else []
        points = list(self.points)
        if not workload.read_only:
            # The table ends with "Now": so does the chart, at the last change of an answer
            # (the moment the current state began), or today when nothing is answered.
            times = [utc(a.answered_at) for a in workload.answers.values() if a.answered_at]
            times += [utc(p.at) for p in points]
            now = max(times) if times else datetime.now(UTC)
            points.append(HistoryPoint.from_scores(now, "Now", scores, kind="change"))
        self.query_one(HistoryPlot).show(
            history_chart(workload.lens, points, pillars=pillars, target=target_score(scores))
        )

    def action_toggle_pillars(self) -> None:
        self.pillar_lines = not self.pillar_lines
        self.draw_chart()

    def _cursor_key(self) -> str | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        return str(table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value)

    def action_open(self) -> None:
        key = self._cursor_key()
        workload = self.workload
        if key is None or workload is None:
            return
        if key == NOW:
            self.mllens.open_workload(workload.name)
        else:
            self.mllens.open_workload(workload.name, milestone=key)

    @on(DataTable.RowSelected)
    def row_selected(self) -> None:
        self.action_open()

    def action_mark(self) -> None:
        key = self._cursor_key()
        if key is None:
            return
        self.marked = None if self.marked == key else key
        table = self.query_one(DataTable)
        for row_key in table.rows:
            table.update_cell(row_key, "mark", "*" if row_key.value == self.marked else "")

    def action_compare(self) -> None:
        key = self._cursor_key()
        workload = self.workload
        if key is None or workload is None:
            return
        first = self.marked or (self.milestones[-1].name if self.milestones else None)
        if first is None or first == key:
            self.notify("Mark one row with space, then compare it with the row under the cursor.")
            return
        from mllens_tui.app.screens.compare import CompareScreen

        self.app.push_screen(CompareScreen(workload.name, first, key))

    def action_toggle_changes(self) -> None:
        self.include_changes = not self.include_changes
        self.notify(
            "Showing every answer change" if self.include_changes else "Showing milestones only"
        )
        self.reload()

    async def action_back(self) -> None:
        workload = self.workload
        if workload is not None and workload.read_only:
            self.mllens.open_workload(workload.name)
            return
        await self.app.switch_mode("dashboard")
