"""The start screen: every workload, with create, rename, delete and open.

The list reads through the app's ``reader`` (``store.quickread``) until the store is open, in
two queries whatever the number of workloads. Scoring costs about a millisecond and a half
per workload, and a table row about as much, so the first rows (more than a tall terminal
shows) are scored and listed first and the rest are added afterwards, a chunk at a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Header, Static
from textual.worker import get_current_worker

from mllens_tui.app.screens.base import AppScreen
from mllens_tui.app.text import pct
from mllens_tui.app.widgets.tables import FitTable

if TYPE_CHECKING:
    from mllens_tui.lens.model import Lens
    from mllens_tui.store.quickread import QuickRead
    from mllens_tui.store.records import WorkloadRecord
    from mllens_tui.store.service import Store

    _Reads = QuickRead | Store


# Rows scored before the list is shown, and per update after it.
FIRST_ROWS = 60
CHUNK_ROWS = 200


@dataclass(frozen=True)
class Row:
    name: str
    environment: str
    lens_id: str
    answered: int
    total: int
    overall: float | None
    updated: datetime


def score_rows(source: _Reads, records: list[WorkloadRecord]) -> list[Row]:
    """The rows of ``records``, scored, with one query for all their answers."""
    from mllens_tui.assessment import Profile
    from mllens_tui.lens.registry import find_lens
    from mllens_tui.scoring import score

    answers = source.answers_by_workload(r.id for r in records)
    lenses: dict[str, Lens | None] = {}
    rows = []
    for record in records:
        if record.lens_id not in lenses:
            lenses[record.lens_id] = find_lens(record.lens_id)
        lens = lenses[record.lens_id]
        total, overall = 0, None
        if lens is not None:
            profile = Profile(record.default_target, dict(record.pillar_weights))
            scores = score(lens, answers[record.id], profile).overall
            total, overall = scores.applicable, scores.score
        rows.append(
            Row(
                record.name,
                record.environment,
                record.lens_id,
                record.answered_count,
                total,
                overall,
                record.updated_at,
            )
        )
    return rows


@dataclass(frozen=True)
class FirstRows:
    """The start of the list, read before the first frame: its first rows and how many
    workloads there are in all."""

    rows: list[Row]
    total: int


def first_rows(source: _Reads, limit: int = FIRST_ROWS) -> FirstRows:
    """What the first frame of the list shows, read now (the app does this before its
    first frame, so that frame is the list itself): the first ``limit`` rows, scored."""
    records = source.list_workloads()
    return FirstRows(score_rows(source, records[:limit]), len(records))


def _count(total: int) -> str:
    return f"{total} workload{'s' if total != 1 else ''} · enter opens · n creates a new one"


def _new_table() -> FitTable:
    table = FitTable(id="workloads-table", cursor_type="row", zebra_stripes=True, flex="name")
    table.add_column("Workload", key="name")
    table.add_column("Env", key="env")
    table.add_column("Answered", key="answered")
    table.add_column("Overall", key="overall")
    table.add_column("Updated (UTC)", key="updated", width=16)
    return table


class WorkloadsScreen(AppScreen):
    """Pick the workload to assess."""

    TITLE = "Workloads"
    BINDINGS = [
        Binding("enter", "open", "Open", id="workloads.open", show=True),
        Binding("n", "new", "New", id="workloads.new", tooltip="Create a workload"),
        Binding("r", "rename", "Rename", id="workloads.rename"),
        Binding("delete,x", "delete", "Delete", id="workloads.delete"),
        Binding("o", "portfolio", "Portfolio", id="workloads.portfolio", tooltip="Every workload"),
        Binding("q", "app.quit", "Quit", id="workloads.quit"),
    ]

    class Loaded(Message):
        """The first rows of a fresh list of ``total`` workloads."""

        def __init__(self, rows: list[Row], total: int, generation: int) -> None:
            super().__init__()
            self.rows = rows
            self.total = total
            self.generation = generation

    class More(Message):
        """The next rows of the list that ``Loaded`` began."""

        def __init__(self, rows: list[Row], generation: int) -> None:
            super().__init__()
            self.rows = rows
            self.generation = generation

    def compose(self) -> ComposeResult:
        # The app read the list before its first frame: compose it with its rows, so that
        # frame shows them (a table mounted afterwards costs another layout and frame).
        first = self._first = self.mllens.take_first_rows()
        yield Header()
        with Vertical(id="workloads"):
            if first is not None and first.rows:
                yield Static(_count(first.total), id="workloads-status", classes="status")
                table = _new_table()
                self._add_rows(table, first.rows)
                yield table
            else:
                yield Static("Opening the database…", id="workloads-status", classes="status")
        yield self.footer()

    async def _table(self) -> FitTable:
        """The workload table, mounted when there is something to list: the first screen
        is drawn sooner without it."""
        found = self.query(DataTable)
        if found:
            return found.first(FitTable)
        table = _new_table()
        await self.query_one("#workloads", Vertical).mount(table)
        table.fit()
        return table

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Open, rename and delete need a workload under the cursor; hide them until then.
        if action in ("open", "rename", "delete"):
            return self._selected() is not None
        return True

    _listed = False
    _generation = 0  # of the latest reload; rows of an older one are dropped
    _shown = 0  # the generation on screen
    _wanted: str | None = None  # the row under the cursor before a reload

    _first: FirstRows | None = None  # read by the app before the first frame

    async def on_mount(self) -> None:
        first = self._first
        if first is not None:
            self._listed = True
            if first.rows:
                table = self.query_one(FitTable)
                table.focus()
                table.call_when_drawn(self.mllens.mark_usable)
            else:
                await self._show([], 0, self._generation)
            if first.total > len(first.rows):
                # The rest, a chunk at a time, once the first rows are on screen: scoring
                # them sooner would only hold the first frame back.
                rest = partial(self.reload, start=len(first.rows))
                if first.rows:
                    self.query_one(FitTable).call_when_drawn(rest)
                else:
                    rest()
        elif self.mllens.store is not None or self.mllens.reader is not None:
            self.reload()
        elif self.mllens.store_error:
            self.show_store_error(self.mllens.store_error)

    def on_screen_resume(self) -> None:
        if self._first is not None:
            self._first = None  # the resume of the first mount: the rows are fresh
            return
        if self.mllens.store is not None or self.mllens.reader is not None:
            self.reload()

    def store_ready(self) -> None:
        if not self._listed:  # the reader listed them already: the same rows
            self.reload()

    def show_store_error(self, error: str) -> None:
        self.query_one("#workloads-status", Static).update(
            f"[b]The database could not be opened.[/b]\n\n{error}\n\nPress q to quit."
        )

    @work(thread=True, exclusive=True, group="workloads")
    def reload(self, start: int = 0) -> None:
        """Read the list again (``start``: only the rows from there on, added to those on
        screen)."""
        from mllens_tui.store.errors import StoreError

        app = self.mllens
        source = app.store or app.reader
        if source is None:
            return
        if start == 0:
            self._generation += 1
        generation = self._generation
        try:
            records = source.list_workloads()
            worker = get_current_worker()
            while True:
                # The first chunk is small: what the screen shows before the list appears.
                end = FIRST_ROWS if start == 0 else start + CHUNK_ROWS
                rows = score_rows(source, records[start:end])
                if worker.is_cancelled:
                    return
                if start == 0:
                    self.post_message(self.Loaded(rows, len(records), generation))
                else:
                    self.post_message(self.More(rows, generation))
                if end >= len(records):
                    break
                start = end
        except StoreError as exc:
            app.call_from_thread(app.notify, str(exc), severity="error")
            app.mark_usable()

    @on(Loaded)
    async def loaded(self, message: Loaded) -> None:
        await self._show(message.rows, message.total, message.generation)

    async def _show(self, rows: list[Row], total: int, generation: int) -> None:
        """Replace the list with ``rows``, the first of ``total`` workloads."""
        table = await self._table()
        status = self.query_one("#workloads-status", Static)
        selected = None
        if table.row_count and table.cursor_row is not None:
            selected = table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value
        table.clear()
        self._shown = generation
        self._wanted = selected
        self._add_rows(table, rows)
        self._listed = True
        if rows:
            table.call_when_drawn(self.mllens.mark_usable)
            status.update(_count(total))
            table.display = True
            table.focus()
            self.refresh_bindings()
        else:
            self.call_after_refresh(self.mllens.mark_usable)
            table.display = False
            self.refresh_bindings()
            status.update(
                "[b]Welcome to mllens.[/b]\n\n"
                "A workload is the ML system you assess: a model, a pipeline or a product.\n"
                f"It is scored against the {self.mllens.lens.name} "
                f"({len(self.mllens.lens.questions)} questions).\n\n"
                "Press [b]n[/b] to create your first workload, or run [b]mllens demo[/b] "
                "in a shell for an example with three past reviews."
            )

    @on(More)
    def more(self, message: More) -> None:
        tables = self.query(FitTable)
        if tables and message.generation == self._shown:
            self._add_rows(tables.first(), message.rows)

    def _add_rows(self, table: FitTable, rows: list[Row]) -> None:
        """Append rows, and put the cursor back on the row it was on before the reload."""
        for row in rows:
            if row.name in table.rows:
                continue
            table.add_row(
                row.name,
                row.environment or "-",
                f"{row.answered}/{row.total}" if row.total else str(row.answered),
                pct(row.overall),
                row.updated.strftime("%Y-%m-%d %H:%M"),
                key=row.name,
            )
            if row.name == self._wanted:
                table.move_cursor(row=table.get_row_index(row.name))
                self._wanted = None

    def _selected(self) -> str | None:
        tables = self.query(DataTable)
        if not tables:
            return None
        table = tables.first()
        if not table.display or not table.row_count:
            return None
        return table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value

    @on(DataTable.RowSelected)
    def row_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            self.mllens.open_workload(event.row_key.value)

    def action_open(self) -> None:
        name = self._selected()
        if name:
            self.mllens.open_workload(name)

    def action_portfolio(self) -> None:
        from mllens_tui.app.screens.portfolio import PortfolioScreen

        if self.mllens.store is not None or self.mllens.reader is not None:
            self.app.push_screen(PortfolioScreen())

    def _names(self) -> set[str]:
        tables = self.query(DataTable)
        if not tables or not tables.first().display:
            return set()
        return {str(key.value) for key in tables.first().rows}

    def _check_name(self, name: str) -> str | None:
        if not name:
            return "A workload needs a name."
        if len(name) > 100:
            return "Keep the name under 100 characters."
        if name in self._names():
            return f"A workload named {name!r} exists already."
        return None

    def action_new(self) -> None:
        if self.mllens.store is None and self.mllens.reader is None:
            return

        def created(name: str | None) -> None:
            if name:
                self._create(name)

        from mllens_tui.app.screens.dialogs import TextPrompt

        self.app.push_screen(
            TextPrompt(
                "New workload",
                placeholder="e.g. Fraud scoring",
                hint="the ML system you are assessing · enter to create",
                validate=self._check_name,
            ),
            created,
        )

    @work(thread=True, group="workloads-write")
    def _create(self, name: str) -> None:
        from mllens_tui.store.errors import StoreError

        app = self.mllens
        store = app.wait_for_store()  # opened after the first screen
        if store is None:
            return
        try:
            store.create_workload(name, app.lens, by=app.participant)
        except StoreError as exc:
            app.call_from_thread(app.notify, str(exc), severity="error")
            return
        app.call_from_thread(app.notify, f"Created {name}")
        app.open_workload(name)

    def action_rename(self) -> None:
        old = self._selected()
        if not old:
            return

        def renamed(new: str | None) -> None:
            if new and new != old:
                self._rename(old, new)

        from mllens_tui.app.screens.dialogs import TextPrompt

        self.app.push_screen(
            TextPrompt(f"Rename {old}", value=old, validate=self._check_name), renamed
        )

    @work(thread=True, group="workloads-write")
    def _rename(self, old: str, new: str) -> None:
        from mllens_tui.store.errors import StoreError

        app = self.mllens
        store = app.wait_for_store()  # opened after the first screen
        if store is None:
            return
        try:
            store.rename_workload(old, new, by=app.participant)
        except StoreError as exc:
            app.call_from_thread(app.notify, str(exc), severity="error")
            return
        current = app.current
        if current is not None and current.name == old:
            app.call_from_thread(app.open_workload, new)
        self.reload()

    def action_delete(self) -> None:
        name = self._selected()
        if not name:
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._delete(name)

        import shlex

        from mllens_tui.app.screens.dialogs import Confirm
        from mllens_tui.store.workloads import TRASH_DAYS

        self.app.push_screen(
            Confirm(
                f"Delete {name}?",
                "It goes to the trash with its answers, history and milestones, and can be "
                f"restored for {TRASH_DAYS} days with: mllens workload restore {shlex.quote(name)}",
                yes="Delete",
            ),
            confirmed,
        )

    @work(thread=True, group="workloads-write")
    def _delete(self, name: str) -> None:
        from mllens_tui.store.errors import StoreError

        app = self.mllens
        store = app.wait_for_store()  # opened after the first screen
        if store is None:
            return
        try:
            store.delete_workload(name, by=app.participant)
        except StoreError as exc:
            app.call_from_thread(app.notify, str(exc), severity="error")
            return
        current = app.current
        if current is not None and current.name == name:
            app.current = None
        app.call_from_thread(app.notify, f"Moved {name} to the trash")
        self.reload()
